import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import { DoorplateError } from '../../../shared/errors.js';
import type { CalendarEvent } from '../../../shared/model/event.js';
import { ZoneResolver } from './ical-zones.js';
import { LONG_MEETING_MS } from '../../../shared/model/long-meeting.js';

export interface ExpandOptions {
  /** The room's zone: all-day dates and floating times are read in it. */
  roomZone: string;
  /** The window instances must overlap, epoch ms. */
  fromMs: number;
  toMs: number;
  /** The id prefix of this object's events (a CalDAV resource name); each UID's own when absent. */
  idBase?: string;
  /** The room's calendar address (`mailto:room@example.com`), besides CUTYPE=ROOM/RESOURCE, to find its attendee. */
  roomAddress?: string | null;
}

/** Properties our own bookings carry for what iCalendar has no field for. */
export const X_PROP = { via: 'x-doorplate-via', checkIn: 'x-doorplate-checkin', bookedAt: 'x-doorplate-booked-at', organizer: 'x-doorplate-organizer' } as const;

const DAY = 86_400_000;
/** Occurrences walked per series at most: a daily series since 1990 stays well inside. */
const MAX_STEPS = 20_000;

/** Parses iCalendar text; anything that is not a VCALENDAR is refused with `where: message`. */
export function parseICalendar(text: string, where: string): ICAL.Component {
  let parsed: unknown;
  try {
    parsed = ICAL.parse(text);
  } catch (e) {
    throw new DoorplateError('VALIDATION', `${where}: not iCalendar data (${(e as Error).message.split('\n')[0]})`);
  }
  const jcal = Array.isArray(parsed) && typeof parsed[0] === 'string' ? parsed : Array.isArray(parsed) ? (parsed[0] as unknown) : null;
  if (!Array.isArray(jcal) || jcal[0] !== 'vcalendar') throw new DoorplateError('VALIDATION', `${where}: not iCalendar data (no VCALENDAR)`);
  return new ICAL.Component(jcal as unknown[]);
}

