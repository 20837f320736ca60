import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeRoomState } from '../../../shared/state/engine.js';
import { at, codeOf, meeting, world } from './world.js';

/** Meeting 10:00-10:30; the site's window opens 5 minutes before and closes 10 after the start. */
const WINDOW: Array<{ now: string; expect: 'ok' | 'CHECKIN_CLOSED' }> = [
  { now: '09:50', expect: 'CHECKIN_CLOSED' },
  { now: '09:54', expect: 'CHECKIN_CLOSED' },
  { now: '09:55', expect: 'ok' },
  { now: '10:00', expect: 'ok' },
  { now: '10:09', expect: 'ok' },
  { now: '10:10', expect: 'CHECKIN_CLOSED' },
  { now: '10:20', expect: 'CHECKIN_CLOSED' },
];

test('check-in inside and outside the window, by the gesture (no id) and by the API (named meeting)', async (t) => {
  for (const c of WINDOW) {
    for (const how of ['gesture', 'api'] as const) {
      await t.test(`${c.now} by ${how}: ${c.expect}`, async () => {
        const w = world({ start: c.now });
        try {
          w.add('ada', meeting('m', '10:00', '10:30'));
          const p = w.bookings.checkIn('ada', how === 'api' ? { eventId: 'm', scope: 'api' } : { scope: 'device:door', deviceId: 'door' });
          if (c.expect === 'ok') {
            const e = await p;
            assert.equal(e.checkedInAt, at(c.now));
            const policy = w.rooms.policy('ada');
            assert.ok(policy);
            const state = computeRoomState(w.store.events.listForRoom('ada'), w.clock.now(), policy);
            assert.equal(state.checkIn, null);
            assert.notEqual(state.status, 'awaiting-checkin');
          } else {
            assert.equal(await codeOf(p), c.expect);
            assert.equal(w.event('ada', 'm')?.checkedInAt, null);
          }
        } finally {
          w.close();
        }
      });
    }
  }
});

test('a second check-in keeps the first time', async () => {
  const w = world({ start: '09:58' });
  try {
    w.add('ada', meeting('m', '10:00', '10:30'));
    await w.bookings.checkIn('ada', { eventId: 'm', scope: 'api' });
    w.clock.set(at('10:05'));
    const again = await w.bookings.checkIn('ada', { eventId: 'm', scope: 'api' });
    assert.equal(again.checkedInAt, at('09:58'));
  } finally {
    w.close();
  }
});

test('the API checks in the named meeting even while another one\'s window is also open', async () => {
  const w = world({ start: '10:03' });
  try {
    w.add('ada', meeting('short', '10:00', '10:05'));
    w.add('ada', meeting('next', '10:05', '10:30'));
    const e = await w.bookings.checkIn('ada', { eventId: 'next', scope: 'api' });
    assert.equal(e.checkedInAt, at('10:03'));
    assert.equal(w.event('ada', 'short')?.checkedInAt, null);
  } finally {
    w.close();
  }
});

test('a meeting that needs no check-in, or a room with check-in off, refuses with the reason', async () => {
  const w = world({ start: '10:01', config: { site: { timeZone: 'Europe/Berlin' }, rooms: [{ id: 'ada', name: 'Ada' }, { id: 'grace', name: 'Grace', checkIn: { enabled: false } }] } });
  try {
    w.add('ada', meeting('m', '10:00', '10:30', { checkInRequired: false }));
    w.add('grace', meeting('g', '10:00', '10:30'));
    assert.equal(await codeOf(w.bookings.checkIn('ada', { eventId: 'm', scope: 'api' })), 'NOTHING_TO_DO');
    assert.equal(await codeOf(w.bookings.checkIn('ada', { scope: 'device:door' })), 'CHECKIN_CLOSED');
    assert.equal(await codeOf(w.bookings.checkIn('grace', { eventId: 'g', scope: 'api' })), 'CHECKIN_CLOSED');
    assert.equal(await codeOf(w.bookings.checkIn('ada', { eventId: 'nope', scope: 'api' })), 'MEETING_NOT_FOUND');
    assert.equal(await codeOf(w.bookings.checkIn('nope', { scope: 'api' })), 'ROOM_NOT_FOUND');
  } finally {
    w.close();
  }
});

test('a display with a longer window (device > room > site) accepts a press the room\'s rule would refuse', async () => {
  const w = world({
    start: '10:12',
    config: {
      site: { timeZone: 'Europe/Berlin', checkIn: { closesAfterMins: 5 } },
      rooms: [{ id: 'ada', name: 'Ada', checkIn: { closesAfterMins: 10 } }],
      devices: [{ id: 'lobby', checkIn: { closesAfterMins: 15 } }],
    },
  });
  try {
    w.add('ada', meeting('m', '10:00', '10:30'));
    assert.equal(await codeOf(w.bookings.checkIn('ada', { scope: 'device:door', deviceId: 'door' })), 'CHECKIN_CLOSED');
    assert.equal(await codeOf(w.bookings.checkIn('ada', { eventId: 'm', scope: 'api' })), 'CHECKIN_CLOSED');
    const e = await w.bookings.checkIn('ada', { scope: 'device:lobby', deviceId: 'lobby' });
    assert.equal(e.checkedInAt, at('10:12'));
    assert.deepEqual(w.rooms.deviceConfig('ada', 'lobby').checkIn, { enabled: true, opensBeforeMins: 5, closesAfterMins: 15 });
    assert.deepEqual(w.rooms.deviceConfig('ada', 'door').checkIn, { enabled: true, opensBeforeMins: 5, closesAfterMins: 10 });
  } finally {
    w.close();
  }
});
