import type { Clock } from '../../shared/clock.js';
import { DoorplateError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import { DEFAULT_BACKOFF, withRetry, type BackoffPolicy } from './backoff.js';
import { CircuitBreaker, type BreakerPolicy } from './circuit-breaker.js';
import { isTransient, ProviderRequestError } from './provider-error.js';
import type { RequestBudget } from './request-budget.js';

export type AvailabilityListener = (up: boolean) => void;

/**
 * Every provider request goes through here: it takes one request from the budget per try,
 * retries throttling and server errors with backoff, and tracks whether the provider is up.
 * After retries run out on a transient error the provider counts as down (displays go stale)
 * and the caller gets PROVIDER_UNAVAILABLE; the next success brings it back up. While it is
 * down the breaker holds every request (outbox, scheduler, pushes alike) and lets one probe
 * through per cool-down, instead of each caller spending its own round of retries.
 */
export class RequestRunner {
  private up = true;
  private readonly listeners = new Set<AvailabilityListener>();
  readonly breaker: CircuitBreaker;

  constructor(
    private readonly deps: { clock: Clock; budget: RequestBudget; log: Logger; policy?: BackoffPolicy; random?: () => number; provider: string; breaker?: BreakerPolicy },
  ) {
    this.breaker = new CircuitBreaker(deps.clock, deps.provider, deps.breaker);
  }

  get available(): boolean {
    return this.up;
  }

  onAvailability(listener: AvailabilityListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async run<T>(kind: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const probe = this.breaker.admit(kind);
    try {
      const result = await withRetry(
        async () => {
          // The breaker opened while this one was waiting to retry: stop here, as new requests do.
          if (!probe) this.breaker.admit(kind);
          await this.deps.budget.take(kind, signal);
          return fn();
        },
        {
          clock: this.deps.clock,
          // The probe asks once: its failure is the answer until the next cool-down.
          policy: probe ? { ...(this.deps.policy ?? DEFAULT_BACKOFF), maxAttempts: 1 } : this.deps.policy,
          random: this.deps.random,
          signal,
          onRetry: ({ attempt, delayMs, error }) =>
            this.deps.log.warn({ kind, attempt: attempt + 1, delayMs, status: error.status, reason: error.reason }, 'provider request throttled or failed; retrying'),
        },
      );
      this.breaker.succeeded();
      this.setUp(true);
      return result;
    } catch (e) {
      if (isTransient(e)) {
        const err = e as ProviderRequestError;
        this.breaker.failed(err.retryAfterMs);
        if (probe) this.deps.log.warn({ provider: this.deps.provider, kind, retryAt: this.breaker.retryAt }, 'provider still down after a probe');
        this.setUp(false);
        throw new DoorplateError('PROVIDER_UNAVAILABLE', `${this.deps.provider} ${kind}: ${err.message}`, { status: err.status, reason: err.reason });
      }
      // A definite answer (404, 409, 410, 412...) still proves the provider is reachable.
      if (e instanceof ProviderRequestError) {
        this.breaker.succeeded();
        this.setUp(true);
      } else if (probe && this.breaker.state === 'half-open') {
        // The probe ended without an answer from the provider (aborted, budget): let the next request probe.
        this.breaker.failed(null);
      }
      throw e;
    }
  }

  private setUp(up: boolean): void {
    if (up === this.up) return;
    this.up = up;
    this.deps.log[up ? 'info' : 'warn']({ provider: this.deps.provider }, up ? 'provider reachable again' : 'provider unreachable');
    for (const l of [...this.listeners]) l(up);
  }
}
