import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeRoomState } from '../../../shared/state/engine.js';
import { snapToMark } from '../../../server/bookings/rules.js';
import { endNowAt } from '../../../server/bookings/book-now.js';
import { at, codeOf, meeting, ms, world } from './world.js';

type Outcome = { end: string } | { error: string; conflicting?: string };

interface BookCase {
  name: string;
  now: string;
  duration?: number | 'untilNext';
  events?: ReturnType<typeof meeting>[];
  expect: Outcome;
}

const BOOK_NOW: BookCase[] = [
  { name: '09:58, default 30 min: nearest mark', now: '09:58', expect: { end: '10:30' } },
  { name: '09:58, 15 min', now: '09:58', duration: 15, expect: { end: '10:15' } },
  { name: '10:07, 30 min rounds down to 10:30', now: '10:07', duration: 30, expect: { end: '10:30' } },
  { name: '10:07, 15 min: 8 minutes is above the minimum', now: '10:07', duration: 15, expect: { end: '10:15' } },
  { name: '10:11, 5 min: the nearest mark is too close, the next one is taken', now: '10:11', duration: 5, expect: { end: '10:30' } },
  { name: '10:07, 60 min stops at the next meeting', now: '10:07', duration: 60, events: [meeting('n', '10:45', '11:30')], expect: { end: '10:45' } },
  { name: '10:24, 15 min: 6 minutes left before the next one', now: '10:24', duration: 15, events: [meeting('n', '10:30', '11:00')], expect: { end: '10:30' } },
  { name: '2 minutes before the next meeting: refused', now: '10:28', events: [meeting('n', '10:30', '11:00')], expect: { error: 'TOO_SHORT', conflicting: 'n' } },
  { name: 'until next, 2 minutes before it: refused', now: '10:28', duration: 'untilNext', events: [meeting('n', '10:30', '11:00')], expect: { error: 'TOO_SHORT', conflicting: 'n' } },
  { name: 'until next runs to its start', now: '10:07', duration: 'untilNext', events: [meeting('n', '12:00', '13:00')], expect: { end: '12:00' } },
  { name: 'until next with nothing following: 8 hours, on a mark', now: '10:07', duration: 'untilNext', expect: { end: '18:00' } },
  { name: 'busy room: refused with the meeting', now: '10:10', events: [meeting('c', '10:00', '11:00')], expect: { error: 'ROOM_BUSY', conflicting: 'c' } },
  { name: 'a cancelled meeting does not block', now: '10:07', events: [meeting('x', '10:15', '11:00', { status: 'cancelled' })], expect: { end: '10:30' } },
  { name: 'a meeting the room declined does not block', now: '10:07', events: [meeting('x', '10:15', '11:00', { roomResponse: 'declined' })], expect: { end: '10:30' } },
];

test('book now at awkward times', async (t) => {
  for (const c of BOOK_NOW) {
    await t.test(c.name, async () => {
      const w = world({ start: c.now });
      try {
        for (const e of c.events ?? []) w.add('ada', e);
        const p = w.bookings.bookNow('ada', { durationMins: c.duration, via: 'api', scope: 'api' });
        if ('end' in c.expect) {
          const { event } = await p;
          assert.equal(event.start, at(c.now));
          assert.equal(event.end, at(c.expect.end));
          assert.ok(Date.parse(event.end) - Date.parse(event.start) >= 5 * 60_000);
          assert.equal(event.bookedVia, 'api');
        } else {
          const err = await p.then(
            () => assert.fail('expected a refusal'),
            (e: unknown) => e as { code: string; details?: { conflicting?: { id: string } } },
          );
          assert.equal(err.code, c.expect.error);
          assert.equal(err.details?.conflicting?.id, c.expect.conflicting);
        }
      } finally {
        w.close();
      }
    });
  }
});

test('a booking made at the panel needs no check-in; one made for later does', async () => {
  const w = world({ start: '10:07' });
  try {
    const now = await w.bookings.bookNow('ada', { via: 'panel', scope: 'device:door-1' });
    assert.equal(now.event.checkInRequired, false);
    assert.equal(now.event.bookedVia, 'panel');
    const later = await w.bookings.bookLater('ada', { start: at('14:00'), end: at('15:00'), title: 'Review', scope: 'api' });
    assert.equal(later.event.checkInRequired, true);
    assert.equal(later.event.bookedAt, at('10:07'));
  } finally {
    w.close();
  }
});

