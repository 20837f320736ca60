/** Real iCalendar objects for a room calendar, as calendar clients PUT them (Berlin week across the 2026 DST change). */

const BERLIN = `BEGIN:VTIMEZONE
TZID:Europe/Berlin
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE`;

export function vcalendar(...events: string[]): string {
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Example Corp.//Calendar 1.0//EN', BERLIN, ...events, 'END:VCALENDAR', ''].join('\r\n');
}

export function vevent(uid: string, lines: string[]): string {
  return ['BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260301T120000Z', ...lines, 'END:VEVENT'].join('\r\n');
}

const L = (local: string): string => `;TZID=Europe/Berlin:${local}`;

/** The week's objects by resource name. */
export function roomWeek(): Record<string, string> {
  return {
    'weekly.ics': vcalendar(
      vevent('weekly-1', [`DTSTART${L('20260316T100000')}`, `DTEND${L('20260316T110000')}`, 'SUMMARY:Team weekly', 'ORGANIZER;CN=Ana:mailto:ana@example.com', 'RRULE:FREQ=WEEKLY;COUNT=6', `EXDATE${L('20260406T100000')}`]),
      vevent('weekly-1', [`RECURRENCE-ID${L('20260330T100000')}`, `DTSTART${L('20260330T140000')}`, `DTEND${L('20260330T150000')}`, 'SUMMARY:Team weekly (moved)', 'ORGANIZER;CN=Ana:mailto:ana@example.com']),
    ),
    'allday.ics': vcalendar(vevent('allday-1', ['DTSTART;VALUE=DATE:20260331', 'DTEND;VALUE=DATE:20260401', 'SUMMARY:Offsite day'])),
    'multiday.ics': vcalendar(vevent('multi-1', [`DTSTART${L('20260325T130000')}`, `DTEND${L('20260327T120000')}`, 'SUMMARY:Workshop'])),
    'dst.ics': vcalendar(vevent('dst-1', [`DTSTART${L('20260329T013000')}`, `DTEND${L('20260329T033000')}`, 'SUMMARY:Night migration'])),
    'declined.ics': vcalendar(
      vevent('declined-1', [
        `DTSTART${L('20260328T150000')}`,
        `DTEND${L('20260328T160000')}`,
        'SUMMARY:Declined review',
        'ORGANIZER;CN=Bo:mailto:bo@example.com',
        'ATTENDEE;CUTYPE=ROOM;PARTSTAT=DECLINED;CN=Room 1:mailto:room1@example.com',
      ]),
    ),
    'private.ics': vcalendar(vevent('private-1', [`DTSTART${L('20260324T110000')}`, `DTEND${L('20260324T113000')}`, 'SUMMARY:Salary talk', 'CLASS:PRIVATE'])),
  };
}

/** The agenda the week gives from 2026-03-23 06:00Z, one line per event: start end title [flags]. */
export const EXPECTED_WEEK = [
  '2026-03-23T09:00:00.000Z 2026-03-23T10:00:00.000Z Team weekly',
  '2026-03-24T10:00:00.000Z 2026-03-24T10:30:00.000Z Salary talk [private]',
  '2026-03-25T12:00:00.000Z 2026-03-27T11:00:00.000Z Workshop',
  '2026-03-28T14:00:00.000Z 2026-03-28T15:00:00.000Z Declined review [declined]',
  '2026-03-29T00:30:00.000Z 2026-03-29T01:30:00.000Z Night migration',
  '2026-03-30T12:00:00.000Z 2026-03-30T13:00:00.000Z Team weekly (moved)',
  '2026-03-31 2026-04-01 Offsite day',
  '2026-04-13T08:00:00.000Z 2026-04-13T09:00:00.000Z Team weekly',
  '2026-04-20T08:00:00.000Z 2026-04-20T09:00:00.000Z Team weekly',
];
