/** Reconnect delays: exponential from `baseMs`, capped, with full jitter so a fleet that lost its broker does not return in step. */
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1000, capMs: 60_000 };

/**
 * The delay before reconnect attempt `attempt` (1 = first after a loss): uniform in
 * `[0, min(cap, base * 2^(attempt-1)))`. `random` returns a number in [0, 1).
 */
export function backoffDelay(attempt: number, random: () => number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt: ${attempt} must be an integer >= 1`);
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt - 1, 30));
  return Math.floor(random() * ceiling);
}
