/**
 * Retry delays for both sides (calendar requests on the server, broker reconnects on the edge):
 * exponential from `baseMs`, capped at `capMs`, with "full jitter" (a uniform share of the cap)
 * so that many clients failing at once, a fleet that lost its broker or rooms throttled
 * together, do not come back in step.
 */
export interface JitterPolicy {
  baseMs: number;
  capMs: number;
  /**
   * The share of the ceiling always waited (0 by default: full jitter). A queue with few
   * clients and a peer that should not be pressed again soon (a mail server) takes 0.5,
   * "equal jitter": never under half the ceiling.
   */
  fixedShare?: number;
}

/**
 * The wait before retry `retry` (0 = the first retry): uniform in `[0, min(cap, base * 2^retry))`
 * (its fixed share of that ceiling, when the policy has one, always waited), never below
 * `floorMs` when one is given (a server's Retry-After). `random` returns [0, 1).
 */
export function backoffDelay(retry: number, policy: JitterPolicy, random: () => number, floorMs: number | null = null): number {
  if (!Number.isInteger(retry) || retry < 0) throw new RangeError(`retry: ${retry} must be an integer >= 0`);
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(retry, 30));
  const fixed = ceiling * (policy.fixedShare ?? 0);
  const jittered = Math.floor(fixed + random() * (ceiling - fixed));
  return floorMs === null ? jittered : Math.max(floorMs, jittered);
}

/**
 * How a display comes back to its broker; the one place of this decision (the config's
 * `edge.server.reconnectMaxSecs` defaults to its cap). Full jitter from 1 s doubling to 8 s:
 * after a server restart every display is back within about one cap plus the server's own
 * work (2,000 displays: ~1.2 ms of server CPU each). While the server is down, 2,000 displays
 * try on average every cap/2 = 4 s, about 500 connects a second that the kernel refuses with a
 * reset (or that wait out the connect timeout when the host is unreachable); no process on the
 * server wakes for them. When it is back, arrivals spread over 8 s ask ~30% of one core.
 */
export const DISPLAY_RECONNECT: Readonly<JitterPolicy> = Object.freeze({ baseMs: 1000, capMs: 8000 });

/**
 * A display of a fleet (`doorplate node`) retries sooner: the server it lost is replaced by
 * another node within seconds, and discovery tells it where; a fleet is tens of displays.
 */
export const FLEET_RECONNECT: Readonly<JitterPolicy> = Object.freeze({ baseMs: 500, capMs: 4000 });
