import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../shared/clock.js';
import { silentLogger } from '../../../shared/logger.js';
import { FakeGpio } from '../../../edge/hal/gpio/fake-gpio.js';
import { PresenceSensor } from '../../../edge/hal/presence.js';
import { PresenceReport } from '../../../edge/agent/presence-report.js';

function rig() {
  const clock = new FakeClock(Date.parse('2026-03-02T09:00:00Z'));
  const gpio = new FakeGpio({ clock });
  const sensor = new PresenceSensor(gpio.input(26), clock, { debounceMs: 500, holdMs: 60_000 });
  const sent: Array<[boolean, string]> = [];
  let online = true;
  const report = new PresenceReport(
    sensor,
    clock,
    async (present, since) => {
      if (!online) throw new Error('no broker connection');
      sent.push([present, new Date(since).toISOString()]);
    },
    silentLogger(),
    5_000,
  );
  sensor.start();
  return { clock, gpio, sensor, sent, report, setOnline: (v: boolean) => (online = v) };
}

test('a presence change is reported once it held the settle time, with when it changed', async () => {
  const { clock, gpio, sent, report } = rig();
  report.connected();
  await Promise.resolve();
  assert.deepEqual(sent, [[false, '2026-03-02T09:00:00.000Z']], 'at the connection: what the input says now');
  gpio.inject(26, 1);
  clock.advance(500);
  clock.advance(4_999);
  await Promise.resolve();
  assert.equal(sent.length, 1, 'not before it settled');
  clock.advance(1);
  await Promise.resolve();
  assert.deepEqual(sent[1], [true, '2026-03-02T09:00:00.500Z']);
  report.close();
});

test('a change that reverts within the settle time is not sent; a reconnect sends the state again', async () => {
  const { clock, gpio, sent, report, setOnline } = rig();
  report.connected();
  await Promise.resolve();
  gpio.inject(26, 1);
  clock.advance(500);
  gpio.inject(26, 0);
  // The sensor holds "present" a minute after the last motion.
  clock.advance(60_000);
  await Promise.resolve();
  // Present at 09:00:00.5, absent at 09:01:00.5: both held 5 s, so both went out.
  assert.deepEqual(sent.map(([p]) => p), [false, true]);
  clock.advance(5_000);
  await Promise.resolve();
  assert.deepEqual(sent.map(([p]) => p), [false, true, false]);

  // Offline when it changes: nothing gets through, and the next connection says it.
  setOnline(false);
  gpio.inject(26, 1);
  clock.advance(500 + 5_000);
  await Promise.resolve();
  assert.equal(sent.length, 3);
  setOnline(true);
  report.connected();
  await Promise.resolve();
  assert.deepEqual(sent.map(([p]) => p), [false, true, false, true]);
  report.close();
});

test('present then absent again within the settle time sends nothing', async () => {
  const clock = new FakeClock(0);
  const sent: boolean[] = [];
  const listeners: Array<(p: boolean, at: number) => void> = [];
  const sensor = { present: false, onChange: (l: (p: boolean, at: number) => void) => void listeners.push(l) };
  const report = new PresenceReport(sensor, clock, async (p) => void sent.push(p), silentLogger(), 5_000);
  report.connected();
  await Promise.resolve();
  const set = (p: boolean) => {
    sensor.present = p;
    for (const l of listeners) l(p, clock.now());
  };
  set(true);
  clock.advance(3_000);
  set(false);
  clock.advance(10_000);
  await Promise.resolve();
  assert.deepEqual(sent, [false], 'only the state at the connection');
  report.close();
  set(true);
  clock.advance(10_000);
  assert.deepEqual(sent, [false], 'closed: nothing more');
});
