import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../shared/clock.js';
import { Buttons } from '../../../edge/hal/buttons.js';
import { BLINK_MS, LedStatusLight } from '../../../edge/hal/leds.js';
import { FakeGpio } from '../../../edge/hal/gpio/fake-gpio.js';
import type { ButtonAction as Action } from '../../../edge/hal/types.js';

function setup(actions: Partial<Record<'press' | 'hold' | 'double', Action>>) {
  const clock = new FakeClock();
  const gpio = new FakeGpio({ clock });
  const input = gpio.input(16); // pull-up: idle reads 1
  const buttons = new Buttons([{ name: 'book', input, actions }], clock, { timing: { debounceMs: 30, holdMs: 1500, doubleMs: 400 } });
  const got: [Action, string][] = [];
  buttons.onAction((a, s) => got.push([a, s]));
  buttons.start();
  const press = (ms: number): void => {
    gpio.inject(16, 0);
    clock.advance(ms);
    gpio.inject(16, 1);
  };
  return { clock, gpio, buttons, got, press };
}

test('chatter within the debounce time is one press', () => {
  const { clock, gpio, got } = setup({ press: 'book' });
  for (let i = 0; i < 6; i++) {
    gpio.inject(16, i % 2 === 0 ? 0 : 1);
    clock.advance(5);
  }
  gpio.inject(16, 0);
  clock.advance(200);
  assert.deepEqual(got, []);
  for (let i = 0; i < 4; i++) {
    gpio.inject(16, i % 2 === 0 ? 1 : 0);
    clock.advance(4);
  }
  gpio.inject(16, 1);
  clock.advance(100);
  assert.deepEqual(got, [['book', 'book']]);
});

test('a blip shorter than the debounce time is ignored', () => {
  const { clock, got, press } = setup({ press: 'book' });
  press(10);
  clock.advance(1000);
  assert.deepEqual(got, []);
});

test('hold fires while held and suppresses the press', () => {
  const { clock, gpio, got } = setup({ press: 'book', hold: 'end' });
  gpio.inject(16, 0);
  clock.advance(1600);
  assert.deepEqual(got, [['end', 'book']]);
  gpio.inject(16, 1);
  clock.advance(1000);
  assert.deepEqual(got, [['end', 'book']]);
});

test('double press, and a single press waits out the double window', () => {
  const { clock, got, press } = setup({ press: 'book', double: 'extend' });
  press(100);
  clock.advance(150);
  press(100);
  clock.advance(1000);
  assert.deepEqual(got, [['extend', 'book']]);
  press(100);
  clock.advance(300);
  assert.deepEqual(got, [['extend', 'book']], 'not yet: a second press could follow');
  clock.advance(200);
  assert.deepEqual(got, [['extend', 'book'], ['book', 'book']]);
});

test('an active-high button and a misconfiguration', () => {
  const clock = new FakeClock();
  const gpio = new FakeGpio();
  const input = gpio.input(20);
  gpio.inject(20, 0);
  const b = new Buttons([{ name: 'checkin', input, activeLow: false, actions: { press: 'checkin' } }], clock);
  const got: Action[] = [];
  b.onAction((a) => got.push(a));
  b.start();
  gpio.inject(20, 1);
  clock.advance(100);
  gpio.inject(20, 0);
  clock.advance(100);
  assert.deepEqual(got, ['checkin']);
  b.close();
  assert.equal(gpio.isExported(20), false);
  assert.throws(() => new Buttons([{ name: 'x', input: gpio.input(21), actions: {} }], clock), /no action/);
});

test('bi-colour LED: amber is both, blink follows the clock', () => {
  const clock = new FakeClock();
  const gpio = new FakeGpio({ clock });
  const light = new LedStatusLight({ red: gpio.output(5), green: gpio.output(6) }, clock);
  light.set('amber');
  assert.deepEqual([gpio.levelOf(5), gpio.levelOf(6)], [1, 1]);
  const before = gpio.historyOf(6).length;
  const t0 = clock.now();
  light.set('green', 'blink');
  clock.advance(BLINK_MS.blink * 4);
  const green = gpio.historyOf(6).slice(before).map((h) => [h.at - t0, h.level]);
  assert.deepEqual(green, [[0, 1], [500, 0], [1000, 1], [1500, 0], [2000, 1]]);
  assert.equal(gpio.levelOf(5), 0);
  light.set('red', 'fast-blink');
  assert.equal(clock.pending(), 1, 'one blink timer at a time');
  light.set('off');
  assert.equal(clock.pending(), 0);
  assert.deepEqual([gpio.levelOf(5), gpio.levelOf(6)], [0, 0]);
  light.close();
  assert.equal(gpio.isExported(5), false);
});

test('single red LED: busy on, free off; active-low wiring inverts the pin', () => {
  const clock = new FakeClock();
  const gpio = new FakeGpio({ clock });
  const light = new LedStatusLight({ red: gpio.output(5, 1), activeLow: true }, clock);
  light.set('red');
  assert.equal(gpio.levelOf(5), 0);
  light.set('green');
  assert.equal(gpio.levelOf(5), 1);
  light.set('amber');
  assert.equal(gpio.levelOf(5), 0);
  assert.throws(() => new LedStatusLight({}, clock), /needs a red or a green/);
});