/** The key of an occurrence: `20260302` for a date, `20260302T080000Z` for an instant. */
function occurrenceKey(ms: number, allDay: boolean, date: string | null): string {
  if (allDay && date) return date.replaceAll('-', '');
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

interface Moment {
  ms: number;
  /** `YYYY-MM-DD` for DATE values. */
  date: string | null;
}

/**
 * Expands one iCalendar object into the room's events overlapping the window: recurrences with
 * their overridden instances (matched by instant, so a RECURRENCE-ID in UTC finds a series in a
 * local zone), EXDATEs, cancelled and transparent instances left out.
 */
export function expandCalendar(cal: ICAL.Component, opts: ExpandOptions): CalendarEvent[] {
  const zones = new ZoneResolver(cal, opts.roomZone);
  const moment = (comp: ICAL.Component, name: string): Moment | null => {
    const prop = comp.getFirstProperty(name);
    const t = prop?.getFirstValue();
    if (!prop || !(t instanceof ICAL.Time)) return null;
    return toMoment(t, tzidOf(prop), zones, opts.roomZone);
  };
  const byUid = new Map<string, { master: ICAL.Component | null; overrides: ICAL.Component[] }>();
  for (const ve of cal.getAllSubcomponents('vevent')) {
    const uid = String(ve.getFirstPropertyValue('uid') ?? '');
    if (!uid) continue;
    const entry = byUid.get(uid) ?? { master: null, overrides: [] };
    if (ve.hasProperty('recurrence-id')) entry.overrides.push(ve);
    else entry.master = ve;
    byUid.set(uid, entry);
  }
  const out: CalendarEvent[] = [];
  const push = (comp: ICAL.Component, id: string, seriesId: string | null, start: Moment, end: Moment): void => {
    const allDay = start.date !== null;
    const endMs = allDay ? dayStart(end.date ?? start.date!, opts.roomZone) : end.ms;
    const startMs = allDay ? dayStart(start.date!, opts.roomZone) : start.ms;
    if (!(startMs < opts.toMs && Math.max(endMs, startMs + 1) > opts.fromMs)) return;
    const e = toEvent(comp, { id, seriesId, start, end, opts });
    if (e) out.push(e);
  };
  for (const [uid, { master, overrides }] of byUid) {
    const base = opts.idBase ?? uid;
    const byInstant = new Map<number, ICAL.Component>();
    for (const o of overrides) {
      const rid = moment(o, 'recurrence-id');
      if (rid) byInstant.set(rid.date ? dayStart(rid.date, opts.roomZone) : rid.ms, o);
    }
    const emitOverride = (o: ICAL.Component): void => {
      const rid = moment(o, 'recurrence-id');
      const start = moment(o, 'dtstart');
      if (!rid || !start) return;
      push(o, `${base}/${occurrenceKey(rid.ms, rid.date !== null, rid.date)}`, uid, start, endOf(o, start, moment));
    };
    if (!master) {
      // Only some instances reach this calendar (the room was invited to them alone).
      for (const o of overrides) emitOverride(o);
      continue;
    }
    const start = moment(master, 'dtstart');
    if (!start) continue;
    const end = endOf(master, start, moment);
    const recurring = master.hasProperty('rrule') || master.hasProperty('rdate');
    if (!recurring) {
      push(master, base, null, start, end);
      continue;
    }
    const excluded = new Set<number>();
    for (const prop of master.getAllProperties('exdate')) {
      for (const v of prop.getValues()) {
        if (v instanceof ICAL.Time) {
          const m = toMoment(v, tzidOf(prop), zones, opts.roomZone);
          excluded.add(m.date ? dayStart(m.date, opts.roomZone) : m.ms);
        }
      }
    }
    const used = new Set<ICAL.Component>();
    const allDay = start.date !== null;
    const length = allDay ? 0 : end.ms - start.ms;
    const days = allDay ? Math.round((Date.parse(`${end.date}T00:00:00Z`) - Date.parse(`${start.date}T00:00:00Z`)) / DAY) : 0;
    const dtstartProp = master.getFirstProperty('dtstart')!;
    const expansion = new ICAL.RecurExpansion({ component: master, dtstart: dtstartProp.getFirstValue() as ICAL.Time });
    for (let step = 0; step < MAX_STEPS; step++) {
      const next = expansion.next();
      if (!next) break;
      const occ = toMoment(next, tzidOf(dtstartProp), zones, opts.roomZone);
      const key = occ.date ? dayStart(occ.date, opts.roomZone) : occ.ms;
      if (key >= opts.toMs) break;
      if (excluded.has(key)) continue;
      const override = byInstant.get(key);
      if (override) {
        used.add(override);
        emitOverride(override);
        continue;
      }
      const occEnd: Moment = occ.date ? { ms: 0, date: addDays(occ.date, days) } : { ms: occ.ms + length, date: null };
      push(master, `${base}/${occurrenceKey(occ.ms, allDay, occ.date)}`, uid, occ, occEnd);
    }
    // Instances moved here from outside the walked range (from after the window, say).
    for (const o of overrides) if (!used.has(o) && !excluded.has(keyOf(o, moment, opts.roomZone))) emitOverride(o);
  }
  return out;
}

function keyOf(o: ICAL.Component, moment: (c: ICAL.Component, n: string) => Moment | null, zone: string): number {
  const rid = moment(o, 'recurrence-id');
  if (!rid) return Number.NaN;
  return rid.date ? dayStart(rid.date, zone) : rid.ms;
}

function tzidOf(prop: ICAL.Property): string | null {
  const p = prop.getParameter('tzid');
  return typeof p === 'string' ? p : null;
}

function toMoment(t: ICAL.Time, tzid: string | null, zones: ZoneResolver, roomZone: string): Moment {
  if (t.isDate) {
    const date = `${String(t.year).padStart(4, '0')}-${String(t.month).padStart(2, '0')}-${String(t.day).padStart(2, '0')}`;
    return { ms: dayStart(date, roomZone), date };
  }
  return { ms: zones.instant(t, tzid), date: null };
}

function endOf(comp: ICAL.Component, start: Moment, moment: (c: ICAL.Component, n: string) => Moment | null): Moment {
  const end = moment(comp, 'dtend');
  if (end && (start.date === null) === (end.date === null)) return end;
  const duration = comp.getFirstPropertyValue('duration');
  if (duration instanceof ICAL.Duration) {
    if (start.date) return { ms: 0, date: addDays(start.date, Math.max(1, Math.round(duration.toSeconds() / 86_400))) };
    return { ms: start.ms + duration.toSeconds() * 1000, date: null };
  }
  // RFC 5545: without DTEND or DURATION a date lasts one day and a date-time takes no time.
  return start.date ? { ms: 0, date: addDays(start.date, 1) } : { ms: start.ms, date: null };
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

function dayStart(date: string, zone: string): number {
  return DateTime.fromISO(date, { zone }).toMillis();
}

const PARTSTAT: Record<string, CalendarEvent['roomResponse']> = {
  ACCEPTED: 'accepted',
  DECLINED: 'declined',
  TENTATIVE: 'tentative',
  'NEEDS-ACTION': 'needsAction',
  DELEGATED: 'declined',
};

/** The room's own attendee line: its address, else the one attendee marked as a room or resource. */
export function roomAttendee(comp: ICAL.Component, roomAddress: string | null | undefined): ICAL.Property | null {
  const attendees = comp.getAllProperties('attendee');
  const addr = roomAddress?.toLowerCase().replace(/^mailto:/, '');
  if (addr) {
    const hit = attendees.find((a) => String(a.getFirstValue()).toLowerCase().replace(/^mailto:/, '') === addr);
    if (hit) return hit;
  }
  const rooms = attendees.filter((a) => {
    const cutype = String(a.getParameter('cutype') ?? '').toUpperCase();
    return cutype === 'ROOM' || cutype === 'RESOURCE';
  });
  return rooms.length === 1 ? rooms[0]! : null;
}

function text(comp: ICAL.Component, name: string): string | null {
  const v = comp.getFirstPropertyValue(name);
  return v === null || v === undefined ? null : String(v);
}

function toEvent(comp: ICAL.Component, p: { id: string; seriesId: string | null; start: Moment; end: Moment; opts: ExpandOptions }): CalendarEvent | null {
  const status = text(comp, 'status')?.toUpperCase();
  if (status === 'CANCELLED') return null;
  // A transparent event shows the time as free: it does not hold the room.
  if (text(comp, 'transp')?.toUpperCase() === 'TRANSPARENT') return null;
  const allDay = p.start.date !== null;
  const start = allDay ? p.start.date! : new Date(p.start.ms).toISOString();
  const end = allDay ? (p.end.date ?? p.start.date!) : new Date(Math.max(p.end.ms, p.start.ms)).toISOString();
  const attendee = roomAttendee(comp, p.opts.roomAddress);
  const partstat = String(attendee?.getParameter('partstat') ?? 'ACCEPTED').toUpperCase();
  const organizerProp = comp.getFirstProperty('organizer');
  const cn = organizerProp?.getParameter('cn');
  // Our own bookings name their organizer in the X- property (empty: none named), whoever sends their invitations.
  const ours = text(comp, X_PROP.organizer);
  const organizer = ours !== null ? ours : typeof cn === 'string' && cn ? cn : organizerProp ? String(organizerProp.getFirstValue()).replace(/^mailto:/i, '') : null;
  const klass = text(comp, 'class')?.toUpperCase();
  const via = text(comp, X_PROP.via);
  const checkIn = text(comp, X_PROP.checkIn);
  const short = !allDay && p.end.ms - p.start.ms < LONG_MEETING_MS;
  const bookedAt = text(comp, X_PROP.bookedAt);
  return {
    id: p.id,
    title: (text(comp, 'summary') ?? '').slice(0, 1024),
    organizer: organizer ? organizer.slice(0, 320) : null,
    start,
    end,
    allDay,
    status: status === 'TENTATIVE' ? 'tentative' : 'confirmed',
    roomResponse: attendee ? (PARTSTAT[partstat] ?? 'needsAction') : 'accepted',
    private: klass === 'PRIVATE' || klass === 'CONFIDENTIAL',
    checkInRequired: checkIn === null ? short : checkIn === '1',
    checkedInAt: null,
    seriesId: p.seriesId,
    bookedAt: bookedAt && !Number.isNaN(Date.parse(bookedAt)) ? bookedAt : null,
    bookedVia: via === 'panel' || via === 'api' ? via : 'provider',
  };
}
