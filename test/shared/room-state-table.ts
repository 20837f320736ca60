import type { EngineEvent } from '../../shared/state/engine.js';
import type { CheckInPolicy } from '../../shared/model/room-state.js';
import type { PrivacyMode } from '../../shared/model/event.js';
import { agendaEv, ev } from './calendar-fixtures.js';

/**
 * The room-state table: every shape of a room's day (overlaps, back-to-back, all-day, DST,
 * check-in) with what the panel must show. The engine's tests check it row by row; the booking
 * tests check that the bookings act on the meeting each row shows.
 */
/** Berlin on an ordinary Monday (UTC+1). */
export const B = (hhmm: string, day = '02'): string => `2026-03-${day}T${hhmm}:00+01:00`;

export interface Row {
  name: string;
  zone?: string;
  policyCheckIn?: Partial<CheckInPolicy>;
  privacy?: PrivacyMode;
  events: EngineEvent[];
  now: string;
  status: 'free' | 'busy' | 'awaiting-checkin';
  current: string | null;
  next: string | null;
  freeUntil: string | null;
  busyUntil: string | null;
  /** [event id, opens, closes] */
  checkIn: [string, string, string] | null;
  nextChangeAt: string;
}

export const backToBack = [ev('a', B('09:00'), B('10:00')), ev('b', B('10:00'), B('11:00')), ev('c', B('11:30'), B('12:00'))];
const overlaps = [
  ev('long', B('09:00'), B('11:00')),
  ev('short', B('10:00'), B('10:30')),
  ev('late', B('10:15'), B('12:00')),
  ev('follow', B('12:00'), B('12:30')),
  ev('after', B('13:00'), B('14:00')),
];
export const checkInMeeting = (over = {}): EngineEvent[] => [ev('ci', B('10:00'), B('11:00'), { checkInRequired: true, ...over })];

