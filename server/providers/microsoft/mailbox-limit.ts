/**
 * At most `perKey` calls at a time per mailbox: Graph allows four concurrent requests per
 * mailbox and answers a fifth with 429. Callers past the limit queue in order.
 */
export class MailboxLimit {
  private readonly active = new Map<string, number>();
  private readonly waiting = new Map<string, Array<() => void>>();

  constructor(private readonly perKey = 4) {
    if (!Number.isInteger(perKey) || perKey < 1) throw new RangeError(`mailbox concurrency: must be a positive integer, got ${perKey}`);
  }

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const k = key.toLowerCase();
    if ((this.active.get(k) ?? 0) >= this.perKey) {
      await new Promise<void>((resolve) => {
        const q = this.waiting.get(k) ?? [];
        q.push(resolve);
        this.waiting.set(k, q);
      });
    } else this.active.set(k, (this.active.get(k) ?? 0) + 1);
    try {
      return await fn();
    } finally {
      // Hand the slot straight to the next in line, or give it back.
      const next = this.waiting.get(k)?.shift();
      if (next) next();
      else {
        const n = (this.active.get(k) ?? 1) - 1;
        if (n > 0) this.active.set(k, n);
        else this.active.delete(k);
        this.waiting.delete(k);
      }
    }
  }

  /** Calls running now for the mailbox. */
  inFlight(key: string): number {
    return this.active.get(key.toLowerCase()) ?? 0;
  }
}
