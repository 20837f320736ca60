import { test } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { buildInvite, type InviteEvent } from '../../../server/mail/ical-invite.js';
import { foldLine } from '../../../server/mail/ical-text.js';
import { zoneTransitions } from '../../../server/mail/vtimezone.js';

const base: InviteEvent = {
  uid: 'booking-1@doorplate',
  sequence: 0,
  method: 'REQUEST',
  // Berlin leaves summer time on 2026-10-25 at 03:00 local (01:00 UTC): this meeting spans it.
  start: Date.parse('2026-10-24T23:30:00Z'),
  end: Date.parse('2026-10-25T02:30:00Z'),
  timeZone: 'Europe/Berlin',
  summary: 'Planning; budget, Q4 \\ review\nsecond line',
  location: 'Ada, 3rd floor',
  organizer: { email: 'boss@example.com', name: 'Grace Hopper' },
  attendees: [
    { email: 'a@example.com', name: 'Zoë Ünal; "the" lead' },
    { email: 'b@example.com' },
  ],
  stamp: Date.parse('2026-10-01T12:00:00Z'),
};

/** Reads the calendar as a client would, registering its VTIMEZONE (ical.js ships no zone data). */
function readBack(ics: string) {
  const cal = new ICAL.Component(ICAL.parse(ics));
  for (const tz of cal.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz);
  const vevent = cal.getFirstSubcomponent('vevent');
  assert.ok(vevent);
  return { cal, vevent, event: new ICAL.Event(vevent) };
}

test('an invitation read back with ical.js equals the booking across a DST change', () => {
  const ics = buildInvite(base);
  const { cal, vevent, event } = readBack(ics);
  assert.equal(cal.getFirstPropertyValue('method'), 'REQUEST');
  assert.equal(event.uid, base.uid);
  assert.equal(event.sequence, 0);
  assert.equal(event.startDate.toJSDate().getTime(), base.start);
  assert.equal(event.endDate.toJSDate().getTime(), base.end);
  assert.equal(event.startDate.zone?.tzid, 'Europe/Berlin');
  // 01:30 summer time to 03:30 winter time: three hours that look like two on the wall.
  assert.equal(event.startDate.toString(), '2026-10-25T01:30:00');
  assert.equal(event.endDate.toString(), '2026-10-25T03:30:00');
  assert.equal(event.summary, base.summary);
  assert.equal(event.location, base.location);
  assert.equal(vevent.getFirstPropertyValue('organizer'), 'mailto:boss@example.com');
  assert.equal(vevent.getFirstProperty('organizer')?.getParameter('cn'), 'Grace Hopper');
  const attendees = vevent.getAllProperties('attendee');
  assert.deepEqual(attendees.map((a) => a.getFirstValue()), ['mailto:a@example.com', 'mailto:b@example.com']);
  assert.equal(attendees[0]?.getParameter('cn'), 'Zoë Ünal; the lead');
  for (const a of attendees) {
    assert.equal(a.getParameter('partstat'), 'NEEDS-ACTION');
    assert.equal(a.getParameter('role'), 'REQ-PARTICIPANT');
    assert.equal(a.getParameter('rsvp'), 'TRUE');
  }
  assert.equal(vevent.getFirstPropertyValue('status'), 'CONFIRMED');
});

test('a time in the repeated hour is written in UTC, so no client can pick the wrong one', () => {
  const start = Date.parse('2026-10-25T00:30:00Z'); // 02:30 CEST; 02:30 CET comes an hour later
  const ics = buildInvite({ ...base, start, end: start + 3_600_000 });
  assert.match(ics, /DTSTART:20261025T003000Z/);
  assert.match(ics, /DTEND:20261025T013000Z/); // 02:30 CET, the second 02:30
  const { event } = readBack(ics);
  assert.equal(event.startDate.toJSDate().getTime(), start);
  assert.equal(event.endDate.toJSDate().getTime(), start + 3_600_000);
});

test('the calendar text has CRLF line ends and no line over 75 octets', () => {
  const ics = buildInvite({ ...base, summary: 'Ü'.repeat(200), location: '会議室'.repeat(40) });
  assert.ok(ics.endsWith('\r\n'));
  assert.equal(ics.split('\n').filter((l) => !l.endsWith('\r') && l !== '').length, 0);
  for (const line of ics.split('\r\n')) assert.ok(Buffer.byteLength(line) <= 75, line);
  const { event } = readBack(ics);
  assert.equal(event.summary, 'Ü'.repeat(200));
  assert.equal(event.location, '会議室'.repeat(40));
});

test('folding never splits a UTF-8 sequence', () => {
  const folded = foldLine(`SUMMARY:${'a'.repeat(73)}€€`);
  const [first, second] = folded.split('\r\n');
  // 8 + 73 = 81 octets: the first line stops at 75, before any euro sign.
  assert.equal(first, `SUMMARY:${'a'.repeat(67)}`);
  assert.equal(second, ` ${'a'.repeat(6)}€€`);
  assert.ok(second?.startsWith(' '));
  assert.ok(!folded.includes('\uFFFD'));
});

test('an update keeps the UID with a higher SEQUENCE; a cancel says CANCEL and CANCELLED', () => {
  const update = readBack(buildInvite({ ...base, sequence: 1, end: base.end + 1_800_000 }));
  assert.equal(update.event.uid, base.uid);
  assert.equal(update.event.sequence, 1);
  assert.equal(update.event.endDate.toJSDate().getTime(), base.end + 1_800_000);
  const cancel = readBack(buildInvite({ ...base, sequence: 2, method: 'CANCEL' }));
  assert.equal(cancel.cal.getFirstPropertyValue('method'), 'CANCEL');
  assert.equal(cancel.vevent.getFirstPropertyValue('status'), 'CANCELLED');
  assert.equal(cancel.event.sequence, 2);
});

test('a spring-forward meeting in New York and a UTC room', () => {
  const ny = readBack(buildInvite({ ...base, timeZone: 'America/New_York', start: Date.parse('2026-03-08T06:30:00Z'), end: Date.parse('2026-03-08T07:30:00Z') }));
  assert.equal(ny.event.startDate.toString(), '2026-03-08T01:30:00');
  assert.equal(ny.event.endDate.toString(), '2026-03-08T03:30:00');
  assert.equal(ny.event.endDate.toJSDate().getTime(), Date.parse('2026-03-08T07:30:00Z'));
  const utcIcs = buildInvite({ ...base, timeZone: 'UTC' });
  assert.ok(!utcIcs.includes('VTIMEZONE'));
  assert.match(utcIcs, /DTSTART:20261024T233000Z/);
  assert.equal(readBack(utcIcs).event.startDate.toJSDate().getTime(), base.start);
});

test('zone transitions come from the system: Berlin changes twice a year, Tokyo never', () => {
  const y = [Date.parse('2026-01-01T00:00:00Z'), Date.parse('2027-01-01T00:00:00Z')] as const;
  const berlin = zoneTransitions('Europe/Berlin', ...y);
  assert.deepEqual(
    berlin.map((t) => [new Date(t.at).toISOString(), t.fromMins, t.toMins, t.daylight]),
    [
      ['2026-03-29T01:00:00.000Z', 60, 120, true],
      ['2026-10-25T01:00:00.000Z', 120, 60, false],
    ],
  );
  assert.deepEqual(zoneTransitions('Asia/Tokyo', ...y), []);
});