test('book later refuses an overlap and a meeting shorter than the minimum', async () => {
  const w = world({ start: '08:00' });
  try {
    w.add('ada', meeting('m', '10:00', '11:00'));
    assert.equal(await codeOf(w.bookings.bookLater('ada', { start: at('10:30'), end: at('11:30'), title: 'x', scope: 'api' })), 'CONFLICT');
    assert.equal(await codeOf(w.bookings.bookLater('ada', { start: at('12:00'), end: at('12:03'), title: 'x', scope: 'api' })), 'TOO_SHORT');
    assert.equal(await codeOf(w.bookings.bookLater('ada', { start: at('12:00'), end: at('11:00'), title: 'x', scope: 'api' })), 'VALIDATION');
    const ok = await w.bookings.bookLater('ada', { start: at('11:00'), end: at('11:30'), title: 'x', scope: 'api' });
    assert.equal(ok.event.start, at('11:00'));
  } finally {
    w.close();
  }
});

interface ExtendCase {
  name: string;
  end: string;
  mins?: number;
  others?: ReturnType<typeof meeting>[];
  config?: Parameters<typeof world>[0];
  expect: Outcome;
}

const EXTEND: ExtendCase[] = [
  { name: '+15 with nothing after', end: '10:30', mins: 15, expect: { end: '10:45' } },
  { name: '+30 with nothing after', end: '10:30', mins: 30, expect: { end: '11:00' } },
  { name: 'no step named: the first extend step', end: '10:30', expect: { end: '10:45' } },
  { name: 'the room\'s own extend steps', end: '10:30', config: { config: { rooms: [{ id: 'ada', name: 'Ada', booking: { extendStepsMins: [30, 60] } }] } }, expect: { end: '11:00' } },
  { name: '+30 capped at the next meeting', end: '10:30', mins: 30, others: [meeting('n', '10:45', '11:30')], expect: { end: '10:45' } },
  { name: 'the next meeting starts at the end: conflict', end: '10:30', mins: 15, others: [meeting('n', '10:30', '11:00')], expect: { error: 'CONFLICT', conflicting: 'n' } },
  { name: 'a meeting overlapping the end: conflict', end: '10:30', mins: 15, others: [meeting('o', '10:15', '11:00')], expect: { error: 'CONFLICT', conflicting: 'o' } },
  { name: 'an odd end lands on the nearest mark', end: '10:37', mins: 15, expect: { end: '10:45' } },
  { name: 'a short step that would round back lands on the next mark', end: '10:32', mins: 5, expect: { end: '10:45' } },
  { name: 'a cancelled meeting after it does not block', end: '10:30', mins: 15, others: [meeting('x', '10:30', '11:00', { status: 'cancelled' })], expect: { end: '10:45' } },
];

test('extend: +15 / +30, capped at the next meeting, refused on a conflict', async (t) => {
  for (const c of EXTEND) {
    await t.test(c.name, async () => {
      const w = world({ start: '10:20', ...c.config });
      try {
        w.add('ada', meeting('m', '10:00', c.end, { checkedInAt: at('10:01') }));
        for (const e of c.others ?? []) w.add('ada', e);
        const p = w.bookings.extend('ada', { eventId: 'm', mins: c.mins, scope: 'api' });
        if ('end' in c.expect) {
          const e = await p;
          assert.equal(e.id, 'm');
          assert.equal(e.end, at(c.expect.end));
          assert.equal(w.event('ada', 'm')?.end, at(c.expect.end));
        } else {
          const err = await p.then(
            () => assert.fail('expected a refusal'),
            (e: unknown) => e as { code: string; message: string; details?: { conflicting?: { id: string } } },
          );
          assert.equal(err.code, c.expect.error);
          assert.equal(err.details?.conflicting?.id, c.expect.conflicting);
          assert.match(err.message, /nothing to extend into/);
          assert.equal(w.event('ada', 'm')?.end, at(c.end));
        }
      } finally {
        w.close();
      }
    });
  }
});

test('extend with no meeting now, or one that is over, has nothing to do', async () => {
  const w = world({ start: '10:40' });
  try {
    w.add('ada', meeting('m', '10:00', '10:30'));
    assert.equal(await codeOf(w.bookings.extend('ada', { scope: 'api' })), 'NOTHING_TO_DO');
    assert.equal(await codeOf(w.bookings.extend('ada', { eventId: 'm', scope: 'api' })), 'NOTHING_TO_DO');
    assert.equal(await codeOf(w.bookings.extend('ada', { eventId: 'nope', scope: 'api' })), 'MEETING_NOT_FOUND');
  } finally {
    w.close();
  }
});

