import { sleep, type Clock } from '../../shared/clock.js';

/**
 * A provider's request allowance: at most `requests` in any `windowMs` (Graph allows about
 * 10,000 per 10 minutes per mailbox; Google has per-user quotas). A caller past the limit
 * waits for the oldest request to leave the window instead of earning a 429. It also counts
 * requests by kind, which the metrics and the benchmark read.
 */
export class RequestBudget {
  private readonly sent: number[] = [];
  private readonly byKind = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly requests: number,
    private readonly windowMs: number,
  ) {
    if (!Number.isInteger(requests) || requests < 1) throw new RangeError(`budget.requests: must be a positive integer, got ${requests}`);
    if (!(windowMs > 0)) throw new RangeError(`budget.windowMs: must be positive, got ${windowMs}`);
  }

  /** Takes one request from the budget, waiting on the clock while it is spent. */
  async take(kind: string, signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      while (this.sent.length > 0 && (this.sent[0] as number) <= now - this.windowMs) this.sent.shift();
      if (this.sent.length < this.requests) break;
      await sleep(this.clock, (this.sent[0] as number) + this.windowMs - now, signal);
    }
    this.sent.push(this.clock.now());
    this.byKind.set(kind, (this.byKind.get(kind) ?? 0) + 1);
  }

  /** Requests left in the current window. */
  remaining(): number {
    const now = this.clock.now();
    return this.requests - this.sent.filter((t) => t > now - this.windowMs).length;
  }

  /** Requests made since start, by kind. */
  counts(): Record<string, number> {
    return Object.fromEntries([...this.byKind].sort(([a], [b]) => a.localeCompare(b)));
  }
}
