import ICAL from 'ical.js';
import type { BookingRequest } from '../provider.js';
import { roomAttendee, X_PROP } from './expand.js';
import { ZoneResolver } from './ical-zones.js';

const PRODID = '-//doorplate//room displays//EN';

function utc(iso: string): ICAL.Time {
  return ICAL.Time.fromJSDate(new Date(iso), true);
}

/** The calendar object a booking becomes on a CalDAV room calendar. */
export function bookingICalendar(req: BookingRequest, uid: string, bookedAt: string): string {
  const cal = new ICAL.Component('vcalendar');
  cal.addPropertyWithValue('version', '2.0');
  cal.addPropertyWithValue('prodid', PRODID);
  const ev = new ICAL.Component('vevent');
  ev.addPropertyWithValue('uid', uid);
  ev.addPropertyWithValue('dtstamp', utc(bookedAt));
  ev.addPropertyWithValue('dtstart', utc(req.start));
  ev.addPropertyWithValue('dtend', utc(req.end));
  ev.addPropertyWithValue('summary', req.title);
  const people = req.attendees ?? [];
  const named = req.organizer && /^[^\s@]+@[^\s@]+$/.test(req.organizer) ? req.organizer : null;
  const organizerAddress = people.length ? (req.organizerAddress ?? named) : named;
  if (organizerAddress) {
    const organizer = ev.addPropertyWithValue('organizer', `mailto:${organizerAddress}`);
    if (req.organizer && req.organizer !== organizerAddress) organizer.setParameter('cn', req.organizer);
  }
  // The name the booking gave (none: empty) is what the panels show, whoever sends the invitations.
  if (people.length || (req.organizer && !named)) ev.addPropertyWithValue(X_PROP.organizer, req.organizer ?? '');
  // A server with scheduling (RFC 6638) invites them from the ORGANIZER's account; one without keeps the lines only.
  for (const a of people) {
    const attendee = ev.addPropertyWithValue('attendee', `mailto:${a.email}`);
    if (a.name) attendee.setParameter('cn', a.name);
    attendee.setParameter('cutype', 'INDIVIDUAL');
    attendee.setParameter('role', 'REQ-PARTICIPANT');
    attendee.setParameter('partstat', 'NEEDS-ACTION');
    attendee.setParameter('rsvp', 'TRUE');
  }
  ev.addPropertyWithValue(X_PROP.via, req.bookedVia);
  ev.addPropertyWithValue(X_PROP.checkIn, req.checkInRequired ? '1' : '0');
  ev.addPropertyWithValue(X_PROP.bookedAt, bookedAt);
  cal.addSubcomponent(ev);
  return cal.toString();
}

/** An instance key from an event id (`…/20260302T080000Z` or `…/20260302`) as the instant or date it names. */
function keyMatches(rid: ICAL.Time, tzid: string | null, key: string, zones: ZoneResolver): boolean {
  if (/^\d{8}$/.test(key)) return rid.isDate && `${rid.year}${String(rid.month).padStart(2, '0')}${String(rid.day).padStart(2, '0')}` === key;
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(key);
  if (!m || rid.isDate) return false;
  return zones.instant(rid, tzid) === Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
}

function tzid(prop: ICAL.Property | null): string | null {
  const p = prop?.getParameter('tzid');
  return typeof p === 'string' ? p : null;
}

interface Target {
  cal: ICAL.Component;
  master: ICAL.Component | null;
  /** The component to change: the master for a single event, the instance's override (made if needed). */
  comp: ICAL.Component | null;
}

/** One instance of a series as the store holds it: its key in the event id and its current times. */
export interface InstanceRef {
  key: string;
  start: string;
  end: string;
}

/** Finds the component an event id stands for; makes an override for an instance that has none yet. */
function target(text: string, instance: InstanceRef | null): Target {
  const cal = new ICAL.Component(ICAL.parse(text) as unknown[]);
  const zones = new ZoneResolver(cal, 'UTC');
  const events = cal.getAllSubcomponents('vevent');
  const master = events.find((e) => !e.hasProperty('recurrence-id')) ?? null;
  if (instance === null) return { cal, master, comp: master };
  const override = events.find((e) => {
    const p = e.getFirstProperty('recurrence-id');
    const v = p?.getFirstValue();
    return v instanceof ICAL.Time && keyMatches(v, tzid(p), instance.key, zones);
  });
  if (override) return { cal, master, comp: override };
  if (!master) return { cal, master, comp: null };
  const copy = new ICAL.Component(JSON.parse(JSON.stringify(master.toJSON())) as unknown[]);
  for (const name of ['rrule', 'rdate', 'exdate', 'recurrence-id', 'dtstart', 'dtend', 'duration']) copy.removeAllProperties(name);
  if (/^\d{8}$/.test(instance.key)) {
    const date = (d: string): ICAL.Time => ICAL.Time.fromDateString(d);
    copy.addPropertyWithValue('recurrence-id', date(instance.start));
    copy.addPropertyWithValue('dtstart', date(instance.start));
    copy.addPropertyWithValue('dtend', date(instance.end));
  } else {
    // The instant of the original occurrence, in UTC: readers match it by instant, whatever the series' zone.
    const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(instance.key);
    if (!m) return { cal, master, comp: null };
    copy.addPropertyWithValue('recurrence-id', utc(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`));
    copy.addPropertyWithValue('dtstart', utc(instance.start));
    copy.addPropertyWithValue('dtend', utc(instance.end));
  }
  cal.addSubcomponent(copy);
  return { cal, master, comp: copy };
}

/** Moves the end of an event or of one instance; null when the calendar object no longer holds it. */
export function withEnd(text: string, instance: InstanceRef | null, end: string, nowIso: string): string | null {
  const t = target(text, instance);
  if (!t.comp) return null;
  t.comp.removeAllProperties('duration');
  t.comp.removeAllProperties('dtend');
  t.comp.addPropertyWithValue('dtend', utc(end));
  bumpSequence(t.comp, nowIso);
  return t.cal.toString();
}

/**
 * Frees the room from an event or one instance: the room's attendee declines when it has one;
 * otherwise an instance is excluded from its series. Returns `delete` when the whole object
 * should go, null when there is nothing left to free.
 */
export function released(text: string, instance: InstanceRef | null, roomAddress: string | null, nowIso: string): string | 'delete' | null {
  const t = target(text, instance);
  if (!t.comp) return null;
  const attendee = roomAttendee(t.comp, roomAddress);
  if (attendee) {
    if (String(attendee.getParameter('partstat') ?? '').toUpperCase() === 'DECLINED') return null;
    attendee.setParameter('partstat', 'DECLINED');
    bumpSequence(t.comp, nowIso);
    return t.cal.toString();
  }
  if (instance === null) return 'delete';
  t.comp.updatePropertyWithValue('status', 'CANCELLED');
  bumpSequence(t.comp, nowIso);
  return t.cal.toString();
}

function bumpSequence(comp: ICAL.Component, nowIso: string): void {
  const seq = Number(comp.getFirstPropertyValue('sequence') ?? 0);
  comp.updatePropertyWithValue('sequence', Number.isFinite(seq) ? seq + 1 : 1);
  comp.removeAllProperties('dtstamp');
  comp.addPropertyWithValue('dtstamp', utc(nowIso));
}
