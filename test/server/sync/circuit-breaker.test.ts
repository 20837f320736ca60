import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../shared/clock.js';
import { silentLogger } from '../../../shared/logger.js';
import { CircuitBreaker } from '../../../server/sync/circuit-breaker.js';
import { ProviderRequestError } from '../../../server/sync/provider-error.js';
import { RequestBudget } from '../../../server/sync/request-budget.js';
import { RequestRunner } from '../../../server/sync/request-runner.js';

test('the breaker opens on a give-up, fails fast, lets one probe through per growing cool-down, honours Retry-After', () => {
  const clock = new FakeClock('2026-03-02T10:00:00Z');
  const b = new CircuitBreaker(clock, 'google', { baseMs: 10_000, maxMs: 40_000 });
  assert.equal(b.admit('list'), false);
  b.failed(null);
  assert.equal(b.state, 'open');
  assert.throws(() => b.admit('list'), /PROVIDER_UNAVAILABLE|held while google is down/);
  clock.advance(10_000);
  assert.equal(b.admit('list'), true, 'the first request after the cool-down is the probe');
  assert.throws(() => b.admit('insert'), /a probe is under way/);
  b.failed(null);
  clock.advance(10_000);
  assert.throws(() => b.admit('list'), /next try in 10 s/, 'the cool-down doubled');
  clock.advance(10_000);
  assert.equal(b.admit('list'), true);
  b.failed(null);
  b.failed(null);
  assert.equal(b.retryAt, clock.now() + 40_000, 'capped at maxMs');
  clock.advance(40_000);
  assert.equal(b.admit('list'), true);
  b.failed(120_000);
  assert.equal(b.retryAt, clock.now() + 120_000, 'Retry-After is a floor');
  clock.advance(120_000);
  assert.equal(b.admit('list'), true);
  b.succeeded();
  assert.equal(b.state, 'closed');
  assert.equal(b.admit('list'), false);
  b.failed(null);
  assert.equal(b.retryAt, clock.now() + 10_000, 'a success resets the cool-down');
});

test('the runner sends no request while the provider is held down, and one probe brings it back', async () => {
  const clock = new FakeClock('2026-03-02T10:00:00Z');
  const runner = new RequestRunner({ clock, budget: new RequestBudget(clock, 10_000, 600_000), log: silentLogger(), provider: 'google', random: () => 0, policy: { baseMs: 1000, maxMs: 1000, maxAttempts: 3 }, breaker: { baseMs: 10_000, maxMs: 60_000 } });
  // Backoff waits are on the fake clock (zero long with random 0): move it until the call ends.
  const settle = async <T>(p: Promise<T>): Promise<T> => {
    p.catch(() => undefined);
    for (let i = 0; i < 20; i++) await clock.advanceAsync(0);
    return p;
  };
  let calls = 0;
  let down = true;
  const fn = async (): Promise<string> => {
    calls++;
    if (down) throw new ProviderRequestError(503, 'backendError', 'unavailable');
    return 'ok';
  };
  await assert.rejects(settle(runner.run('list', fn)), /PROVIDER_UNAVAILABLE|unavailable/);
  assert.equal(calls, 3, 'retries first');
  assert.equal(runner.available, false);
  await assert.rejects(runner.run('list', fn), /held while google is down/);
  await assert.rejects(runner.run('write.insert', fn), /held while google is down/);
  assert.equal(calls, 3, 'held: no request');
  clock.advance(10_000);
  await assert.rejects(runner.run('list', fn), /unavailable/);
  assert.equal(calls, 4, 'the probe asks once');
  clock.advance(10_000);
  await assert.rejects(runner.run('list', fn), /held/);
  clock.advance(10_000);
  down = false;
  assert.equal(await runner.run('list', fn), 'ok');
  assert.equal(calls, 5);
  assert.equal(runner.available, true);
  assert.equal(runner.breaker.state, 'closed');
});
