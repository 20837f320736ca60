import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandCalendar, parseICalendar } from '../../../../server/providers/ical/expand.js';
import { ianaZone } from '../../../../server/providers/ical/ical-zones.js';
import { isDoorplateError } from '../../../../shared/errors.js';
import { icalFixture } from './fixtures.js';

const table = (events: ReturnType<typeof expandCalendar>): string[] =>
  events
    .map((e) => `${e.start} ${e.end} ${e.title}${e.private ? ' [private]' : ''}${e.roomResponse !== 'accepted' ? ` [${e.roomResponse}]` : ''}`)
    .sort();

test('a series with a RECURRENCE-ID in UTC against a local DTSTART (iCloud): moved, cancelled and excluded instances', () => {
  const cal = parseICalendar(icalFixture('icloud-utc-recurrence-id.ics'), 'fixture');
  const events = expandCalendar(cal, { roomZone: 'Europe/Lisbon', fromMs: Date.parse('2026-03-01T00:00:00Z'), toMs: Date.parse('2026-04-30T00:00:00Z') });
  assert.deepEqual(table(events), [
    '2026-03-02T08:00:00.000Z 2026-03-02T08:30:00.000Z Weekly standup',
    '2026-03-09T10:00:00.000Z 2026-03-09T10:30:00.000Z Weekly standup (moved)',
    '2026-03-23T08:00:00.000Z 2026-03-23T08:30:00.000Z Weekly standup',
    '2026-04-06T08:00:00.000Z 2026-04-06T08:30:00.000Z Weekly standup (after DST)',
  ]);
  const uid = '5C1E7F0A-8D2B-4A57-9E0B-weekly-standup';
  assert.deepEqual(events.map((e) => e.id).sort(), [`${uid}/20260302T080000Z`, `${uid}/20260309T080000Z`, `${uid}/20260323T080000Z`, `${uid}/20260406T070000Z`]);
  assert.ok(events.every((e) => e.seriesId === uid && e.bookedVia === 'provider'));
  assert.equal(events.find((e) => e.title === 'Weekly standup (moved)')?.organizer, 'Ana Lima');
});

test('the window cuts the series: only overlapping instances, each under the resource id given', () => {
  const cal = parseICalendar(icalFixture('icloud-utc-recurrence-id.ics'), 'fixture');
  const events = expandCalendar(cal, { roomZone: 'Europe/Berlin', fromMs: Date.parse('2026-03-08T00:00:00Z'), toMs: Date.parse('2026-03-24T00:00:00Z'), idBase: 'standup' });
  assert.deepEqual(events.map((e) => e.id).sort(), ['standup/20260309T080000Z', 'standup/20260323T080000Z']);
});

test('an Outlook feed: Windows zone names with and without VTIMEZONE, all-day, private, transparent and declined events', () => {
  const cal = parseICalendar(icalFixture('outlook-windows-zones.ics'), 'fixture');
  const events = expandCalendar(cal, { roomZone: 'Europe/Oslo', fromMs: Date.parse('2026-03-20T00:00:00Z'), toMs: Date.parse('2026-04-20T00:00:00Z') });
  assert.deepEqual(table(events), [
    '2026-03-26T08:00:00.000Z 2026-03-26T09:00:00.000Z Planning across the clock change',
    '2026-03-27 2026-03-28 Offsite [private]',
    '2026-03-27T14:00:00.000Z 2026-03-27T15:00:00.000Z Declined by the room [declined]',
    '2026-03-27T15:00:00.000Z 2026-03-27T16:00:00.000Z Call with Seattle [private]',
    '2026-03-30T12:00:00.000Z 2026-03-30T13:00:00.000Z Romance zone, no VTIMEZONE',
    '2026-04-02T07:00:00.000Z 2026-04-02T08:00:00.000Z Planning across the clock change',
    '2026-04-09T07:00:00.000Z 2026-04-09T08:00:00.000Z Planning across the clock change',
  ]);
  const offsite = events.find((e) => e.title === 'Offsite');
  assert.equal(offsite?.allDay, true);
  assert.equal(offsite?.checkInRequired, false);
});

test('Windows and prefixed zone names map to IANA zones; unknown names do not', () => {
  assert.equal(ianaZone('W. Europe Standard Time'), 'Europe/Berlin');
  assert.equal(ianaZone('Eastern Standard Time'), 'America/New_York');
  assert.equal(ianaZone('Europe/Lisbon'), 'Europe/Lisbon');
  assert.equal(ianaZone('/mozilla.org/20050126_1/Europe/Berlin'), 'Europe/Berlin');
  assert.equal(ianaZone('Customized Time Zone'), null);
});

test('floating times and unknown TZIDs are read in the room zone', () => {
  const text = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'BEGIN:VEVENT',
    'UID:f1',
    'SUMMARY:Floating',
    'DTSTART:20260702T090000',
    'DTEND:20260702T100000',
    'END:VEVENT',
    'BEGIN:VEVENT',
    'UID:f2',
    'SUMMARY:Custom zone',
    'DTSTART;TZID=Customized Time Zone:20260702T110000',
    'DURATION:PT30M',
    'END:VEVENT',
    'END:VCALENDAR',
  ].join('\r\n');
  const events = expandCalendar(parseICalendar(text, 'x'), { roomZone: 'America/New_York', fromMs: Date.parse('2026-07-01T00:00:00Z'), toMs: Date.parse('2026-07-03T00:00:00Z') });
  assert.deepEqual(table(events), ['2026-07-02T13:00:00.000Z 2026-07-02T14:00:00.000Z Floating', '2026-07-02T15:00:00.000Z 2026-07-02T15:30:00.000Z Custom zone']);
});

test('an HTML page is refused as not iCalendar, with where it came from', () => {
  assert.throws(
    () => parseICalendar('<!DOCTYPE html><html><body>Sign in</body></html>', 'rooms[oslo].calendar'),
    (e: unknown) => isDoorplateError(e) && /^rooms\[oslo\]\.calendar: not iCalendar data/.test(e.message),
  );
});
