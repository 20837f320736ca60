import { DateTime } from 'luxon';
import type { Attendee } from '../store/repos/booking-attendees.js';
import { contentLines, escapeText, paramValue } from './ical-text.js';
import { isUtcZone, vtimezoneLines } from './vtimezone.js';

/** What an invitation says about one booking (iMIP, RFC 6047; scheduling per RFC 5546). */
export interface InviteEvent {
  uid: string;
  sequence: number;
  method: 'REQUEST' | 'CANCEL';
  /** UTC instants (ms). */
  start: number;
  end: number;
  /** The room's IANA zone; UTC zones are written as UTC with no VTIMEZONE. */
  timeZone: string;
  summary: string;
  location: string;
  organizer: { email: string; name: string | null };
  attendees: readonly Attendee[];
  /** When this version was made (DTSTAMP). */
  stamp: number;
  url?: string | undefined;
}

const PRODID = '-//doorplate//mail//EN';

function utcStamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

const HOUR = 3_600_000;

/**
 * Whether the instant's wall time occurs twice in the zone (the hour repeated when clocks go
 * back). RFC 5545 reads such a time as the first occurrence but clients differ, so those
 * instants are written in UTC, which every client reads the same way.
 */
function ambiguousWallTime(ms: number, zone: string): boolean {
  const before = DateTime.fromMillis(ms - 3 * HOUR, { zone }).offset;
  const after = DateTime.fromMillis(ms + 3 * HOUR, { zone }).offset;
  if (before === after) return false;
  const wall = DateTime.fromMillis(ms, { zone }).toFormat("yyyyMMdd'T'HHmmss");
  const twin = ms + (DateTime.fromMillis(ms, { zone }).offset === before ? before - after : after - before) * 60_000;
  return DateTime.fromMillis(twin, { zone }).toFormat("yyyyMMdd'T'HHmmss") === wall;
}

function dateTime(name: string, ms: number, zone: string): string {
  if (isUtcZone(zone) || ambiguousWallTime(ms, zone)) return `${name}:${utcStamp(ms)}`;
  const local = DateTime.fromMillis(ms, { zone }).toFormat("yyyyMMdd'T'HHmmss");
  return `${name};TZID=${paramValue(zone)}:${local}`;
}

function person(prop: string, params: string[], email: string, name: string | null | undefined): string {
  const cn = name ? [`CN=${paramValue(name)}`] : [];
  return `${[prop, ...cn, ...params].join(';')}:mailto:${email}`;
}

/** The whole VCALENDAR object, CRLF-terminated and folded. */
export function buildInvite(e: InviteEvent): string {
  if (!(e.end > e.start)) throw new Error(`invite ${e.uid}: end must be after start`);
  const lines = ['BEGIN:VCALENDAR', `PRODID:${PRODID}`, 'VERSION:2.0', 'CALSCALE:GREGORIAN', `METHOD:${e.method}`];
  if (!isUtcZone(e.timeZone)) lines.push(...vtimezoneLines(e.timeZone, e.start, e.end));
  lines.push(
    'BEGIN:VEVENT',
    `UID:${e.uid}`,
    `DTSTAMP:${utcStamp(e.stamp)}`,
    `SEQUENCE:${e.sequence}`,
    dateTime('DTSTART', e.start, e.timeZone),
    dateTime('DTEND', e.end, e.timeZone),
    `SUMMARY:${escapeText(e.summary)}`,
    `LOCATION:${escapeText(e.location)}`,
    person('ORGANIZER', [], e.organizer.email, e.organizer.name),
  );
  for (const a of e.attendees) {
    lines.push(person('ATTENDEE', ['CUTYPE=INDIVIDUAL', 'ROLE=REQ-PARTICIPANT', 'PARTSTAT=NEEDS-ACTION', `RSVP=${e.method === 'REQUEST' ? 'TRUE' : 'FALSE'}`], a.email, a.name));
  }
  if (e.url) lines.push(`URL:${e.url}`);
  lines.push(`STATUS:${e.method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED'}`, 'TRANSP:OPAQUE', 'END:VEVENT', 'END:VCALENDAR');
  return contentLines(lines);
}
