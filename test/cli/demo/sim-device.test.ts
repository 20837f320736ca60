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
