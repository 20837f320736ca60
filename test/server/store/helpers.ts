import type { CalendarEvent } from '../../../shared/model/event.js';

/** A confirmed timed event with the given fields overridden. */
export function event(over: Partial<CalendarEvent> & Pick<CalendarEvent, 'id'>): CalendarEvent {
  return {
    title: 'Meeting',
    organizer: 'Priya Natarajan',
    start: '2026-03-02T09:00:00Z',
    end: '2026-03-02T10:00:00Z',
    allDay: false,
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