test('end early: the meeting ends now and the room is free at once', async () => {
  const w = world({ start: '10:00' });
  try {
    w.add('ada', meeting('m', '10:00', '11:00', { checkedInAt: at('10:00') }));
    w.clock.advance(20 * 60_000 + 30_000);
    const ended = await w.bookings.end('ada', { scope: 'api' });
    assert.equal(ended?.end, at('10:20'));
    const policy = w.rooms.policy('ada');
    assert.ok(policy);
    assert.equal(computeRoomState(w.store.events.listForRoom('ada'), w.clock.now(), policy).status, 'free');
    assert.equal(await codeOf(w.bookings.end('ada', { scope: 'api' })), 'NOTHING_TO_DO');
  } finally {
    w.close();
  }
});

test('end early within the first minute ends at this instant, never before the start', async () => {
  const w = world({ start: '10:00' });
  try {
    w.clock.advance(10_000);
    const { event } = await w.bookings.bookNow('ada', { via: 'panel', scope: 'device:d' });
    w.clock.advance(30_000);
    const ended = await w.bookings.end('ada', { scope: 'device:d' });
    assert.equal(ended?.end, new Date(ms('10:00') + 40_000).toISOString());
    assert.ok(Date.parse(ended?.end ?? '') > Date.parse(event.start));
  } finally {
    w.close();
  }
});

test('ending a meeting that has not started cancels it', async () => {
  const w = world({ start: '09:00' });
  try {
    w.add('ada', meeting('m', '10:00', '11:00'));
    assert.equal(await w.bookings.end('ada', { eventId: 'm', scope: 'api' }), null);
    assert.equal(w.event('ada', 'm')?.status, 'cancelled');
  } finally {
    w.close();
  }
});

test('device overrides: a display\'s own durations and granularity win over the room and site', async () => {
  const w = world({
    start: '10:07',
    config: {
      site: { timeZone: 'Europe/Berlin', booking: { defaultDurationMins: 60 } },
      rooms: [{ id: 'ada', name: 'Ada', booking: { defaultDurationMins: 45 } }],
      devices: [{ id: 'lobby', booking: { defaultDurationMins: 15, granularityMins: 5 } }],
    },
  });
  try {
    const viaLobby = await w.bookings.bookNow('ada', { via: 'panel', scope: 'device:lobby', deviceId: 'lobby' });
    // 10:07 + 15 = 10:22, nearest 5-minute mark 10:20.
    assert.equal(viaLobby.event.end, at('10:20'));
    w.clock.set(at('10:20'));
    const viaDoor = await w.bookings.bookNow('ada', { via: 'panel', scope: 'device:door', deviceId: 'door' });
    // The room's 45 minutes: 11:05, nearest 15-minute mark 11:00.
    assert.equal(viaDoor.event.end, at('11:00'));
    const cfg = w.rooms.deviceConfig('ada', 'lobby');
    assert.equal(cfg.defaultDurationMins, 15);
    assert.equal(w.rooms.deviceConfig('ada', 'door').defaultDurationMins, 45);
    assert.equal(w.rooms.deviceConfig(null, 'lobby').defaultDurationMins, 15);
    assert.equal(w.rooms.deviceConfig(null, 'door').defaultDurationMins, 60);
  } finally {
    w.close();
  }
});

test('marks are on the room\'s wall clock, also in zones off UTC by a half hour', () => {
  const kolkata = 'Asia/Kolkata';
  const t = Date.parse('2026-03-02T10:10:00+05:30');
  assert.equal(snapToMark(t, 60, kolkata, 'round'), Date.parse('2026-03-02T10:00:00+05:30'));
  assert.equal(snapToMark(t, 60, kolkata, 'ceil'), Date.parse('2026-03-02T11:00:00+05:30'));
  assert.equal(snapToMark(t, 15, kolkata, 'floor'), Date.parse('2026-03-02T10:00:00+05:30'));
  assert.equal(snapToMark(Date.parse('2026-03-02T10:00:00+05:30'), 15, kolkata, 'ceil'), Date.parse('2026-03-02T10:00:00+05:30'));
});

test('end-now rule', () => {
  const start = ms('10:00');
  assert.equal(endNowAt(start, ms('10:20') + 30_000), ms('10:20'));
  assert.equal(endNowAt(start + 10_000, start + 40_000), start + 40_000);
});
