/**
 * Counts open connections, in total and per remote address, and says whether one more may
 * open. Exempt addresses (loopback: the server's own connection and the demo's displays) are
 * counted but never refused.
 */
export interface AdmissionLimits {
  maxConnections: number;
  maxConnectionsPerAddress: number;
  exemptAddresses: readonly string[];
}

export type Admit = { ok: true } | { ok: false; reason: string };

export class Admission {
  private total = 0;
  private readonly perAddress = new Map<string, number>();
  private readonly exempt: ReadonlySet<string>;

  constructor(private readonly limits: AdmissionLimits) {
    this.exempt = new Set(limits.exemptAddresses);
  }

  /** Takes a slot when allowed; every admitted connection must be released once. */
  admit(address: string): Admit {
    const mine = this.perAddress.get(address) ?? 0;
    if (!this.exempt.has(address)) {
      if (this.total >= this.limits.maxConnections) return { ok: false, reason: `${this.total} connections open (limit ${this.limits.maxConnections})` };
      if (mine >= this.limits.maxConnectionsPerAddress) return { ok: false, reason: `${mine} connections from ${address} (limit ${this.limits.maxConnectionsPerAddress})` };
    }
    this.total += 1;
    this.perAddress.set(address, mine + 1);
    return { ok: true };
  }

  release(address: string): void {
    const mine = this.perAddress.get(address) ?? 0;
    if (mine === 0) return;
    this.total -= 1;
    if (mine === 1) this.perAddress.delete(address);
    else this.perAddress.set(address, mine - 1);
  }

  get open(): number {
    return this.total;
  }
}
