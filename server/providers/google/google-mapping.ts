import type { CalendarEvent } from '../../../shared/model/event.js';
import type { GoogleEvent, GoogleEventTime } from './google-types.js';
import { LONG_MEETING_MS } from '../../../shared/model/long-meeting.js';

/**
 * Keys under `extendedProperties.shared` where our bookings keep what Google has no field for.
 * Shared, not private: Google keeps private properties on the one copy they were written to
 * (the booking account's), and the room's copy, which is what we sync, would lose them.
 */
export const PROP = { via: 'doorplateVia', checkIn: 'doorplateCheckIn', bookedAt: 'doorplateBookedAt', organizer: 'doorplateOrganizer' } as const;

/** Our properties on a copy: shared ones, or private ones on copies written before they were shared. */
export function doorplateProps(g: GoogleEvent): Record<string, string> {
  return { ...(g.extendedProperties?.private ?? {}), ...(g.extendedProperties?.shared ?? {}) };
}

const RESPONSES = new Set(['accepted', 'declined', 'tentative', 'needsAction']);

function time(t: GoogleEventTime | null | undefined, what: string, id: string): { value: string; allDay: boolean } {
  if (t?.dateTime) return { value: t.dateTime, allDay: false };
  if (t?.date) return { value: t.date, allDay: true };
  throw new Error(`google event ${id}: ${what} has neither dateTime nor date`);
}

/**
 * A Google event as the room sees it. `checkedInAt` is ours alone (check-in is not written to
 * Google), so it is carried over from the stored copy. Meetings we did not book need check-in
 * when they are shorter than eight hours, the same rule the booking service applies to
 * bookings made for later. Our bookings show the organizer the booking named (Google makes the
 * booking account the organizer). A transparent ("free") event does not hold the room: it is
 * kept as one the room declined, so neither the panel nor a booking counts it.
 */
export function toCalendarEvent(g: GoogleEvent, roomEmail: string, stored: CalendarEvent | null): CalendarEvent {
  const id = g.id ?? '';
  if (!id) throw new Error('google event without id');
  const start = time(g.start, 'start', id);
  const end = time(g.end, 'end', id);
  const props = doorplateProps(g);
  const roomAttendee = (g.attendees ?? []).find((a) => a.email?.toLowerCase() === roomEmail.toLowerCase());
  const response = g.transparency === 'transparent' ? 'declined' : (roomAttendee?.responseStatus ?? 'accepted');
  const via = props[PROP.via];
  const allDay = start.allDay && end.allDay;
  const checkIn = props[PROP.checkIn];
  const short = !allDay && Date.parse(end.value) - Date.parse(start.value) < LONG_MEETING_MS;
  return {
    id,
    title: g.summary ?? '',
    // An empty organizer property: the booking named none (a walk-in at the panel).
    organizer: props[PROP.organizer] !== undefined ? props[PROP.organizer] || null : (g.organizer?.displayName ?? g.organizer?.email ?? null),
    start: start.value,
    end: end.value,
    allDay,
    status: g.status === 'tentative' ? 'tentative' : g.status === 'cancelled' ? 'cancelled' : 'confirmed',
    roomResponse: RESPONSES.has(response) ? (response as CalendarEvent['roomResponse']) : 'needsAction',
    private: g.visibility === 'private' || g.visibility === 'confidential',
    checkInRequired: checkIn === undefined ? short : checkIn === '1',
    checkedInAt: stored?.checkedInAt ?? null,
    seriesId: g.recurringEventId ?? null,
    bookedAt: props[PROP.bookedAt] ?? null,
    bookedVia: via === 'panel' || via === 'api' ? via : 'provider',
  };
}
