import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../shared/clock.js';
import { FakeGpio } from '../../../edge/hal/gpio/fake-gpio.js';
import { PresenceSensor } from '../../../edge/hal/presence.js';

function rig(opts = {}) {
  const clock = new FakeClock(0);
  const gpio = new FakeGpio({ clock });
  const input = gpio.input(26);
  gpio.inject(26, 0);
  const sensor = new PresenceSensor(input, clock, { debounceMs: 500, holdMs: 60_000, ...opts });
  const seen: Array<{ present: boolean; at: number }> = [];
  sensor.onChange((present, at) => seen.push({ present, at }));
  sensor.start();
  return { clock, gpio, sensor, seen };
}

test('a glitch shorter than the debounce is no one; a held level is someone', () => {
  const { clock, gpio, sensor, seen } = rig();
  gpio.inject(26, 1);
  clock.advance(200);
  gpio.inject(26, 0);
  clock.advance(10_000);
  assert.equal(sensor.present, false);
  assert.deepEqual(seen, []);
  gpio.inject(26, 1);
  clock.advance(500);
  assert.equal(sensor.present, true);
  assert.deepEqual(seen, [{ present: true, at: 10_700 }]);
  assert.equal(sensor.lastMotionAt, 10_700);
});

test('present until the hold time after the last motion; new motion renews it', () => {
  const { clock, gpio, sensor, seen } = rig();
  const pulse = (): void => {
    gpio.inject(26, 1);
    clock.advance(600);
    gpio.inject(26, 0);
  };
  pulse();
  clock.advance(50_000);
  pulse();
  clock.advance(59_000);
  assert.equal(sensor.present, true, 'renewed by the second motion');
  clock.advance(1_000);
  assert.equal(sensor.present, false);
  assert.deepEqual(seen.map((s) => s.present), [true, false]);
  assert.equal(seen[1]?.at, 50_600 + 500 + 60_000, 'the hold runs from the second motion');
});

test('a contact held active stays present; active-low inputs work; stop ends the timers', () => {
  const { clock, gpio, sensor } = rig();
  gpio.inject(26, 1);
  clock.advance(10 * 60_000);
  assert.equal(sensor.present, true, 'still held after many hold times');
  sensor.stop();
  assert.equal(clock.pending(), 0);
  const low = rig({ activeHigh: false });
  low.gpio.inject(26, 1);
  low.clock.advance(1_000);
  assert.equal(low.sensor.present, false);
  low.gpio.inject(26, 0);
  low.clock.advance(500);
  assert.equal(low.sensor.present, true);
  assert.throws(() => new PresenceSensor(new FakeGpio().input(3), new FakeClock(0), { holdMs: 0 }), /holdMs/);
});
