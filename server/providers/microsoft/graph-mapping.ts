import type { CalendarEvent } from '../../../shared/model/event.js';
import type { GraphDateTime, GraphEvent } from './graph-types.js';
import { LONG_MEETING_MS } from '../../../shared/model/long-meeting.js';


/**
 * The extended property our bookings carry on the room's copy (the one they are written to):
 * how and when they were booked, whether they need check-in, and the organizer they named (the
 * room organizes them at Graph). A server with an empty store reads it back.
 */
export const BOOKING_PROPERTY = 'String {4c0b8f7e-3d2a-4e61-9b5f-1a7d6e2c9f30} Name doorplateBooking';

export interface BookingMeta {
  via: 'panel' | 'api';
  checkIn: boolean;
  bookedAt: string;
  organizer: string | null;
}

/** Our booking id (the transactionId of a create): `bk` and 32 hex digits, from the booking key. */
export function isBookingId(id: string | null | undefined): boolean {
  return typeof id === 'string' && /^bk[0-9a-f]{32}$/.test(id);
}

/** The booking fields an event carries, when it carries ours. */
export function bookingMetaOf(g: GraphEvent): BookingMeta | null {
  const raw = g.singleValueExtendedProperties?.find((p) => p.id.toLowerCase() === BOOKING_PROPERTY.toLowerCase())?.value;
  if (!raw) return null;
  try {
    const m = JSON.parse(raw) as Partial<BookingMeta>;
    if ((m.via !== 'panel' && m.via !== 'api') || typeof m.checkIn !== 'boolean' || typeof m.bookedAt !== 'string') return null;
    return { via: m.via, checkIn: m.checkIn, bookedAt: m.bookedAt, organizer: typeof m.organizer === 'string' ? m.organizer : null };
  } catch {
    return null;
  }
}
const UTC_NAMES = new Set(['utc', 'etc/utc', 'coordinated universal time', 'gmt', 'etc/gmt']);

/** `2026-03-02T10:00:00.0000000` in UTC (as asked for with `Prefer: outlook.timezone="UTC"`) to an instant. */
function instant(t: GraphDateTime | null | undefined, what: string, id: string): string {
  if (!t?.dateTime) throw new Error(`graph event ${id}: ${what} has no dateTime`);
  if (!UTC_NAMES.has((t.timeZone ?? '').toLowerCase())) throw new Error(`graph event ${id}: ${what} is in ${t.timeZone}, expected UTC`);
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,3})?\d*$/.exec(t.dateTime);
  if (!m) throw new Error(`graph event ${id}: ${what} ${JSON.stringify(t.dateTime)} is not a date-time`);
  // Graph writes seven fractional digits, nearly always zeros: keep milliseconds only when there are some.
  const ms = (m[2] ?? '').replace(/^\.?0*$/, '');
  return `${m[1]}${ms}Z`;
}

/** Graph's response names to ours. */
function response(r: string | null | undefined): CalendarEvent['roomResponse'] {
  switch (r) {
    case 'accepted':
    case 'organizer':
      return 'accepted';
    case 'declined':
      return 'declined';
    case 'tentativelyAccepted':
      return 'tentative';
    case 'none':
    case 'notResponded':
      return 'needsAction';
    default:
      return 'accepted';
  }
}

/**
 * A Graph event read from the room mailbox's calendar, as the room sees it. The room's own
 * answer is the event's responseStatus (the mailbox's own; in a copy it does not organize Graph
 * reports every attendee as `none`), else its attendee entry. An event shown as free does not
 * hold the room: it is kept as one the room declined. Fields Graph has no place for (check-in,
 * how and when we booked, the organizer the booking named) come from the stored copy, else from
 * our extended property; meetings we did not book need check-in when shorter than eight hours.
 */
export function toCalendarEvent(g: GraphEvent, localId: string, roomEmail: string, stored: CalendarEvent | null): CalendarEvent {
  const id = g.id ?? '';
  if (!id) throw new Error('graph event without id');
  const allDay = g.isAllDay === true;
  const startAt = instant(g.start, 'start', id);
  const endAt = instant(g.end, 'end', id);
  const start = allDay ? startAt.slice(0, 10) : startAt;
  const end = allDay ? endAt.slice(0, 10) : endAt;
  const mine = (g.attendees ?? []).find((a) => a.emailAddress?.address?.toLowerCase() === roomEmail.toLowerCase());
  const own = g.responseStatus?.response;
  const roomResponse = g.showAs === 'free' ? 'declined' : response(own && own !== 'none' ? own : (mine?.status?.response ?? own));
  const short = !allDay && Date.parse(endAt) - Date.parse(startAt) < LONG_MEETING_MS;
  const meta = stored && stored.bookedVia !== 'provider' ? { via: stored.bookedVia, checkIn: stored.checkInRequired, bookedAt: stored.bookedAt, organizer: stored.organizer } : bookingMetaOf(g);
  return {
    id: localId,
    title: g.subject ?? '',
    organizer: meta ? meta.organizer : g.organizer?.emailAddress?.name || g.organizer?.emailAddress?.address || null,
    start,
    end,
    allDay,
    status: g.isCancelled ? 'cancelled' : g.showAs === 'tentative' ? 'tentative' : 'confirmed',
    roomResponse,
    private: g.sensitivity === 'private' || g.sensitivity === 'confidential',
    checkInRequired: meta ? meta.checkIn : (stored?.checkInRequired ?? short),
    checkedInAt: stored?.checkedInAt ?? null,
    seriesId: g.seriesMasterId ?? null,
    bookedAt: meta ? meta.bookedAt : (stored?.bookedAt ?? null),
    bookedVia: meta ? meta.via : 'provider',
  };
}
