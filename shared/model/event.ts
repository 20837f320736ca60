import * as z from 'zod';

/** An instant with its UTC offset (`2026-03-02T09:00:00+01:00`) or `Z`. */
export const Instant = z.iso.datetime({ offset: true });
/** A calendar date (`2026-03-02`), used for all-day events; read in the room's time zone. */
export const CalendarDate = z.iso.date();

export const EventStatus = z.enum(['confirmed', 'tentative', 'cancelled']);
export const RoomResponse = z.enum(['accepted', 'declined', 'tentative', 'needsAction']);
export const BookedVia = z.enum(['panel', 'api', 'provider']);

/**
 * One event on a room's calendar as the server stores it (all providers map to this).
 * For all-day events `start` and `end` are dates and `end` is exclusive, as in iCalendar.
 */
export const CalendarEventSchema = z
  .object({
    id: z.string().min(1).max(1024),
    title: z.string().max(1024),
    organizer: z.string().max(320).nullable(),
    start: z.union([Instant, CalendarDate]),
    end: z.union([Instant, CalendarDate]),
    allDay: z.boolean(),
    status: EventStatus,
    roomResponse: RoomResponse,
    private: z.boolean(),
    checkInRequired: z.boolean(),
    checkedInAt: Instant.nullable(),
    seriesId: z.string().max(1024).nullable(),
    bookedAt: Instant.nullable(),
    bookedVia: BookedVia,
  })
  .refine((e) => e.allDay === (e.start.length === 10 && e.end.length === 10), {
    message: 'all-day events take dates, timed events take instants',
    path: ['allDay'],
  });
export type CalendarEvent = z.infer<typeof CalendarEventSchema>;

export const PrivacyMode = z.enum(['full', 'organizer', 'private']);
export type PrivacyMode = z.infer<typeof PrivacyMode>;

/**
 * An event as it leaves the server (MQTT agenda, REST, stream, kiosk page): privacy applied.
 * `title` null means hidden; panels show a localized "Private meeting".
 */
export const AgendaEventSchema = z.object({
  id: z.string().min(1).max(1024),
  title: z.string().max(1024).nullable(),
  organizer: z.string().max(320).nullable(),
  start: z.union([Instant, CalendarDate]),
  end: z.union([Instant, CalendarDate]),
  allDay: z.boolean(),
  status: EventStatus,
  private: z.boolean(),
  checkInRequired: z.boolean(),
  checkedInAt: Instant.nullable(),
});
export type AgendaEvent = z.infer<typeof AgendaEventSchema>;
