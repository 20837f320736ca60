import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../shared/clock.js';
import type { RoomState } from '../../../shared/model/room-state.js';
import { FakeGpio } from '../../../edge/hal/gpio/fake-gpio.js';
import { PresenceSensor } from '../../../edge/hal/presence.js';
import { mergeActions, PresenceCheckIn } from '../../../edge/agent/presence-checkin.js';
import type { ActionSource, ButtonAction } from '../../../edge/hal/types.js';

const ev = (id: string) => ({ id, title: id, organizer: null, start: '2026-03-02T09:00:00Z', end: '2026-03-02T10:00:00Z', allDay: false, status: 'confirmed' as const, private: false, checkInRequired: true, checkedInAt: null });
const base: RoomState = { room: 'ada', status: 'free', current: null, next: null, freeUntil: null, busyUntil: null, checkIn: null, nextChangeAt: null, stale: false };
const window = (id: string) => ({ eventId: id, opensAt: '2026-03-02T08:55:00Z', closesAt: '2026-03-02T09:10:00Z' });

test('which meeting presence checks in', () => {
  assert.equal(PresenceCheckIn.meetingToCheckIn(null), null);
  assert.equal(PresenceCheckIn.meetingToCheckIn(base), null);
  assert.equal(PresenceCheckIn.meetingToCheckIn({ ...base, status: 'awaiting-checkin', current: ev('m1'), checkIn: window('m1') }), 'm1');
  assert.equal(PresenceCheckIn.meetingToCheckIn({ ...base, next: ev('m2'), checkIn: window('m2') }), 'm2', 'free, people arriving early');
  assert.equal(PresenceCheckIn.meetingToCheckIn({ ...base, status: 'busy', current: ev('m1'), next: ev('m2'), checkIn: window('m2') }), null, 'those present belong to the meeting on now');
});

test('presence in an open window asks for check-in once per meeting, on the clock', () => {
  const clock = new FakeClock(0);
  const gpio = new FakeGpio({ clock });
  const sensor = new PresenceSensor(gpio.input(26), clock, { debounceMs: 500, holdMs: 120_000 });
  let state: RoomState = { ...base, status: 'busy', current: ev('m0') };
  const presence = new PresenceCheckIn(sensor, clock, () => state);
  const asked: Array<[ButtonAction, string]> = [];
  const buttons: ActionSource & { fire(a: ButtonAction): void } = {
    listeners: [] as Array<(a: ButtonAction, s: string) => void>,
    onAction(l) {
      this.listeners.push(l);
    },
    close() {},
    fire(a) {
      for (const l of this.listeners) l(a, 'button');
    },
  } as ActionSource & { fire(a: ButtonAction): void; listeners: Array<(a: ButtonAction, s: string) => void> };
  const merged = mergeActions(buttons, presence);
  merged.onAction((a, s) => asked.push([a, s]));
  sensor.start();
  gpio.inject(26, 1);
  clock.advance(600);
  assert.deepEqual(asked, [], 'busy with another meeting: nothing');
  // The meeting starts and waits for check-in; presence continues: the recheck finds it.
  state = { ...base, status: 'awaiting-checkin', current: ev('m1'), checkIn: window('m1') };
  clock.advance(15_000);
  assert.deepEqual(asked, [['checkin', 'presence']]);
  clock.advance(60_000);
  assert.equal(asked.length, 1, 'once per meeting');
  buttons.fire('book');
  assert.deepEqual(asked.at(-1), ['book', 'button'], 'buttons still reach the agent through the merge');
  merged.close();
  assert.equal(clock.pending() <= 2, true);
});
