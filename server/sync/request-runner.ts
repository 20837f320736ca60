import type { Clock } from '../../shared/clock.js';
import { DoorplateError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import { withRetry, type BackoffPolicy } from './backoff.js';
import { isTransient, ProviderRequestError } from './provider-error.js';
import type { RequestBudget } from './request-budget.js';

export type AvailabilityListener = (up: boolean) => void;

/**
 * Every provider request goes through here: it takes one request from the budget per try,
 * retries throttling and server errors with backoff, and tracks whether the provider is up.
 * After retries run out on a transient error the provider counts as down (displays go stale)
 * and the caller gets PROVIDER_UNAVAILABLE; the next success brings it back up.
 */
export class RequestRunner {
  private up = true;
  private readonly listeners = new Set<AvailabilityListener>();

  constructor(
    private readonly deps: { clock: Clock; budget: RequestBudget; log: Logger; policy?: BackoffPolicy; random?: () => number; provider: string },
  ) {}

  get available(): boolean {
    return this.up;
  }

  onAvailability(listener: AvailabilityListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async run<T>(kind: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    try {
      const result = await withRetry(
        async () => {
          await this.deps.budget.take(kind, signal);
          return fn();
        },
        {
          clock: this.deps.clock,
          policy: this.deps.policy,
          random: this.deps.random,
          signal,
          onRetry: ({ attempt, delayMs, error }) =>
            this.deps.log.warn({ kind, attempt: attempt + 1, delayMs, status: error.status, reason: error.reason }, 'provider request throttled or failed; retrying'),
        },
      );
      this.setUp(true);
      return result;
    } catch (e) {
      if (isTransient(e)) {
        this.setUp(false);
        const err = e as ProviderRequestError;
        throw new DoorplateError('PROVIDER_UNAVAILABLE', `${this.deps.provider} ${kind}: ${err.message}`, { status: err.status, reason: err.reason });
      }
      // A definite answer (404, 409, 410, 412...) still proves the provider is reachable.
      if (e instanceof ProviderRequestError) this.setUp(true);
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
