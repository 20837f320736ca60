import type { Clock } from '../../../shared/clock.js';
import { DoorplateError } from '../../../shared/errors.js';
import { QUALIFIED_INSTANT } from '../../../shared/instant.js';
import { createLogger, type Logger } from '../../../shared/logger.js';
import type { CalendarEvent } from '../../../shared/model/event.js';
import type { Store } from '../../store/store.js';
import { parseEvent } from '../../store/repos/events.js';
import type { BookingRequest, CalendarProvider, ProviderResource } from '../provider.js';
import { bookingEventId } from './booking-id.js';
import { bookedEvent } from '../booked-event.js';
import { firstOverlap } from './overlaps.js';

export interface LocalProviderOptions {
  store: Store;
  clock: Clock;
  /** The zone all-day events are read in for rooms without their own (the site's zone). */
  defaultTimeZone: string;
  logger?: Logger;
}

function instantMs(value: string, where: string): number {
  const ms = QUALIFIED_INSTANT.test(value) ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) throw new DoorplateError('VALIDATION', `${where}: ${JSON.stringify(value)} is not an ISO instant with offset`);
  return ms;
}

/**
 * The built-in calendar: the store is the calendar, so there is nothing to fetch and every
 * write is checked and applied inside one SQLite transaction, safe on its own even without
 * the bookings service in front of it.
 */
export class LocalProvider implements CalendarProvider {
  readonly kind = 'local';
  readonly readOnly = false;
  private readonly listeners = new Set<(roomId: string) => void>();
  private readonly log: Logger;

  constructor(private readonly opts: LocalProviderOptions) {
    this.log = opts.logger ?? createLogger('server:provider:local');
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  /** Nothing to fetch: the stored events are the calendar. Still refuses an unknown room. */
  async sync(roomId: string): Promise<{ changed: boolean }> {
    this.roomZone(roomId);
    return { changed: false };
  }

  async book(req: BookingRequest): Promise<CalendarEvent> {
    const startMs = instantMs(req.start, 'booking.start');
    const endMs = instantMs(req.end, 'booking.end');
    if (endMs <= startMs) throw new DoorplateError('VALIDATION', 'booking.end: must be after start');
    if (req.key.length === 0) throw new DoorplateError('VALIDATION', 'booking.key: must not be empty');
    const id = bookingEventId(req.key);
    const { event, created } = this.opts.store.transaction(() => {
      const zone = this.roomZone(req.roomId);
      const existing = this.opts.store.events.get(req.roomId, id);
      if (existing) return { event: existing, created: false };
      this.refuseOverlap(req.roomId, startMs, endMs, zone);
      const booked = bookedEvent(req, id, new Date(this.opts.clock.now()).toISOString());
      this.opts.store.events.upsert(req.roomId, booked);
      return { event: booked, created: true };
    });
    if (created) {
      this.log.info({ room: req.roomId, event: id, start: req.start, end: req.end, via: req.bookedVia }, 'booked');
      this.emit(req.roomId);
    }
    return event;
  }

  async setEnd(roomId: string, eventId: string, end: string): Promise<CalendarEvent> {
    const endMs = instantMs(end, 'end');
    const { event, changed } = this.opts.store.transaction(() => {
      const zone = this.roomZone(roomId);
      const current = this.liveEvent(roomId, eventId);
      if (current.allDay) throw new DoorplateError('BAD_REQUEST', `event ${eventId} lasts all day; its end cannot be moved`);
      const startMs = instantMs(current.start, `event ${eventId} start`);
      const oldEndMs = instantMs(current.end, `event ${eventId} end`);
      if (endMs <= startMs) throw new DoorplateError('VALIDATION', `end: must be after the meeting's start (${current.start})`);
      if (endMs === oldEndMs) return { event: current, changed: false };
      // Only the added time can collide: overlaps the meeting already had are the calendar's business.
      if (endMs > oldEndMs) this.refuseOverlap(roomId, oldEndMs, endMs, zone, eventId);
      const updated: CalendarEvent = { ...current, end };
      this.opts.store.events.upsert(roomId, updated);
      return { event: updated, changed: true };
    });
    if (changed) this.emit(roomId);
    return event;
  }

  /** Cancelled events stay stored (status cancelled), so a retried booking with the same key stays cancelled. */
  async cancel(roomId: string, eventId: string): Promise<void> {
    const changed = this.opts.store.transaction(() => {
      this.roomZone(roomId);
      const current = this.opts.store.events.get(roomId, eventId);
      if (!current) throw new DoorplateError('MEETING_NOT_FOUND', `room ${roomId} has no meeting ${JSON.stringify(eventId)}`);
      if (current.status === 'cancelled') return false;
      return this.opts.store.events.upsert(roomId, { ...current, status: 'cancelled' });
    });
    if (changed) this.emit(roomId);
  }

  async checkIn(roomId: string, eventId: string, at: string): Promise<CalendarEvent> {
    instantMs(at, 'checkedInAt');
    const { event, changed } = this.opts.store.transaction(() => {
      this.roomZone(roomId);
      const current = this.liveEvent(roomId, eventId);
      if (current.checkedInAt !== null) return { event: current, changed: false };
      const updated: CalendarEvent = { ...current, checkedInAt: at };
      this.opts.store.events.upsert(roomId, updated);
      return { event: updated, changed: true };
    });
    if (changed) this.emit(roomId);
    return event;
  }

  /**
   * Stores an event as given (seed data, admin imports), replacing one with the same id; no
   * overlap check, since imported calendars may overlap. Returns the stored event.
   */
  addEvent(roomId: string, event: CalendarEvent): CalendarEvent {
    const parsed = parseEvent(roomId, event);
    const changed = this.opts.store.transaction(() => {
      this.roomZone(roomId);
      return this.opts.store.events.upsert(roomId, parsed);
    });
    if (changed) this.emit(roomId);
    return parsed;
  }

  onRoomChanged(listener: (roomId: string) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  async listResources(): Promise<ProviderResource[]> {
    return this.opts.store.rooms.list().map((r) => ({ id: r.id, name: r.name, email: r.calendar, capacity: r.config.capacity ?? null }));
  }

  private roomZone(roomId: string): string {
    const room = this.opts.store.rooms.get(roomId);
    if (!room) throw new DoorplateError('ROOM_NOT_FOUND', `no room ${JSON.stringify(roomId)}`);
    return room.timeZone ?? this.opts.defaultTimeZone;
  }

  private liveEvent(roomId: string, eventId: string): CalendarEvent {
    const current = this.opts.store.events.get(roomId, eventId);
    if (!current) throw new DoorplateError('MEETING_NOT_FOUND', `room ${roomId} has no meeting ${JSON.stringify(eventId)}`);
    if (current.status === 'cancelled') throw new DoorplateError('NOTHING_TO_DO', `meeting ${eventId} in room ${roomId} was cancelled`);
    return current;
  }

  private refuseOverlap(roomId: string, startMs: number, endMs: number, zone: string, exceptId?: string): void {
    const candidates = this.opts.store.events.listForRoom(roomId, startMs, endMs);
    const hit = firstOverlap(candidates, startMs, endMs, zone, exceptId);
    if (hit) {
      throw new DoorplateError('CONFLICT', `room ${roomId} is taken by another meeting from ${hit.start} to ${hit.end}`, {
        conflicting: { id: hit.id, start: hit.start, end: hit.end },
      });
    }
  }

  private emit(roomId: string): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(roomId);
      } catch (e) {
        this.log.error({ err: e, room: roomId }, 'room-changed listener failed');
      }
    }
  }
}
