import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CalendarEvent } from '../../../shared/model/event.js';
import { LONG_MEETING_MS } from '../../../shared/model/long-meeting.js';
import type { EngineEvent } from '../../../shared/state/engine.js';
import { computeRoomState } from '../../../shared/state/engine.js';
import { ROOM_STATE_ROWS } from '../../shared/room-state-table.js';
import { ms as instantMs } from '../../shared/calendar-fixtures.js';
import { at, codeOf, meeting, world, type World } from './world.js';

/** A table event as the store holds it (device-side agenda events lack the server's fields). */
function stored(e: EngineEvent): CalendarEvent {
  return { ...meeting(e.id, '09:00', '10:00'), ...e, title: e.title ?? `Meeting ${e.id}`, organizer: e.organizer ?? null };
}

function panelOf(w: World, room = 'ada'): ReturnType<typeof computeRoomState> {
  const policy = w.rooms.policy(room);
  assert.ok(policy);
  return computeRoomState(w.store.events.listForRoom(room), w.clock.now(), policy);
}

const busyRows = ROOM_STATE_ROWS.filter((r) => r.current !== null);

test('end at the door ends the meeting the panel shows: x 09:00-10:00 and y 09:00-11:00 at 09:30', async () => {
  const w = world({ start: '09:30' });
  w.add('ada', meeting('x', '09:00', '10:00', { checkInRequired: false }));
  w.add('ada', meeting('y', '09:00', '11:00', { checkInRequired: false }));
  assert.equal(panelOf(w).current?.id, 'y');
  const ended = await w.bookings.end('ada', { scope: 'device:door', key: 'tx-end' });
  assert.equal(ended?.id, 'y');
  assert.equal(w.event('ada', 'x')?.end, at('10:00'), 'the other meeting is untouched');
  w.close();
});

for (const row of busyRows) {
  test(`end at the door ends the meeting the panel shows: ${row.name}`, async () => {
    const now = instantMs(row.now);
    const zone = row.zone ?? 'Europe/Berlin';
    const w = world({ startAt: now, config: { site: { timeZone: zone, checkIn: { enabled: true, opensBeforeMins: 5, closesAfterMins: 10, ...row.policyCheckIn } } } });
    for (const e of row.events) w.add('ada', stored(e));
    const before = new Map(w.store.events.listForRoom('ada').map((e) => [e.id, JSON.stringify(e)]));
    const shown = panelOf(w).current?.id;
    assert.equal(shown, row.current, 'the panel shows the row’s current meeting');
    const allDay = row.events.find((e) => e.id === shown)?.start.length === 10;
    const code = await codeOf(w.bookings.end('ada', { scope: 'device:door', key: 'tx-end' }));
    if (allDay) {
      // An all-day event is refused as such, never swapped for another meeting.
      assert.equal(code, 'NOTHING_TO_DO');
      assert.deepEqual(w.store.events.listForRoom('ada').filter((e) => before.get(e.id) !== JSON.stringify(e)), []);
      return w.close();
    }
    assert.equal(code, 'resolved');
    const changed = w.store.events.listForRoom('ada').filter((e) => before.get(e.id) !== JSON.stringify(e)).map((e) => e.id);
    assert.deepEqual(changed, [shown], 'only the meeting shown was ended');
    const after = w.event('ada', shown ?? '');
    assert.ok(after && (after.status === 'cancelled' || Date.parse(after.end) <= now), 'it no longer holds the room');
    w.close();
  });
}

/** mulberry32: a small seeded generator, so a failing case can be run again. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIVE = 5 * 60_000;
const BERLIN_DAY = Date.parse(at('00:00'));

/** A random day in `ada` on a five-minute grid: overlaps, shared starts, all-day, cancelled, declined, check-ins. */
function randomDay(rand: () => number): CalendarEvent[] {
  const pick = (n: number): number => Math.floor(rand() * n);
  const out: CalendarEvent[] = [];
  const n = pick(9);
  for (let i = 0; i < n; i++) {
    const id = `e${i}`;
    if (rand() < 0.06) {
      out.push({ ...meeting(id, '00:00', '00:00'), start: '2026-03-02', end: '2026-03-03', allDay: true, checkInRequired: false });
      continue;
    }
    const start = BERLIN_DAY + (7 * 12 + pick(12 * 12)) * FIVE;
    const end = start + (1 + pick(36)) * FIVE;
    out.push({
      ...meeting(id, '09:00', '10:00'),
      start: new Date(start).toISOString(),
      end: new Date(end).toISOString(),
      status: rand() < 0.08 ? 'cancelled' : 'confirmed',
      roomResponse: rand() < 0.08 ? 'declined' : 'accepted',
      checkInRequired: rand() < 0.4,
    });
  }
  return out;
}

