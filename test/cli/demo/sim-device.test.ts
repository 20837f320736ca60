import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { FakeClock } from '../../../shared/clock.js';
import { parseConfig } from '../../../shared/config/load.js';
import { silentLogger } from '../../../shared/logger.js';
import { SimDevice } from '../../../cli/demo/sim-device.js';

test('a simulated press is released on the device clock, not the wall clock', async () => {
  const clock = new FakeClock();
  const config = parseConfig({ edge: { deviceId: 'sim-1', enrollmentToken: 'sim-enrollment-token-0123' } });
  const device = new SimDevice({ config, model: 'epd7in5_V2', roomId: 'ada', clock, logger: silentLogger() });
  const BOOK_PIN = 5;
  device.press('book', 0);
  await tick();
  assert.equal(device.gpio.levelOf(BOOK_PIN), 0, 'still held: the fake clock has not moved');
  clock.advance(0);
  assert.equal(device.gpio.levelOf(BOOK_PIN), 1, 'released when the clock reaches the hold time');
  device.press('book', 2000);
  clock.advance(1999);
  assert.equal(device.gpio.levelOf(BOOK_PIN), 0);
  clock.advance(1);
  assert.equal(device.gpio.levelOf(BOOK_PIN), 1);
});

test('a simulated presence input idles as nobody there; walk-in is one motion, held as the sensor holds it', () => {
  const clock = new FakeClock();
  const config = parseConfig({ edge: { deviceId: 'sim-1', enrollmentToken: 'sim-enrollment-token-0123' } });
  const device = new SimDevice({ config, model: 'epd7in5_V2', roomId: 'ada', clock, logger: silentLogger(), presencePin: 26 });
  const sensor = device.presence!;
  sensor.start();
  clock.advance(10 * 60_000);
  assert.equal(sensor.present, false, 'nobody until someone walks in');
  device.walkIn();
  clock.advance(500);
  assert.equal(sensor.present, true);
  clock.advance(500);
  assert.equal(device.gpio.isExported(26) && device.presence?.present, true, 'still held after the pulse');
  clock.advance(5 * 60_000);
  assert.equal(sensor.present, false, 'gone once the hold ran out');
  sensor.stop();
  assert.throws(() => new SimDevice({ config, model: 'epd7in5_V2', roomId: 'ada', clock, logger: silentLogger() }).walkIn(), /no presence input/);
});
