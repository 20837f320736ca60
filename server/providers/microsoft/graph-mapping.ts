import type { CalendarEvent } from '../../../shared/model/event.js';
import type { GraphDateTime, GraphEvent } from './graph-types.js';

const EIGHT_HOURS = 8 * 3_600_000;
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
 * answer comes from its attendee entry, else from the event's responseStatus (which is the
 * mailbox's own). Fields Graph has no place for (check-in, how and when we booked) are carried
 * over from the stored copy; meetings we did not book need check-in when shorter than eight hours.
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
  const roomResponse = response(mine?.status?.response ?? g.responseStatus?.response);
  const short = !allDay && Date.parse(endAt) - Date.parse(startAt) < EIGHT_HOURS;
  return {
    id: localId,
    title: g.subject ?? '',
    organizer: g.organizer?.emailAddress?.name || g.organizer?.emailAddress?.address || null,
    start,
    end,
    allDay,
    status: g.isCancelled ? 'cancelled' : g.showAs === 'tentative' ? 'tentative' : 'confirmed',
    roomResponse,
    private: g.sensitivity === 'private' || g.sensitivity === 'confidential',
    checkInRequired: stored?.checkInRequired ?? short,
    checkedInAt: stored?.checkedInAt ?? null,
    seriesId: g.seriesMasterId ?? null,
    bookedAt: stored?.bookedAt ?? null,
    bookedVia: stored?.bookedVia ?? 'provider',
  };
}