const CASES = 300;
/** One room per case, so two stores serve every case (a store per case costs more than the checks). */
const CONFIG = {
  site: { timeZone: 'Europe/Berlin', booking: { minMins: 5, granularityMins: 5 } },
  rooms: Array.from({ length: CASES }, (_, c) => ({ id: `r${c}`, name: `Room ${c}` })),
};

test('property: for random calendars and instants the engine and the bookings agree on current, next, busyUntil and check-in', async () => {
  const rand = prng(20260302);
  const cases = Array.from({ length: CASES }, (_, c) => ({
    room: `r${c}`,
    events: randomDay(rand),
    now: BERLIN_DAY + (6 * 12 + Math.floor(rand() * 14 * 12)) * FIVE + Math.floor(rand() * FIVE),
  })).sort((x, y) => x.now - y.now);
  // One world for what "end" and "book later" see, one for "check in" and "book now".
  const a = world({ startAt: BERLIN_DAY, config: CONFIG });
  const b = world({ startAt: BERLIN_DAY, config: CONFIG });
  for (const { room, events, now } of cases) {
    const c = room;
    const where = `${room} at ${new Date(now).toISOString()}: ${JSON.stringify(events.map((e) => [e.id, e.start, e.end, e.status, e.roomResponse]))}`;
    a.clock.advance(now - a.clock.now());
    b.clock.advance(now - b.clock.now());
    for (const e of events) {
      a.add(room, e);
      b.add(room, e);
    }
    const state = panelOf(a, room);

    if (state.busyUntil !== null) {
      const until = Date.parse(state.busyUntil);
      // Just before the block ends something holds the room; at its end nothing does.
      const before = await codeOf(a.bookings.bookLater(room, { start: new Date(until - FIVE).toISOString(), end: state.busyUntil, title: 'probe', scope: 'api', key: `before-${c}` }));
      assert.equal(before, 'CONFLICT', `${where}: busy just before busyUntil`);
      const after = await codeOf(a.bookings.bookLater(room, { start: state.busyUntil, end: new Date(until + FIVE).toISOString(), title: 'probe', scope: 'api', key: `after-${c}` }));
      assert.equal(after, 'resolved', `${where}: free at busyUntil`);
    }
    if (state.current === null) {
      assert.equal(await codeOf(a.bookings.end(room, { scope: 'device:door', key: `end-${c}` })), 'NOTHING_TO_DO', where);
    } else if (state.current.allDay) {
      assert.equal(await codeOf(a.bookings.end(room, { scope: 'device:door', key: `end-${c}` })), 'NOTHING_TO_DO', `${where}: an all-day current is refused`);
    } else {
      const ended = await a.bookings.end(room, { scope: 'device:door', key: `end-${c}` });
      // A meeting that starts this very instant is cancelled rather than cut to nothing.
      if (ended) assert.equal(ended.id, state.current.id, `${where}: end acts on current`);
      else assert.equal(a.event(room, state.current.id)?.status, 'cancelled', `${where}: end acts on current`);
    }

    if (state.checkIn === null) {
      assert.equal(await codeOf(b.bookings.checkIn(room, { scope: 'device:door', key: `ci-${c}` })), 'CHECKIN_CLOSED', `${where}: no window open`);
    } else {
      const checked = await b.bookings.checkIn(room, { scope: 'device:door', key: `ci-${c}` });
      assert.equal(checked.id, state.checkIn.eventId, `${where}: checks in the meeting whose window the panel shows`);
    }
    const booking = b.bookings.bookNow(room, { durationMins: 'untilNext', via: 'panel', scope: 'device:door', key: `book-${c}` });
    if (state.current !== null) {
      assert.equal(await codeOf(booking), 'ROOM_BUSY', `${where}: busy for both`);
    } else {
      const longest = now + LONG_MEETING_MS;
      const expected = state.freeUntil === null ? null : Date.parse(state.freeUntil);
      if (expected !== null && expected - now < FIVE) {
        assert.equal(await codeOf(booking), 'TOO_SHORT', where);
      } else {
        const { event } = await booking;
        const end = Date.parse(event.end);
        if (expected !== null && expected <= longest - FIVE) assert.equal(end, expected, `${where}: until the next meeting the panel shows`);
        else assert.ok(end <= longest && (expected === null || end <= expected), where);
      }
    }
  }
  a.close();
  b.close();
});
