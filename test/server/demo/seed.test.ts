import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { demoDay, demoRooms, demoSchedule } from '../../../server/demo/seed.js';
import { LocalProvider } from '../../../server/providers/local/local-provider.js';
import { Store } from '../../../server/store/store.js';
import { FakeClock } from '../../../shared/clock.js';
import { silentLogger } from '../../../shared/logger.js';
import { CalendarEventSchema, type CalendarEvent } from '../../../shared/model/event.js';
import { computeRoomState } from '../../../shared/state/engine.js';

const ZONE = 'Europe/Berlin';
const DAY = DateTime.fromISO('2026-03-02T07:00', { zone: ZONE });

test('demoRooms: named rooms first, generated names after, unique ids', () => {
  assert.deepEqual(demoRooms(), [
    { id: 'ada-lovelace', name: 'Ada Lovelace', capacity: 8, group: 'floor-1', order: 0 },
    { id: 'grace-hopper', name: 'Grace Hopper', capacity: 12, group: 'floor-1', order: 1 },
    { id: 'alan-turing', name: 'Alan Turing', capacity: 4, group: 'floor-1', order: 2 },
  ]);
  assert.equal(demoRooms(6)[4]?.group, 'floor-2', 'four rooms to a floor');
  const many = demoRooms(30);
  assert.equal(many.length, 30);
  assert.equal(new Set(many.map((r) => r.id)).size, 30);
  assert.equal(many[29]?.name, 'Room 30');
  assert.throws(() => demoRooms(0), /demoRooms: n must be/);
});

test('demoDay is deterministic for a seed and differs between seeds', () => {
  assert.deepEqual(demoDay('ada-lovelace', DAY, 7), demoDay('ada-lovelace', DAY, 7));
  assert.notDeepEqual(demoDay('ada-lovelace', DAY, 7), demoDay('ada-lovelace', DAY, 8));
  assert.notDeepEqual(demoDay('ada-lovelace', DAY, 7), demoDay('grace-hopper', DAY, 7));
});

function minutesOfDay(iso: string): number {
  const t = DateTime.fromISO(iso, { zone: ZONE });
  return t.hour * 60 + t.minute;
}

test('a demo day is a believable working day in the given zone', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const events = demoDay('ada-lovelace', DAY, seed, { workshop: true });
    for (const e of events) CalendarEventSchema.parse(e);
    assert.ok(events.length >= 5, `seed ${seed}: only ${events.length} meetings`);
    assert.equal(new Set(events.map((e) => e.id)).size, events.length);
    assert.match(events[0]?.title ?? '', /stand-up$/);
    let previousEnd = 0;
    for (const e of events) {
      assert.ok(e.start.endsWith('+01:00'), `${e.start} carries the zone's offset`);
      const start = minutesOfDay(e.start);
      const end = minutesOfDay(e.end);
      assert.ok(start >= 8 * 60 + 30 && end <= 18 * 60 && end > start, `seed ${seed}: ${e.start}-${e.end} inside 08:30-18:00`);
      assert.ok(start >= previousEnd, `seed ${seed}: ${e.id} does not overlap the one before`);
      assert.ok(end <= 12 * 60 || start >= 13 * 60, `seed ${seed}: ${e.title} keeps lunch free`);
      previousEnd = end;
    }
    assert.equal(events.filter((e) => e.private).length, 1, `seed ${seed}: one private meeting`);
    assert.equal(events.filter((e) => e.status === 'tentative').length, 1, `seed ${seed}: one tentative meeting`);
    assert.ok(
      events.some((e) => /workshop$/.test(e.title) && Date.parse(e.end) - Date.parse(e.start) >= 150 * 60_000),
      `seed ${seed}: a long workshop`,
    );
    const oneOnOne = /^1:1 (\w+) \/ (\w+)$/.exec(events[1]?.title ?? '');
    assert.ok(oneOnOne && oneOnOne[1] !== oneOnOne[2], `seed ${seed}: a 1:1 of two people after the stand-up`);
  }
});

test('a demo day follows daylight saving time in its zone', () => {
  const summer = demoDay('ada-lovelace', DateTime.fromISO('2026-07-01', { zone: ZONE }), 3);
  assert.ok(summer.every((e) => e.start.endsWith('+02:00')));
  const ny = demoDay('ada-lovelace', DateTime.fromISO('2026-03-02', { zone: 'America/New_York' }), 3);
  assert.ok(ny.every((e) => e.start.endsWith('-05:00')));
});

test('an all-day demo day is one all-day event', () => {
  const [only, ...rest] = demoDay('alan-turing', DAY, 5, { allDay: true });
  assert.deepEqual(rest, []);
  assert.deepEqual([only?.allDay, only?.start, only?.end], [true, '2026-03-02', '2026-03-03']);
});

test('demoSchedule: today and tomorrow, one all-day event, and something current or next at any hour', () => {
  const rooms = demoRooms();
  for (let hour = 0; hour < 24; hour++) {
    const now = DAY.set({ hour, minute: 20 });
    const schedule = demoSchedule(rooms, now, 11);
    assert.deepEqual(schedule, demoSchedule(rooms, now, 11));
    const all = [...schedule.values()].flat();
    assert.equal(all.filter((e) => e.allDay).length, 1);
    for (const room of rooms) {
      const events = schedule.get(room.id) as CalendarEvent[];
      const state = computeRoomState(events, now.toMillis(), {
        room: room.id,
        timeZone: ZONE,
        checkIn: { enabled: true, opensBeforeMins: 5, closesAfterMins: 10 },
        privacy: 'full',
      });
      assert.ok(state.current !== null || state.next !== null, `${room.id} at ${hour}:20 has a current or next meeting`);
    }
  }
});

test('the seed loads into the built-in calendar', () => {
  const clock = new FakeClock(DAY.toMillis());
  const store = Store.open({ path: ':memory:', clock });
  const rooms = demoRooms();
  store.rooms.upsertFromConfig(rooms);
  const provider = new LocalProvider({ store, clock, defaultTimeZone: ZONE, logger: silentLogger() });
  const schedule = demoSchedule(rooms, DAY, 1);
  for (const [roomId, events] of schedule) for (const e of events) provider.addEvent(roomId, e);
  for (const [roomId, events] of schedule) assert.equal(store.events.listForRoom(roomId).length, events.length);
  store.close();
});
