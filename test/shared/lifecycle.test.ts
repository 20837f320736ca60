import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { FakeClock } from '../../shared/clock.js';
import { Lifecycle, runParts, StartAborted, type Part, type ProcessSignals } from '../../shared/lifecycle.js';
import { silentLogger } from '../../shared/logger.js';

const log = silentLogger();

/** A part that records what happened to it in a shared journal. */
function recorded(name: string, journal: string[], opts: { failStart?: boolean; failStop?: boolean; startGate?: Promise<void>; stopForever?: boolean; ok?: boolean } = {}): Part {
  return {
    name,
    async start(signal) {
      journal.push(`start ${name}`);
      if (opts.startGate) await opts.startGate;
      if (signal.aborted) journal.push(`${name} saw abort`);
      if (opts.failStart) throw new Error(`${name} cannot start`);
    },
    async stop() {
      journal.push(`stop ${name}`);
      if (opts.stopForever) await new Promise(() => undefined);
      if (opts.failStop) throw new Error(`${name} cannot stop`);
    },
    health: () => (opts.ok === undefined ? null : { ok: opts.ok, detail: name }),
  };
}

test('lifecycle: starts in order, stops in reverse, and reports each part\'s health', async () => {
  const journal: string[] = [];
  const life = new Lifecycle([recorded('a', journal, { ok: true }), recorded('b', journal), recorded('c', journal, { ok: true })], { log });
  assert.equal(life.health().ok, false, 'not healthy before it runs');
  await life.start();
  assert.deepEqual(life.health(), { ok: true, checks: { a: { ok: true, detail: 'a' }, c: { ok: true, detail: 'c' } } });
  assert.equal(await life.stop(), true);
  assert.deepEqual(journal, ['start a', 'start b', 'start c', 'stop c', 'stop b', 'stop a']);
  assert.equal(await life.stop(), true, 'a second stop does nothing more');
  assert.equal(journal.length, 6);
});

test('lifecycle: one unhealthy part makes the whole report unhealthy', async () => {
  const life = new Lifecycle([recorded('store', [], { ok: true }), recorded('provider', [], { ok: false })], { log });
  await life.start();
  const h = life.health();
  assert.equal(h.ok, false);
  assert.equal(h.checks.provider?.ok, false);
  await life.stop();
});

test('lifecycle: a part that fails to start is stopped with those started before it, and the failure is thrown', async () => {
  const journal: string[] = [];
  const life = new Lifecycle([recorded('a', journal), recorded('b', journal), recorded('c', journal, { failStart: true }), recorded('d', journal)], { log });
  await assert.rejects(life.start(), /c cannot start/);
  assert.deepEqual(journal, ['start a', 'start b', 'start c', 'stop c', 'stop b', 'stop a']);
  assert.equal(life.running, false);
});

test('lifecycle: an abort during start-up stops after the current part and rolls back', async () => {
  const journal: string[] = [];
  let open: () => void = () => undefined;
  const gate = new Promise<void>((r) => (open = r));
  const abort = new AbortController();
  const life = new Lifecycle([recorded('a', journal), recorded('b', journal, { startGate: gate }), recorded('c', journal)], { log });
  const started = life.start(abort.signal);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(journal, ['start a', 'start b'], 'b is starting');
  abort.abort(new Error('SIGTERM'));
  open();
  await assert.rejects(started, StartAborted);
  assert.deepEqual(journal, ['start a', 'start b', 'b saw abort', 'stop b', 'stop a']);
});

test('lifecycle: a part that does not stop in time is left behind and the others still stop', async () => {
  const clock = new FakeClock('2026-03-02T09:00:00Z');
  const journal: string[] = [];
  const life = new Lifecycle([recorded('a', journal), recorded('stuck', journal, { stopForever: true }), recorded('c', journal, { failStop: true })], { log, clock, stopTimeoutMs: 5_000 });
  await life.start();
  const stopped = life.stop();
  await clock.advanceAsync(4_999);
  assert.deepEqual(journal.slice(3), ['stop c', 'stop stuck'], 'still waiting for the stuck part');
  await clock.advanceAsync(1);
  assert.equal(await stopped, false, 'an unclean stop is reported');
  assert.deepEqual(journal.slice(3), ['stop c', 'stop stuck', 'stop a']);
});

class FakeSignals extends EventEmitter implements ProcessSignals {
  send(sig: 'SIGINT' | 'SIGTERM'): void {
    this.emit(sig);
  }
}

test('runParts: signal handlers go in before start; a signal stops the parts and the exit code is 0', async () => {
  const journal: string[] = [];
  const signals = new FakeSignals();
  let readyCalls = 0;
  const run = runParts({ log, parts: [recorded('a', journal), recorded('b', journal)], signals, ready: () => void readyCalls++ });
  assert.equal(signals.listenerCount('SIGTERM'), 1, 'installed before any part started');
  await new Promise((r) => setImmediate(r));
  assert.equal(readyCalls, 1);
  signals.send('SIGTERM');
  assert.equal(await run, 0);
  assert.deepEqual(journal, ['start a', 'start b', 'stop b', 'stop a']);
  assert.equal(signals.listenerCount('SIGTERM') + signals.listenerCount('SIGINT'), 0, 'handlers removed');
});

test('runParts: a failed start stops what started and resolves 1; a signal during start-up resolves 0', async () => {
  const journal: string[] = [];
  const failed = await runParts({ log, parts: [recorded('server', journal), recorded('edge', journal, { failStart: true })], signals: new FakeSignals() });
  assert.equal(failed, 1);
  assert.deepEqual(journal, ['start server', 'start edge', 'stop edge', 'stop server']);

  const again: string[] = [];
  let open: () => void = () => undefined;
  const gate = new Promise<void>((r) => (open = r));
  const signals = new FakeSignals();
  const run = runParts({ log, parts: [recorded('slow', again, { startGate: gate }), recorded('never', again)], signals });
  signals.send('SIGINT');
  open();
  assert.equal(await run, 0);
  assert.deepEqual(again, ['start slow', 'slow saw abort', 'stop slow']);
});

test('runParts: a part that fails to stop makes the exit code 1', async () => {
  const signals = new FakeSignals();
  const run = runParts({ log, parts: [recorded('a', [], { failStop: true })], signals });
  await new Promise((r) => setImmediate(r));
  signals.send('SIGTERM');
  assert.equal(await run, 1);
});
