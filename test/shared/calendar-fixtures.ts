import type { AgendaEvent, CalendarEvent, PrivacyMode } from '../../shared/model/event.js';
import type { CheckInPolicy, RoomPolicy } from '../../shared/model/room-state.js';

/** A stored event with ordinary defaults; dates (YYYY-MM-DD) make it all-day. */
export function ev(id: string, start: string, end: string, over: Partial<CalendarEvent> = {}): CalendarEvent {
  return {
    id,
    title: `Meeting ${id}`,
    organizer: `${id}@example.com`,
    start,
    end,
    allDay: start.length === 10 && end.length === 10,
    status: 'confirmed',
    roomResponse: 'accepted',
    private: false,
    checkInRequired: false,
    checkedInAt: null,
    seriesId: null,
    bookedAt: null,
    bookedVia: 'provider',
    ...over,
  };
}

/** The same event as a device receives it: no room response, privacy already applied. */
export function agendaEv(id: string, start: string, end: string, over: Partial<AgendaEvent> = {}): AgendaEvent {
  return {
    id,
    title: `Meeting ${id}`,
    organizer: `${id}@example.com`,
    start,
    end,
    allDay: start.length === 10 && end.length === 10,
    status: 'confirmed',
    private: false,
    checkInRequired: false,
    checkedInAt: null,
    ...over,
  };
}

export function policyOf(
  timeZone = 'Europe/Berlin',
  checkIn: Partial<CheckInPolicy> = {},
  privacy: PrivacyMode = 'full',
): RoomPolicy {
  return {
    room: 'atlas',
    timeZone,
    checkIn: { enabled: true, opensBeforeMins: 5, closesAfterMins: 10, ...checkIn },
    privacy,
  };
}

/** Epoch ms of an instant written with its offset. */
export function ms(instant: string): number {
  const t = Date.parse(instant);
  if (!Number.isFinite(t)) throw new Error(`fixture: bad instant ${instant}`);
  return t;
}

/** The engine's output format for an instant written with its offset. */
export function utc(instant: string): string {
  return new Date(ms(instant)).toISOString();
}
