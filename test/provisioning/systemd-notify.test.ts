import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../shared/clock.js';
import { createSystemdNotifier } from '../../provisioning/systemd-notify.js';

function recorder(code = 0): { calls: string[][]; spawn: (cmd: string, args: readonly string[]) => Promise<number> } {
  const calls: string[][] = [];
  return { calls, spawn: async (cmd, args) => (calls.push([cmd, ...args]), code) };
}

test('without NOTIFY_SOCKET nothing is run', async () => {
  const r = recorder();
  const n = createSystemdNotifier({ spawn: r.spawn, clock: new FakeClock(), env: { WATCHDOG_USEC: '60000000' }, pid: 42 });
  assert.equal(n.enabled, false);
  assert.equal(n.watchdogIntervalMs, undefined);
  await n.ready();
  await n.watchdog();
  n.start();
  assert.deepEqual(r.calls, []);
});

test('under systemd: ready, status and stopping go through systemd-notify with the main pid', async () => {
  const r = recorder();
  const n = createSystemdNotifier({ spawn: r.spawn, clock: new FakeClock(), env: { NOTIFY_SOCKET: '/run/systemd/notify' }, pid: 42 });
  await n.ready('connected');
  await n.status('syncing');
  await n.stopping();
  assert.deepEqual(r.calls, [
    ['systemd-notify', '--pid=42', '--ready', 'STATUS=connected'],
    ['systemd-notify', '--pid=42', 'STATUS=syncing'],
    ['systemd-notify', '--pid=42', 'STOPPING=1'],
  ]);
});

test('the watchdog is petted at half of WatchdogSec until stopped', async () => {
  const r = recorder();
  const clock = new FakeClock();
  const n = createSystemdNotifier({ spawn: r.spawn, clock, env: { NOTIFY_SOCKET: '@notify', WATCHDOG_USEC: '60000000', WATCHDOG_PID: '42' }, pid: 42 });
  assert.equal(n.watchdogIntervalMs, 30_000);
  n.start();
  clock.advance(29_999);
  assert.equal(r.calls.length, 0);
  clock.advance(1);
  clock.advance(30_000);
  assert.deepEqual(r.calls, [
    ['systemd-notify', '--pid=42', 'WATCHDOG=1'],
    ['systemd-notify', '--pid=42', 'WATCHDOG=1'],
  ]);
  n.stop();
  clock.advance(120_000);
  assert.equal(r.calls.length, 2);
});

test('a watchdog meant for another process is left alone', () => {
  const n = createSystemdNotifier({ spawn: recorder().spawn, clock: new FakeClock(), env: { NOTIFY_SOCKET: '@n', WATCHDOG_USEC: '1000000', WATCHDOG_PID: '7' }, pid: 42 });
  assert.equal(n.watchdogIntervalMs, undefined);
});

test('a failing systemd-notify is reported, not thrown', async () => {
  const errors: Error[] = [];
  const n = createSystemdNotifier({ spawn: recorder(1).spawn, clock: new FakeClock(), env: { NOTIFY_SOCKET: '@n' }, pid: 42, onError: (e) => errors.push(e) });
  await n.ready();
  assert.equal(errors.length, 1);
  assert.match(errors[0]?.message ?? '', /systemd-notify --ready exited with 1/);
});
