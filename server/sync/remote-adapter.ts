import type { CalendarEvent } from '../../shared/model/event.js';
import type { BookingRequest } from '../providers/provider.js';
import type { Busy } from './busy-compare.js';

/** A room as the remote core hands it to an adapter: its id and the provider's calendar for it. */
export interface RemoteRoom {
  id: string;
  /** Google resource email, Graph room mailbox, CalDAV collection URL... (`rooms[].calendar`). */
  calendar: string;
  /** The room's zone (its own or the site's): all-day events are read in it. */
  timeZone: string;
}

/** A meeting at the provider that takes the slot a booking asked for (no title: it may be private). */
export interface SlotConflict {
  id: string | null;
  start: string;
  end: string;
}

/**
 * What one calendar provider adds to the remote core (server/sync/remote-calendar.ts). The core
 * owns the request budget and runner, the outbox worker, the scheduler (one sync per room at a
 * time, polls, staleness), the local mirror and its undo, and the safety net; the adapter only
 * speaks the provider's API. Writes are plain JSON (the outbox keeps them across restarts) and
 * must be safe to send twice.
 */
export interface RemoteAdapter<W extends { op: string }> {
  /** As people read it in errors: "Google", "Microsoft Graph". */
  readonly label: string;
  /** Brings the store's copy of one room up to date. A full sync keeps the `pending` ids (local writes not yet sent). */
  syncRoom(room: RemoteRoom, pending: ReadonlySet<string>): Promise<{ changed: boolean }>;
  /** The write that creates a booking with this id. */
  bookWrite(req: BookingRequest, id: string, bookedAt: string, room: RemoteRoom): W;
  /** The write that moves a meeting's end. */
  endWrite(current: CalendarEvent, end: string, room: RemoteRoom): W;
  /** The write that releases the room from a meeting (our booking: remove it; someone's: decline). */
  releaseWrite(current: CalendarEvent, room: RemoteRoom): W;
  /** Sends one write; resolves once the provider has it. Throws ProviderRequestError (or what the runner makes of it). */
  sendWrite(write: W, roomId: string): Promise<void>;
  /** The local id of the event a write creates, or null. */
  createdId(write: W): string | null;
  /** A create was refused for good: forget what the adapter keeps for it (id maps). */
  forget?(roomId: string, write: W): void;
  /**
   * Free/busy for many calendars in as few requests as the provider allows (the safety net);
   * providers without it leave it out and have no safety net.
   */
  busy?(calendars: readonly string[], from: string, to: string): Promise<Map<string, Busy>>;
  /** How many calendars one `busy` call takes (50 when left out). */
  readonly busyChunk?: number;
  /** The meetings at the provider that overlap `[start, end)`, checked before a booking is confirmed. */
  conflicts?(room: RemoteRoom, start: string, end: string): Promise<SlotConflict[]>;
  /** Push subscriptions; absent when the provider only polls. */
  readonly push?: RemotePush | null;
}

/** Push subscriptions of one provider: opened before the first sync, so no change falls in between. */
export interface RemotePush {
  start(): Promise<void>;
  stop(): void;
}
