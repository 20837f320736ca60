import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeRoomState } from '../../shared/state/engine.js';
import { RoomStateSchema } from '../../shared/model/room-state.js';
import type { PrivacyMode } from '../../shared/model/event.js';
import { ev, ms, policyOf, utc } from './calendar-fixtures.js';
import { B, ROOM_STATE_ROWS, backToBack, checkInMeeting } from './room-state-table.js';

const rows = ROOM_STATE_ROWS;

for (const row of rows) {
  test(`room state: ${row.name}`, () => {
    const policy = policyOf(row.zone, row.policyCheckIn, row.privacy);
    const state = computeRoomState(row.events, ms(row.now), policy);
    assert.doesNotThrow(() => RoomStateSchema.parse(state), 'the state matches its wire schema');
    assert.equal(state.room, 'atlas');
    assert.equal(state.stale, false);
    assert.equal(state.status, row.status, 'status');
    assert.equal(state.current?.id ?? null, row.current, 'current');
    assert.equal(state.next?.id ?? null, row.next, 'next');
    assert.equal(state.freeUntil, row.freeUntil === null ? null : utc(row.freeUntil), 'freeUntil');
    assert.equal(state.busyUntil, row.busyUntil === null ? null : utc(row.busyUntil), 'busyUntil');
    assert.deepEqual(
      state.checkIn,
      row.checkIn === null ? null : { eventId: row.checkIn[0], opensAt: utc(row.checkIn[1]), closesAt: utc(row.checkIn[2]) },
      'checkIn',
    );
    assert.equal(state.nextChangeAt, utc(row.nextChangeAt), 'nextChangeAt');
  });
}

test('room state: every instant is UTC with Z and milliseconds', () => {
  const state = computeRoomState(checkInMeeting(), ms(B('09:56')), policyOf());
  for (const v of [state.freeUntil, state.nextChangeAt, state.checkIn?.opensAt, state.checkIn?.closesAt]) {
    assert.match(v ?? '', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  }
});

test('room state: DST all-day lengths are 23 and 25 hours', () => {
  const hours = (zone: string, day: string, nextDay: string): number => {
    const policy = policyOf(zone);
    const e = [ev('d', day, nextDay)];
    const before = computeRoomState(e, ms(`${day}T00:00:00Z`) - 86_400_000, policy);
    assert.equal(before.next?.id, 'd');
    return (Date.parse(before.freeUntil ?? '') - Date.parse(computeRoomState(e, Date.parse(before.freeUntil ?? ''), policy).busyUntil ?? '')) / -3_600_000;
  };
  assert.equal(hours('Europe/Berlin', '2026-03-29', '2026-03-30'), 23);
  assert.equal(hours('Europe/Berlin', '2026-10-25', '2026-10-26'), 25);
  assert.equal(hours('America/New_York', '2026-03-08', '2026-03-09'), 23);
  assert.equal(hours('America/New_York', '2026-11-01', '2026-11-02'), 25);
  assert.equal(hours('Europe/Berlin', '2026-03-02', '2026-03-03'), 24);
});

test('room state: next midnight after a day whose midnight does not exist', () => {
  // America/Santiago springs forward at 00:00 on 2026-09-06: that day starts at 01:00 -03:00,
  // yet the day after starts at an ordinary midnight.
  const policy = policyOf('America/Santiago');
  assert.equal(computeRoomState([], ms('2026-09-05T12:00:00-04:00'), policy).nextChangeAt, utc('2026-09-06T01:00:00-03:00'));
  assert.equal(computeRoomState([], ms('2026-09-06T12:00:00-03:00'), policy).nextChangeAt, utc('2026-09-07T00:00:00-03:00'));
});

const privacyRows: Array<{ mode: PrivacyMode; private: boolean; title: string | null; organizer: string | null; shownPrivate: boolean }> = [
  { mode: 'full', private: false, title: 'Board', organizer: 'ana@example.com', shownPrivate: false },
  { mode: 'organizer', private: false, title: null, organizer: 'ana@example.com', shownPrivate: false },
  { mode: 'private', private: false, title: null, organizer: null, shownPrivate: true },
  { mode: 'full', private: true, title: null, organizer: null, shownPrivate: true },
  { mode: 'organizer', private: true, title: null, organizer: null, shownPrivate: true },
  { mode: 'private', private: true, title: null, organizer: null, shownPrivate: true },
];

for (const p of privacyRows) {
  test(`room state: privacy ${p.mode} on a ${p.private ? 'private' : 'public'} event`, () => {
    const events = [
      ev('now', B('09:00'), B('10:00'), { title: 'Board', organizer: 'ana@example.com', private: p.private }),
      ev('later', B('11:00'), B('12:00'), { title: 'Board', organizer: 'ana@example.com', private: p.private }),
    ];
    const state = computeRoomState(events, ms(B('09:30')), policyOf('Europe/Berlin', {}, p.mode));
    for (const shown of [state.current, state.next]) {
      assert.ok(shown);
      assert.equal(shown.title, p.title);
      assert.equal(shown.organizer, p.organizer);
      assert.equal(shown.private, p.shownPrivate);
      assert.equal('roomResponse' in shown, false, 'server-only fields do not leave');
      assert.equal('seriesId' in shown, false, 'server-only fields do not leave');
    }
  });
}

test('room state: bad input is refused with what and where', () => {
  assert.throws(() => computeRoomState([ev('x', 'tomorrow', B('10:00'))], ms(B('09:00')), policyOf()), /events\.0\.start: "tomorrow"/);
  assert.throws(() => computeRoomState([ev('x', B('09:00'), '2026-03-02T10:00:00')], ms(B('09:00')), policyOf()), /events\.0\.end:/);
  assert.throws(() => computeRoomState([], ms(B('09:00')), policyOf('Mars/Olympus')), /policy\.timeZone: "Mars\/Olympus"/);
  assert.throws(() => computeRoomState([], Number.NaN, policyOf()), /now: NaN/);
});

test('room state: the input is not modified and equal inputs give equal states', () => {
  const events = [...backToBack, ...checkInMeeting()];
  const copy = structuredClone(events);
  const a = computeRoomState(events, ms(B('09:57')), policyOf());
  const b = computeRoomState(copy, ms(B('09:57')), policyOf());
  assert.deepEqual(events, copy);
  assert.deepEqual(a, b);
  assert.equal(JSON.stringify(a), JSON.stringify(b));
});
