import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AGENDA_MAX_EVENTS, buildAgenda, computeRoomState } from '../../shared/state/engine.js';
import { AgendaSchema } from '../../shared/api/payloads.js';
import { ev, ms, policyOf, utc } from './calendar-fixtures.js';

const B = (hhmm: string, day = '02'): string => `2026-03-${day}T${hhmm}:00+01:00`;

test('agenda: window from local midnight to now + 24 h, sorted, dropped events left out', () => {
  const events = [
    ev('late', B('16:00'), B('17:00')),
    ev('tomorrow', B('09:00', '03'), B('10:00', '03')),
    ev('edge-to', B('12:00', '03'), B('13:00', '03')),
    ev('overnight', B('23:30', '01'), B('00:30')),
    ev('ended-at-from', B('23:00', '01'), B('00:00')),
    ev('yesterday-all-day', '2026-03-01', '2026-03-02'),
    ev('today-all-day', '2026-03-02', '2026-03-03'),
    ev('week', '2026-02-28', '2026-03-06'),
    ev('b', B('09:00'), B('10:00')),
    ev('a', B('09:00'), B('10:00')),
    ev('short', B('09:00'), B('09:30')),
    ev('cancelled', B('11:00'), B('12:00'), { status: 'cancelled' }),
    ev('declined', B('11:00'), B('12:00'), { roomResponse: 'declined' }),
    ev('tentative', B('11:00'), B('12:00'), { status: 'tentative' }),
    ev('zero', B('13:00'), B('13:00')),
  ];
  const agenda = buildAgenda(events, ms(B('12:00')), policyOf());
  assert.doesNotThrow(() => AgendaSchema.parse(agenda));
  assert.equal(agenda.room, 'atlas');
  assert.equal(agenda.timeZone, 'Europe/Berlin');
  assert.equal(agenda.from, utc(B('00:00')));
  assert.equal(agenda.to, utc(B('12:00', '03')));
  assert.deepEqual(
    agenda.events.map((e) => e.id),
    ['week', 'overnight', 'today-all-day', 'short', 'a', 'b', 'tentative', 'late', 'tomorrow'],
  );
});

test('agenda: privacy applied to every event', () => {
  const events = [
    ev('open', B('09:00'), B('10:00'), { title: 'Standup', organizer: 'bo@example.com' }),
    ev('secret', B('10:00'), B('11:00'), { title: 'Layoffs', organizer: 'ceo@example.com', private: true }),
  ];
  const titles = (mode: 'full' | 'organizer' | 'private'): Array<[string | null, string | null, boolean]> =>
    buildAgenda(events, ms(B('08:00')), policyOf('Europe/Berlin', {}, mode)).events.map((e) => [e.title, e.organizer, e.private]);
  assert.deepEqual(titles('full'), [
    ['Standup', 'bo@example.com', false],
    [null, null, true],
  ]);
  assert.deepEqual(titles('organizer'), [
    [null, 'bo@example.com', false],
    [null, null, true],
  ]);
  assert.deepEqual(titles('private'), [
    [null, null, true],
    [null, null, true],
  ]);
  const shown = buildAgenda(events, ms(B('08:00')), policyOf()).events[0];
  assert.equal(shown && 'roomResponse' in shown, false);
});

test('agenda: on the DST day the window starts at local midnight +01:00', () => {
  const now = ms('2026-03-29T12:00:00+02:00');
  const agenda = buildAgenda([ev('d', '2026-03-29', '2026-03-30')], now, policyOf());
  assert.equal(agenda.from, '2026-03-28T23:00:00.000Z');
  assert.equal(agenda.to, new Date(now + 86_400_000).toISOString());
  assert.deepEqual(agenda.events.map((e) => e.id), ['d']);
  const ny = buildAgenda([], ms('2026-11-01T23:00:00-05:00'), policyOf('America/New_York'));
  assert.equal(ny.from, '2026-11-01T04:00:00.000Z');
});

test('agenda: a crowded room keeps the earliest events within the payload limit', () => {
  const events = Array.from({ length: AGENDA_MAX_EVENTS + 20 }, (_, i) => {
    const start = ms(B('08:00')) + i * 60_000;
    return ev(`m${String(i).padStart(4, '0')}`, new Date(start).toISOString(), new Date(start + 60_000).toISOString());
  }).reverse();
  const agenda = buildAgenda(events, ms(B('07:00')), policyOf());
  assert.equal(agenda.events.length, AGENDA_MAX_EVENTS);
  assert.equal(agenda.events[0]?.id, 'm0000');
  assert.equal(agenda.events.at(-1)?.id, `m${String(AGENDA_MAX_EVENTS - 1).padStart(4, '0')}`);
  assert.doesNotThrow(() => AgendaSchema.parse(agenda));
});

test('agenda: a day with more events than the payload holds keeps those nearest to now, the running and next meetings always', () => {
  // 520 one-minute meetings from midnight, then a long meeting running now and the next one.
  const crowd = Array.from({ length: AGENDA_MAX_EVENTS + 20 }, (_, i) => {
    const start = ms(B('00:00')) + i * 60_000;
    return ev(`c${String(i).padStart(4, '0')}`, new Date(start).toISOString(), new Date(start + 60_000).toISOString());
  });
  const events = [...crowd, ev('running', B('09:00'), B('11:00')), ev('following', B('11:30'), B('12:00')), ev('tomorrow', B('08:00', '03'), B('09:00', '03'))];
  const now = ms(B('10:00'));
  const agenda = buildAgenda(events, now, policyOf());
  const ids = agenda.events.map((e) => e.id);
  assert.equal(ids.length, AGENDA_MAX_EVENTS);
  for (const id of ['running', 'following']) assert.ok(ids.includes(id), `${id} is kept`);
  // What was cut is farthest from now: tomorrow's meeting and the morning's earliest; the order stays the agenda's.
  assert.ok(!ids.includes('tomorrow'));
  assert.equal(ids[0], 'c0022');
  assert.deepEqual([...ids].sort((a, b) => Date.parse(agenda.events[ids.indexOf(a)]?.start ?? '') - Date.parse(agenda.events[ids.indexOf(b)]?.start ?? '')), ids);
  assert.doesNotThrow(() => AgendaSchema.parse(agenda));
  // A display that lost its server computes from this agenda and still shows the meeting.
  const offline = computeRoomState(agenda.events, now, policyOf());
  assert.equal(offline.status, 'busy');
  assert.equal(offline.current?.id, 'running');
  assert.equal(offline.next?.id, 'following');
  assert.deepEqual(offline, computeRoomState(events, now, policyOf()));
});

test('agenda: with more meetings running at once than the payload holds, the one shown now is still kept', () => {
  const many = Array.from({ length: AGENDA_MAX_EVENTS + 5 }, (_, i) => ev(`o${String(i).padStart(4, '0')}`, B('08:00'), B('18:00')));
  const events = [...many, ev('latest', B('09:59'), B('10:30'))];
  const agenda = buildAgenda(events, ms(B('10:00')), policyOf());
  assert.ok(agenda.events.some((e) => e.id === 'latest'));
  assert.equal(computeRoomState(agenda.events, ms(B('10:00')), policyOf()).current?.id, 'latest');
});

test('agenda: bad input is refused with what and where', () => {
  assert.throws(() => buildAgenda([ev('x', B('09:00'), '10:00')], ms(B('08:00')), policyOf()), /events\.0\.end: "10:00"/);
  assert.throws(() => buildAgenda([], ms(B('08:00')), policyOf('Europe/Nowhere')), /policy\.timeZone/);
});
