/**
 * Retry delays for both sides (calendar requests on the server, broker reconnects on the edge):
 * exponential from `baseMs`, capped at `capMs`, with "full jitter" (a uniform share of the cap)
 * so that many clients failing at once, a fleet that lost its broker or rooms throttled
 * together, do not come back in step.
 */
export interface JitterPolicy {
  baseMs: number;
  capMs: number;
}

/**
 * The wait before retry `retry` (0 = the first retry): uniform in `[0, min(cap, base * 2^retry))`,
 * never below `floorMs` when one is given (a server's Retry-After). `random` returns [0, 1).
 */
export function backoffDelay(retry: number, policy: JitterPolicy, random: () => number, floorMs: number | null = null): number {
  if (!Number.isInteger(retry) || retry < 0) throw new RangeError(`retry: ${retry} must be an integer >= 0`);
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(retry, 30));
  const jittered = Math.floor(random() * ceiling);
  return floorMs === null ? jittered : Math.max(floorMs, jittered);
}
