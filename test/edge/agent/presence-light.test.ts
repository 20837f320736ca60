import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../shared/clock.js';
import type { RoomState } from '../../../shared/model/room-state.js';
import { FakeGpio } from '../../../edge/hal/gpio/fake-gpio.js';
import { PresenceSensor } from '../../../edge/hal/presence.js';
import { LedStatusLight } from '../../../edge/hal/leds.js';
import { PresenceAwareLight } from '../../../edge/agent/presence-light.js';

test('someone in a free room: amber blinking; booked or busy rooms and other signals pass through', () => {
  const clock = new FakeClock(0);
  const gpio = new FakeGpio({ clock });
  const sensor = new PresenceSensor(gpio.input(26), clock, { debounceMs: 500, holdMs: 60_000 });
  sensor.start();
  const inner = new LedStatusLight({ red: gpio.output(20), green: gpio.output(21) }, clock);
  let status: RoomState['status'] = 'free';
  const light = new PresenceAwareLight(inner, sensor, () => ({ status }) as RoomState);
  light.set('green');
  assert.deepEqual([light.color, light.pattern], ['green', 'steady']);
  gpio.inject(26, 1);
  clock.advance(600);
  assert.deepEqual([light.color, light.pattern], ['amber', 'blink'], 'in use, not booked');
  // Someone books it at the door: the agent sets red; the room is busy.
  status = 'busy';
  light.set('red');
  assert.deepEqual([light.color, light.pattern], ['red', 'steady']);
  // A refused request flashes red whatever the presence.
  status = 'free';
  light.set('red', 'fast-blink');
  assert.deepEqual([light.color, light.pattern], ['red', 'fast-blink']);
  light.set('green');
  assert.equal(light.color, 'amber');
  // Everyone left: after the hold time the free room is green again.
  gpio.inject(26, 0);
  clock.advance(60_000);
  assert.deepEqual([light.color, light.pattern], ['green', 'steady']);
  sensor.stop();
  light.close();
});
