import type { CalendarEvent } from '../../../shared/model/event.js';

/** A confirmed, accepted, timed meeting for seeding a room's built-in calendar. */
export function event(id: string, title: string, start: string, end: string, organizer: string | null = null): CalendarEvent {
  return { id, title, organizer, start, end, allDay: false, status: 'confirmed', roomResponse: 'accepted', private: false, checkInRequired: false, checkedInAt: null, seriesId: null, bookedAt: null, bookedVia: 'provider' };
}
