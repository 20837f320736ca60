import type { Clock } from '../../shared/clock.js';

export type Take = { ok: true } | { ok: false; retryAfterMs: number };

/**
 * A token bucket on the injected clock: `capacity` tokens, refilled evenly over `periodMs`
 * (10 per minute: one every 6 s, with bursts up to 10).
 */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly clock: Clock,
    private readonly capacity: number,
    private readonly periodMs: number,
  ) {
    if (!(capacity >= 1) || !(periodMs > 0)) throw new Error('TokenBucket: capacity must be >= 1 and periodMs > 0');
    this.tokens = capacity;
    this.at = clock.now();
  }

  take(): Take {
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    const msPerToken = this.periodMs / this.capacity;
    return { ok: false, retryAfterMs: Math.ceil((1 - this.tokens) * msPerToken) };
  }

  private refill(): void {
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.at);
    this.at = now;
    this.tokens = Math.min(this.capacity, this.tokens + (elapsed * this.capacity) / this.periodMs);
  }
}
