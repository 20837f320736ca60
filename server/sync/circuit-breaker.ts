import type { Clock } from '../../shared/clock.js';
import { DoorplateError } from '../../shared/errors.js';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerPolicy {
  /** The first cool-down; each failed probe doubles it, up to `maxMs`. */
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BREAKER: BreakerPolicy = { baseMs: 15_000, maxMs: 5 * 60_000 };

/**
 * Holds a provider's requests once retries have shown it is down, so that an outage costs a
 * probe per cool-down instead of every caller's full round of retries. Closed: requests go.
 * Open: they fail at once with PROVIDER_UNAVAILABLE, without a request, until the cool-down
 * (growing with each failed probe, never shorter than the provider's Retry-After) is over.
 * Half-open: one request goes as the probe; the others still fail fast until it answers.
 */
export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private openUntil = 0;
  private failedProbes = 0;

  constructor(
    private readonly clock: Clock,
    private readonly provider: string,
    private readonly policy: BreakerPolicy = DEFAULT_BREAKER,
  ) {}

  get state(): BreakerState {
    return this.current;
  }

  /** When an open breaker lets the next probe through (ms since the epoch); null unless open. */
  get retryAt(): number | null {
    return this.current === 'open' ? this.openUntil : null;
  }

  /**
   * Asks to send a request: true when it is the half-open probe, false when it goes as usual;
   * throws PROVIDER_UNAVAILABLE while the breaker holds requests.
   */
  admit(kind: string): boolean {
    if (this.current === 'closed') return false;
    if (this.current === 'open' && this.clock.now() >= this.openUntil) {
      this.current = 'half-open';
      return true;
    }
    const wait = Math.max(0, this.openUntil - this.clock.now());
    throw new DoorplateError('PROVIDER_UNAVAILABLE', `${this.provider} ${kind}: held while ${this.provider} is down (${this.current === 'open' ? `next try in ${Math.ceil(wait / 1000)} s` : 'a probe is under way'})`, {
      retryAt: new Date(this.openUntil).toISOString(),
    });
  }

  /** The provider answered (a definite error counts): requests flow again. */
  succeeded(): void {
    this.current = 'closed';
    this.failedProbes = 0;
  }

  /** Retries ran out, or the probe failed: hold requests for the next cool-down. */
  failed(retryAfterMs: number | null): void {
    if (this.current === 'open') return;
    if (this.current === 'half-open') this.failedProbes++;
    const cooldown = Math.min(this.policy.maxMs, this.policy.baseMs * 2 ** this.failedProbes);
    this.current = 'open';
    this.openUntil = this.clock.now() + Math.max(cooldown, retryAfterMs ?? 0);
  }
}
