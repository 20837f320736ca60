import type { CalendarEvent } from '../../shared/model/event.js';
import { parseEvent } from '../store/repos/events.js';
import type { BookingRequest } from './provider.js';

/** The event a booking becomes on the room's calendar, whichever provider holds it. */
export function bookedEvent(req: BookingRequest, id: string, bookedAt: string): CalendarEvent {
  return parseEvent(req.roomId, {
    id,
    title: req.title,
    organizer: req.organizer,
    start: req.start,
    end: req.end,
    allDay: false,
    status: 'confirmed',
    roomResponse: 'accepted',
    private: false,
    checkInRequired: req.checkInRequired,
    checkedInAt: null,
    seriesId: null,
    bookedAt,
    bookedVia: req.bookedVia,
  } satisfies CalendarEvent);
}
