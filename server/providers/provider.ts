import type { CalendarEvent } from '../../shared/model/event.js';

/** A booking as the bookings service asks for it; times are instants with offsets. */
export interface BookingRequest {
  /** Idempotency key: the same key twice books once. */
  key: string;
  roomId: string;
  start: string;
  end: string;
  title: string;
  organizer: string | null;
  bookedVia: 'panel' | 'api';
  checkInRequired: boolean;
}

/** A room as the provider's directory lists it (Admin SDK resources, Graph places, ...). */
export interface ProviderResource {
  id: string;
  name: string;
  email: string | null;
  capacity: number | null;
}

/**
 * What every calendar adapter (local, google, microsoft, caldav, ics) does for the server.
 *
 * Reads go through the store: a provider keeps the store's copy of each room's events current
 * and everyone else reads the store. Writes go to the calendar first and then into the store,
 * so a display never shows a booking the calendar does not have. Errors are DoorplateErrors:
 * ROOM_NOT_FOUND, MEETING_NOT_FOUND, CONFLICT (details.conflicting = {id, start, end}),
 * READ_ONLY, PROVIDER_UNAVAILABLE.
 */
export interface CalendarProvider {
  readonly kind: string;
  /** Feeds that cannot take writes (ics): every write refuses with READ_ONLY. */
  readonly readOnly: boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Bring the store's copy of the room's events up to date (full or incremental). Returns whether events changed. */
  sync(roomId: string): Promise<{ changed: boolean }>;
  /** Exactly-once: the same key twice creates one event and returns it both times. */
  book(req: BookingRequest): Promise<CalendarEvent>;
  /** Change the end (extend or end early). */
  setEnd(roomId: string, eventId: string, end: string): Promise<CalendarEvent>;
  /** Releases the room; cancelling an already cancelled event does nothing. */
  cancel(roomId: string, eventId: string): Promise<void>;
  /** Marks the meeting as started; a second check-in keeps the first time. */
  checkIn(roomId: string, eventId: string, at: string): Promise<CalendarEvent>;
  /** Called by the provider whenever a room's stored events changed (push, poll, own writes). Returns an unsubscribe function. */
  onRoomChanged(listener: (roomId: string) => void): () => void;
  listResources?(): Promise<ProviderResource[]>;
}
