/**
 * A failed provider request, in the terms the sync machinery decides on: the HTTP status,
 * Google's or Graph's reason (`rateLimitExceeded`, `syncStateNotFound`), and how long the
 * provider asked us to wait. Adapters translate their client library's errors into this.
 */
export class ProviderRequestError extends Error {
  constructor(
    readonly status: number | null,
    readonly reason: string | null,
    message: string,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'ProviderRequestError';
  }
}

/** Google's 403 reasons that mean "slow down", not "forbidden". */
const USAGE_LIMIT_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'quotaExceeded', 'usageLimits']);

/** Whether waiting and trying again can help: throttling, server errors, no answer at all. */
export function isTransient(e: unknown): boolean {
  if (!(e instanceof ProviderRequestError)) return false;
  if (e.status === null) return true;
  if (e.status === 429 || e.status >= 500) return true;
  return e.status === 403 && e.reason !== null && USAGE_LIMIT_REASONS.has(e.reason);
}

/** Reads a Retry-After header: seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : null;
}