export const ROOM_STATE_ROWS: readonly Row[] = [
  // plain days
  { name: 'empty day', events: [], now: B('10:00'), status: 'free', current: null, next: null, freeUntil: null, busyUntil: null, checkIn: null, nextChangeAt: B('00:00', '03') },
  { name: 'free before the first meeting', events: backToBack, now: B('08:00'), status: 'free', current: null, next: 'a', freeUntil: B('09:00'), busyUntil: null, checkIn: null, nextChangeAt: B('09:00') },
  { name: 'back-to-back: busy block chains through the shared boundary', events: backToBack, now: B('09:30'), status: 'busy', current: 'a', next: 'b', freeUntil: null, busyUntil: B('11:00'), checkIn: null, nextChangeAt: B('10:00') },
  { name: 'back-to-back: at the boundary the later meeting is current (end exclusive)', events: backToBack, now: B('10:00'), status: 'busy', current: 'b', next: 'c', freeUntil: null, busyUntil: B('11:00'), checkIn: null, nextChangeAt: B('11:00') },
  { name: 'back-to-back: free in the gap', events: backToBack, now: B('11:00'), status: 'free', current: null, next: 'c', freeUntil: B('11:30'), busyUntil: null, checkIn: null, nextChangeAt: B('11:30') },
  { name: 'after the last meeting', events: backToBack, now: B('12:00'), status: 'free', current: null, next: null, freeUntil: null, busyUntil: null, checkIn: null, nextChangeAt: B('00:00', '03') },
  { name: 'overlaps: the meeting that started last is current; the block chains overlap and adjacency', events: overlaps, now: B('10:20'), status: 'busy', current: 'late', next: 'follow', freeUntil: null, busyUntil: B('12:30'), checkIn: null, nextChangeAt: B('10:30') },
  { name: 'overlaps: a later meeting inside the current one is next', events: overlaps, now: B('09:30'), status: 'busy', current: 'long', next: 'short', freeUntil: null, busyUntil: B('12:30'), checkIn: null, nextChangeAt: B('10:00') },
  { name: 'same start: the later end is current', events: [ev('x', B('09:00'), B('10:00')), ev('y', B('09:00'), B('11:00'))], now: B('09:30'), status: 'busy', current: 'y', next: null, freeUntil: null, busyUntil: B('11:00'), checkIn: null, nextChangeAt: B('10:00') },
  { name: 'same start and end: the smaller id is current', events: [ev('q', B('09:00'), B('10:00')), ev('p', B('09:00'), B('10:00'))], now: B('09:30'), status: 'busy', current: 'p', next: null, freeUntil: null, busyUntil: B('10:00'), checkIn: null, nextChangeAt: B('10:00') },
  { name: 'same next start: the earlier end is next', events: [ev('n2', B('14:00'), B('15:00')), ev('n1', B('14:00'), B('14:30'))], now: B('13:00'), status: 'free', current: null, next: 'n1', freeUntil: B('14:00'), busyUntil: null, checkIn: null, nextChangeAt: B('14:00') },
  { name: 'same next start and end: the smaller id is next', events: [ev('m2', B('14:00'), B('15:00')), ev('m1', B('14:00'), B('15:00'))], now: B('13:00'), status: 'free', current: null, next: 'm1', freeUntil: B('14:00'), busyUntil: null, checkIn: null, nextChangeAt: B('14:00') },
  { name: 'a gap of one minute breaks the block', events: [ev('a', B('09:00'), B('10:00')), ev('b', B('10:01'), B('11:00'))], now: B('09:30'), status: 'busy', current: 'a', next: 'b', freeUntil: null, busyUntil: B('10:00'), checkIn: null, nextChangeAt: B('10:00') },

  // midnight, all-day, multi-day
  { name: 'meeting spanning midnight, before midnight: the date change comes first', events: [ev('night', B('23:00'), B('01:00', '03'))], now: B('23:30'), status: 'busy', current: 'night', next: null, freeUntil: null, busyUntil: B('01:00', '03'), checkIn: null, nextChangeAt: B('00:00', '03') },
  { name: 'meeting spanning midnight, after midnight', events: [ev('night', B('23:00'), B('01:00', '03'))], now: B('00:30', '03'), status: 'busy', current: 'night', next: null, freeUntil: null, busyUntil: B('01:00', '03'), checkIn: null, nextChangeAt: B('01:00', '03') },
  { name: 'all-day event busy until the next local midnight', events: [ev('day', '2026-03-02', '2026-03-03')], now: B('10:00'), status: 'busy', current: 'day', next: null, freeUntil: null, busyUntil: B('00:00', '03'), checkIn: null, nextChangeAt: B('00:00', '03') },
  { name: 'all-day event starting tomorrow is next, at local midnight', events: [ev('day', '2026-03-03', '2026-03-04')], now: B('22:00'), status: 'free', current: null, next: 'day', freeUntil: B('00:00', '03'), busyUntil: null, checkIn: null, nextChangeAt: B('00:00', '03') },
  { name: 'timed meeting inside an all-day event is current; the block runs to midnight', events: [ev('day', '2026-03-02', '2026-03-03'), ev('m', B('10:00'), B('11:00'))], now: B('10:15'), status: 'busy', current: 'm', next: null, freeUntil: null, busyUntil: B('00:00', '03'), checkIn: null, nextChangeAt: B('11:00') },
  { name: 'multi-day all-day event', events: [ev('conf', '2026-03-01', '2026-03-04')], now: B('10:00'), status: 'busy', current: 'conf', next: null, freeUntil: null, busyUntil: B('00:00', '04'), checkIn: null, nextChangeAt: B('00:00', '03') },
  { name: 'multi-day timed event chained to a following all-day event', events: [ev('move', B('14:00', '01'), B('00:00', '03')), ev('day', '2026-03-03', '2026-03-04')], now: B('12:00'), status: 'busy', current: 'move', next: 'day', freeUntil: null, busyUntil: B('00:00', '04'), checkIn: null, nextChangeAt: B('00:00', '03') },
  { name: 'all-day event that ended yesterday is ignored', events: [ev('gone', '2026-03-01', '2026-03-02')], now: B('00:00'), status: 'free', current: null, next: null, freeUntil: null, busyUntil: null, checkIn: null, nextChangeAt: B('00:00', '03') },

  // dropped and kept events
  { name: 'cancelled meeting leaves the room free and adds no boundary', events: [ev('x', B('09:00'), B('10:00'), { status: 'cancelled' }), ev('y', B('11:00'), B('12:00'))], now: B('09:30'), status: 'free', current: null, next: 'y', freeUntil: B('11:00'), busyUntil: null, checkIn: null, nextChangeAt: B('11:00') },
  { name: 'meeting the room declined leaves it free', events: [ev('x', B('09:00'), B('10:00'), { roomResponse: 'declined' }), ev('y', B('11:00'), B('12:00'))], now: B('09:30'), status: 'free', current: null, next: 'y', freeUntil: B('11:00'), busyUntil: null, checkIn: null, nextChangeAt: B('11:00') },
  { name: 'cancelled meeting is not next either', events: [ev('x', B('10:00'), B('10:30'), { status: 'cancelled' }), ev('y', B('11:00'), B('12:00'))], now: B('09:30'), status: 'free', current: null, next: 'y', freeUntil: B('11:00'), busyUntil: null, checkIn: null, nextChangeAt: B('11:00') },
  { name: 'tentative meeting counts as busy', events: [ev('t', B('09:00'), B('10:00'), { status: 'tentative' })], now: B('09:30'), status: 'busy', current: 't', next: null, freeUntil: null, busyUntil: B('10:00'), checkIn: null, nextChangeAt: B('10:00') },
  { name: 'tentative room response counts as busy', events: [ev('t', B('09:00'), B('10:00'), { roomResponse: 'tentative' })], now: B('09:30'), status: 'busy', current: 't', next: null, freeUntil: null, busyUntil: B('10:00'), checkIn: null, nextChangeAt: B('10:00') },
  { name: 'zero-length and negative events are ignored', events: [ev('zero', B('09:00'), B('09:00')), ev('neg', B('10:00'), B('09:30'))], now: B('08:00'), status: 'free', current: null, next: null, freeUntil: null, busyUntil: null, checkIn: null, nextChangeAt: B('00:00', '03') },
  { name: 'device-side agenda events (no room response) work the same', events: [agendaEv('a', B('09:00'), B('10:00'), { title: null }), agendaEv('b', B('10:00'), B('10:30'))], now: B('09:59'), status: 'busy', current: 'a', next: 'b', freeUntil: null, busyUntil: B('10:30'), checkIn: null, nextChangeAt: B('10:00') },
  { name: 'instants with other offsets and fractions compare as instants', events: [ev('z', '2026-03-02T08:00:00.000Z', '2026-03-02T04:30:00.5-05:00')], now: B('09:10'), status: 'busy', current: 'z', next: null, freeUntil: null, busyUntil: '2026-03-02T09:30:00.500Z', checkIn: null, nextChangeAt: '2026-03-02T09:30:00.500Z' },

  // check-in (5 minutes before, 10 after)
  { name: 'check-in: before the window', events: checkInMeeting(), now: B('09:50'), status: 'free', current: null, next: 'ci', freeUntil: B('10:00'), busyUntil: null, checkIn: null, nextChangeAt: B('09:55') },
  { name: 'check-in: window open before the start, room still free', events: checkInMeeting(), now: B('09:55'), status: 'free', current: null, next: 'ci', freeUntil: B('10:00'), busyUntil: null, checkIn: ['ci', B('09:55'), B('10:10')], nextChangeAt: B('10:00') },
  { name: 'check-in: during the window after the start', events: checkInMeeting(), now: B('10:05'), status: 'awaiting-checkin', current: 'ci', next: null, freeUntil: null, busyUntil: B('11:00'), checkIn: ['ci', B('09:55'), B('10:10')], nextChangeAt: B('10:10') },
  { name: 'check-in: after the window closes the engine still says busy', events: checkInMeeting(), now: B('10:10'), status: 'busy', current: 'ci', next: null, freeUntil: null, busyUntil: B('11:00'), checkIn: null, nextChangeAt: B('11:00') },
  { name: 'check-in: checked in', events: checkInMeeting({ checkedInAt: B('09:58') }), now: B('10:05'), status: 'busy', current: 'ci', next: null, freeUntil: null, busyUntil: B('11:00'), checkIn: null, nextChangeAt: B('11:00') },
  { name: 'check-in: disabled for the room', policyCheckIn: { enabled: false }, events: checkInMeeting(), now: B('10:05'), status: 'busy', current: 'ci', next: null, freeUntil: null, busyUntil: B('11:00'), checkIn: null, nextChangeAt: B('11:00') },
  { name: 'check-in: not required by the meeting', events: checkInMeeting({ checkInRequired: false }), now: B('10:05'), status: 'busy', current: 'ci', next: null, freeUntil: null, busyUntil: B('11:00'), checkIn: null, nextChangeAt: B('11:00') },
  { name: 'check-in: window opens at the start when opensBeforeMins is 0', policyCheckIn: { opensBeforeMins: 0, closesAfterMins: 15 }, events: checkInMeeting(), now: B('09:58'), status: 'free', current: null, next: 'ci', freeUntil: B('10:00'), busyUntil: null, checkIn: null, nextChangeAt: B('10:00') },
  { name: 'check-in: the next meeting opens its window while the room is busy', events: [ev('prev', B('09:00'), B('10:00')), ...checkInMeeting()], now: B('09:57'), status: 'busy', current: 'prev', next: 'ci', freeUntil: null, busyUntil: B('11:00'), checkIn: ['ci', B('09:55'), B('10:10')], nextChangeAt: B('10:00') },
  { name: 'check-in: an unchecked current meeting wins over the next one', events: [ev('first', B('10:00'), B('10:05'), { checkInRequired: true }), ev('second', B('10:05'), B('11:00'), { checkInRequired: true })], now: B('10:02'), status: 'awaiting-checkin', current: 'first', next: 'second', freeUntil: null, busyUntil: B('11:00'), checkIn: ['first', B('09:55'), B('10:10')], nextChangeAt: B('10:05') },
  { name: 'check-in: not for a meeting of 8 hours', events: [ev('work', B('10:00'), B('18:00'), { checkInRequired: true })], now: B('10:05'), status: 'busy', current: 'work', next: null, freeUntil: null, busyUntil: B('18:00'), checkIn: null, nextChangeAt: B('18:00') },
  { name: 'check-in: still for a meeting just under 8 hours', events: [ev('work', B('10:00'), B('17:59'), { checkInRequired: true })], now: B('10:05'), status: 'awaiting-checkin', current: 'work', next: null, freeUntil: null, busyUntil: B('17:59'), checkIn: ['work', B('09:55'), B('10:10')], nextChangeAt: B('10:10') },
  { name: 'check-in: never for an all-day event', events: [ev('day', '2026-03-02', '2026-03-03', { checkInRequired: true })], now: B('00:05'), status: 'busy', current: 'day', next: null, freeUntil: null, busyUntil: B('00:00', '03'), checkIn: null, nextChangeAt: B('00:00', '03') },
  { name: 'check-in: device-side event with a check-in', events: [agendaEv('ci', B('10:00'), B('11:00'), { checkInRequired: true })], now: B('10:09'), status: 'awaiting-checkin', current: 'ci', next: null, freeUntil: null, busyUntil: B('11:00'), checkIn: ['ci', B('09:55'), B('10:10')], nextChangeAt: B('10:10') },

  // Europe/Berlin DST: 2026-03-29 02:00 -> 03:00 (+01:00 -> +02:00); 2026-10-25 03:00 -> 02:00
  { name: 'Berlin spring: next local midnight of the short day', events: [], now: '2026-03-29T01:30:00+01:00', status: 'free', current: null, next: null, freeUntil: null, busyUntil: null, checkIn: null, nextChangeAt: '2026-03-30T00:00:00+02:00' },
  { name: 'Berlin spring: the day before ends at midnight +01:00', events: [], now: '2026-03-28T12:00:00+01:00', status: 'free', current: null, next: null, freeUntil: null, busyUntil: null, checkIn: null, nextChangeAt: '2026-03-29T00:00:00+01:00' },
  { name: 'Berlin spring: all-day event of the short day', events: [ev('d', '2026-03-29', '2026-03-30')], now: '2026-03-29T12:00:00+02:00', status: 'busy', current: 'd', next: null, freeUntil: null, busyUntil: '2026-03-29T22:00:00Z', checkIn: null, nextChangeAt: '2026-03-29T22:00:00Z' },
  { name: 'Berlin spring: meeting across the 02:00 gap lasts one real hour', events: [ev('gap', '2026-03-29T01:30:00+01:00', '2026-03-29T03:30:00+02:00')], now: '2026-03-29T01:45:00+01:00', status: 'busy', current: 'gap', next: null, freeUntil: null, busyUntil: '2026-03-29T01:30:00Z', checkIn: null, nextChangeAt: '2026-03-29T01:30:00Z' },
  { name: 'Berlin spring: check-in window opens before the gap for a 03:00 meeting', policyCheckIn: { opensBeforeMins: 10 }, events: [ev('early', '2026-03-29T03:00:00+02:00', '2026-03-29T04:00:00+02:00', { checkInRequired: true })], now: '2026-03-29T01:50:00+01:00', status: 'free', current: null, next: 'early', freeUntil: '2026-03-29T01:00:00Z', busyUntil: null, checkIn: ['early', '2026-03-29T01:50:00+01:00', '2026-03-29T03:10:00+02:00'], nextChangeAt: '2026-03-29T01:00:00Z' },
  { name: 'Berlin autumn: all-day event of the long day', events: [ev('d', '2026-10-25', '2026-10-26')], now: '2026-10-25T12:00:00+01:00', status: 'busy', current: 'd', next: null, freeUntil: null, busyUntil: '2026-10-25T23:00:00Z', checkIn: null, nextChangeAt: '2026-10-25T23:00:00Z' },
  { name: 'Berlin autumn: midnight before the long day is at +02:00', events: [], now: '2026-10-24T20:00:00+02:00', status: 'free', current: null, next: null, freeUntil: null, busyUntil: null, checkIn: null, nextChangeAt: '2026-10-24T22:00:00Z' },
  { name: 'Berlin autumn: meeting in the repeated hour', events: [ev('rep', '2026-10-25T02:30:00+02:00', '2026-10-25T02:30:00+01:00')], now: '2026-10-25T02:45:00+02:00', status: 'busy', current: 'rep', next: null, freeUntil: null, busyUntil: '2026-10-25T01:30:00Z', checkIn: null, nextChangeAt: '2026-10-25T01:30:00Z' },
  { name: 'Berlin autumn: second pass of 02:xx is later than the first', events: [ev('second', '2026-10-25T02:15:00+01:00', '2026-10-25T02:45:00+01:00')], now: '2026-10-25T02:20:00+02:00', status: 'free', current: null, next: 'second', freeUntil: '2026-10-25T01:15:00Z', busyUntil: null, checkIn: null, nextChangeAt: '2026-10-25T01:15:00Z' },

  // America/New_York DST: 2026-03-08 02:00 -> 03:00 (-05:00 -> -04:00); 2026-11-01 02:00 -> 01:00
  { name: 'New York spring: all-day event of the short day', zone: 'America/New_York', events: [ev('d', '2026-03-08', '2026-03-09')], now: '2026-03-08T10:00:00-04:00', status: 'busy', current: 'd', next: null, freeUntil: null, busyUntil: '2026-03-09T04:00:00Z', checkIn: null, nextChangeAt: '2026-03-09T04:00:00Z' },
  { name: 'New York spring: next midnight from before the gap', zone: 'America/New_York', events: [], now: '2026-03-08T01:00:00-05:00', status: 'free', current: null, next: null, freeUntil: null, busyUntil: null, checkIn: null, nextChangeAt: '2026-03-09T00:00:00-04:00' },
  { name: 'New York spring: meeting across the gap', zone: 'America/New_York', events: [ev('gap', '2026-03-08T01:30:00-05:00', '2026-03-08T03:30:00-04:00')], now: '2026-03-08T03:00:00-04:00', status: 'busy', current: 'gap', next: null, freeUntil: null, busyUntil: '2026-03-08T07:30:00Z', checkIn: null, nextChangeAt: '2026-03-08T07:30:00Z' },
  { name: 'New York autumn: all-day event of the long day', zone: 'America/New_York', events: [ev('d', '2026-11-01', '2026-11-02')], now: '2026-11-01T01:30:00-05:00', status: 'busy', current: 'd', next: null, freeUntil: null, busyUntil: '2026-11-02T05:00:00Z', checkIn: null, nextChangeAt: '2026-11-02T05:00:00Z' },
  { name: 'New York autumn: meeting in the repeated hour, checked against both passes', zone: 'America/New_York', events: [ev('rep', '2026-11-01T01:30:00-04:00', '2026-11-01T01:30:00-05:00')], now: '2026-11-01T01:10:00-05:00', status: 'busy', current: 'rep', next: null, freeUntil: null, busyUntil: '2026-11-01T06:30:00Z', checkIn: null, nextChangeAt: '2026-11-01T06:30:00Z' },
  { name: 'New York: the Berlin date has no effect, midnight is local', zone: 'America/New_York', events: [], now: '2026-03-02T23:30:00+01:00', status: 'free', current: null, next: null, freeUntil: null, busyUntil: null, checkIn: null, nextChangeAt: '2026-03-03T00:00:00-05:00' },
];

