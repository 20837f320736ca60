import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../shared/clock.js';
import { backoffDelay, withRetry } from '../../../server/sync/backoff.js';
import { isTransient, parseRetryAfter, ProviderRequestError } from '../../../server/sync/provider-error.js';
import { RequestBudget } from '../../../server/sync/request-budget.js';

const policy = { baseMs: 1000, maxMs: 8000, maxAttempts: 4 };

test('backoff grows exponentially under a cap, jittered, never below Retry-After', () => {
  assert.deepEqual([0, 1, 2, 3, 4].map((a) => backoffDelay(a, policy, () => 0.999)), [999, 1998, 3996, 7992, 7992]);
  assert.equal(backoffDelay(0, policy, () => 0), 0);
  assert.equal(backoffDelay(0, policy, () => 0.5, 30_000), 30_000);
});

test('equal jitter (the mail queue) always waits its fixed share of the ceiling', async () => {
  const { backoffDelay: shared } = await import('../../../shared/backoff.js');
  const { backoffMs } = await import('../../../server/mail/mail-worker.js');
  const equal = { baseMs: 1000, capMs: 8000, fixedShare: 0.5 };
  assert.deepEqual([0, 1, 2, 3, 4].map((r) => shared(r, equal, () => 0)), [500, 1000, 2000, 4000, 4000]);
  assert.deepEqual([0, 1, 2, 3, 4].map((r) => shared(r, equal, () => 0.999)), [999, 1999, 3998, 7996, 7996]);
  assert.deepEqual([1, 2, 3, 4, 5].map((a) => backoffMs(a, 1000, 8000, () => 0)), [500, 1000, 2000, 4000, 4000]);
});

test('transient errors are throttling, server errors and no answer; Retry-After reads seconds and dates', () => {
  assert.equal(isTransient(new ProviderRequestError(429, null, 'x')), true);
  assert.equal(isTransient(new ProviderRequestError(403, 'userRateLimitExceeded', 'x')), true);
  assert.equal(isTransient(new ProviderRequestError(403, 'forbidden', 'x')), false);
  assert.equal(isTransient(new ProviderRequestError(502, null, 'x')), true);
  assert.equal(isTransient(new ProviderRequestError(null, null, 'x')), true);
  assert.equal(isTransient(new ProviderRequestError(409, 'duplicate', 'x')), false);
  assert.equal(parseRetryAfter('7', 0), 7000);
  assert.equal(parseRetryAfter('Thu, 01 Jan 1970 00:00:10 GMT', 4000), 6000);
  assert.equal(parseRetryAfter('soon', 0), null);
});

test('withRetry gives up after maxAttempts and passes definite errors through at once', async () => {
  const clock = new FakeClock();
  let calls = 0;
  const p = withRetry(async () => {
    calls++;
    throw new ProviderRequestError(503, null, 'down');
  }, { clock, policy, random: () => 0.5 });
  p.catch(() => undefined);
  await clock.advanceAsync(60_000);
  await assert.rejects(p, /down/);
  assert.equal(calls, 4);
  calls = 0;
  await assert.rejects(withRetry(async () => {
    calls++;
    throw new ProviderRequestError(404, 'notFound', 'missing');
  }, { clock, policy }), /missing/);
  assert.equal(calls, 1);
});

test('the request budget makes callers wait for the window instead of overrunning it', async () => {
  const clock = new FakeClock();
  const budget = new RequestBudget(clock, 2, 10_000);
  await budget.take('a');
  await budget.take('b');
  let third = false;
  void budget.take('a').then(() => (third = true));
  await clock.advanceAsync(9_999);
  assert.equal(third, false);
  await clock.advanceAsync(1);
  assert.equal(third, true);
  assert.deepEqual(budget.counts(), { a: 2, b: 1 });
  assert.throws(() => new RequestBudget(clock, 0, 1000), /budget\.requests/);
});
