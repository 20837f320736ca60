import type { CalendarEvent } from '../../shared/model/event.js';

/** A person a booking invites. */
export interface BookingAttendee {
  email: string;
  name?: string | undefined;
}

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
  /**
   * People to invite. A remote calendar (Google, Microsoft, CalDAV) gets them on the event and
   * invites them itself; the built-in calendar leaves them to the mail part.
   */
  attendees?: readonly BookingAttendee[] | undefined;
  /** The address that invites them (the booking's organizer, or the site's sender); null without attendees. */
  organizerAddress?: string | null | undefined;
}

/** A room as the provider's directory lists it (Admin SDK resources, Graph places, ...). */
export interface ProviderResource {
  id: string;
  name: string;
  email: string | null;
  capacity: number | null;
}

/** A push subscription as the admin sees it: never its token or the token's hash. */
export interface ProviderChannel {
  id: string;
  roomId: string;
  provider: string;
  /** Epoch ms: the provider stops sending after this unless the channel is renewed. */
  expiresAt: number;
}

/** A push subscription as the store held it, for a provider to stop after its room was removed. */
export interface StoredChannel extends ProviderChannel {
  resourceId: string | null;
}

export interface ChannelRenewal {
  /** The channels opened by this run (a room's old channel is stopped once its new one is open). */
  opened: ProviderChannel[];
  failed: Array<{ roomId: string; error: string }>;
}

/**
 * What every calendar adapter (local, google, microsoft, caldav, ics) does for the server.
 *
 * Reads go through the store: a provider keeps the store's copy of each room's events current
 * and everyone else reads the store. Remote providers record a write in the store together with
 * an outbox row, then send it (later, when the calendar cannot be reached); a write the calendar
 * refuses for good is rolled back in the store. Errors are DoorplateErrors: ROOM_NOT_FOUND,
 * MEETING_NOT_FOUND, CONFLICT (details.conflicting = {id, start, end}), READ_ONLY,
 * PROVIDER_REFUSED (the calendar said no; details.reason), PROVIDER_UNAVAILABLE.
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
  /** Push subscriptions (Google channels, Graph subscriptions); providers without push leave these out. */
  listChannels?(): ProviderChannel[];
  /** Stops one subscription at the provider and forgets it; false when there is no such subscription. */
  stopChannel?(id: string): Promise<boolean>;
  /** Stops every subscription; returns how many. They open again at the next renewal run. */
  stopAllChannels?(): Promise<number>;
  /** Opens subscriptions for rooms without a live one and replaces those due for renewal (all of them with `all`). */
  renewChannels?(opts: { all: boolean }): Promise<ChannelRenewal>;
  /** The rooms of these subscriptions were taken out of the config (the store has dropped them): stop them at the provider. */
  stopRemovedChannels?(channels: readonly StoredChannel[]): Promise<void>;
}
