import { backoffDelay as jitteredDelay } from '../../shared/backoff.js';
import { sleep, type Clock } from '../../shared/clock.js';
import type { ProviderRequestError } from './provider-error.js';
import { isTransient } from './provider-error.js';

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  /** Tries in all, the first included. */
  maxAttempts: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1000, maxMs: 64_000, maxAttempts: 6 };

/**
 * The wait before retry number `attempt` (0 = first retry): "full jitter", a random share of
 * an exponentially growing cap, so that many rooms throttled at once do not retry in step.
 * A provider's Retry-After is a floor: we never come back earlier than asked.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number, retryAfterMs: number | null = null): number {
  return jitteredDelay(attempt, { baseMs: policy.baseMs, capMs: policy.maxMs }, random, retryAfterMs);
}

export interface RetryOptions {
  clock: Clock;
  policy?: BackoffPolicy;
  random?: () => number;
  signal?: AbortSignal;
  onRetry?: (info: { attempt: number; delayMs: number; error: ProviderRequestError }) => void;
}

/** Runs `fn`, retrying transient provider errors with backoff; other errors pass straight through. */
export async function withRetry<T>(fn: () => Promise<T>, opts: RetryOptions): Promise<T> {
  const policy = opts.policy ?? DEFAULT_BACKOFF;
  const random = opts.random ?? Math.random;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!isTransient(e) || attempt + 1 >= policy.maxAttempts) throw e;
      const error = e as ProviderRequestError;
      const delayMs = backoffDelay(attempt, policy, random, error.retryAfterMs);
      opts.onRetry?.({ attempt, delayMs, error });
      await sleep(opts.clock, delayMs, opts.signal);
    }
  }
}
