import { DoorplateError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { CalendarEvent } from '../../shared/model/event.js';
import type { Store } from '../store/store.js';
import { parseEvent } from '../store/repos/events.js';
import type { OutboxWorker } from './outbox-worker.js';
import type { BookingRequest } from '../providers/provider.js';
import { bookedEvent } from '../providers/booked-event.js';

/**
 * The store's copy of a remote calendar, as the providers that write through the outbox keep
 * it: who listens for a room's changes and its staleness, the local-only check-in, and the
 * local half of a write (record it, enqueue it, send it now).
 */
export class LocalMirror {
  private readonly listeners = new Set<(roomId: string) => void>();
  private readonly staleListeners = new Set<(roomId: string, stale: boolean) => void>();

  constructor(private readonly deps: { store: Store; log: Logger; worker: () => OutboxWorker; providerName: string }) {}

  onRoomChanged(listener: (roomId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onStaleChanged(listener: (roomId: string, stale: boolean) => void): () => void {
    this.staleListeners.add(listener);
    return () => this.staleListeners.delete(listener);
  }

  emit(roomId: string): void {
    for (const l of [...this.listeners]) {
      try {
        l(roomId);
      } catch (e) {
        this.deps.log.error({ err: e, room: roomId }, 'room-changed listener failed');
      }
    }
  }

  emitStale(roomId: string, stale: boolean): void {
    for (const l of [...this.staleListeners]) l(roomId, stale);
  }

  /** A meeting that can still be changed: known and not cancelled. */
  liveEvent(roomId: string, eventId: string): CalendarEvent {
    const current = this.deps.store.events.get(roomId, eventId);
    if (!current) throw new DoorplateError('MEETING_NOT_FOUND', `room ${roomId} has no meeting ${JSON.stringify(eventId)}`);
    if (current.status === 'cancelled') throw new DoorplateError('NOTHING_TO_DO', `meeting ${eventId} in room ${roomId} was cancelled`);
    return current;
  }

  /** Local only: the calendars have no check-in field, and their syncs keep `checkedInAt` as it is. */
  checkIn(roomId: string, eventId: string, at: string): CalendarEvent {
    const { event, changed } = this.deps.store.transaction(() => {
      const current = this.liveEvent(roomId, eventId);
      if (current.checkedInAt !== null) return { event: current, changed: false };
      const updated = parseEvent(roomId, { ...current, checkedInAt: at });
      this.deps.store.events.upsert(roomId, updated);
      return { event: updated, changed: true };
    });
    if (changed) this.emit(roomId);
    return event;
  }

  /**
   * Records a booking here and enqueues the provider write that creates it, in one
   * transaction, then sends it. A key booked before answers with the event it made.
   */
  async book(req: BookingRequest, id: string, bookedAt: string, kind: string, write: (booked: CalendarEvent) => unknown): Promise<CalendarEvent> {
    const { event, outboxId } = this.deps.store.transaction(() => {
      const existing = this.deps.store.events.get(req.roomId, id);
      if (existing) return { event: existing, outboxId: null };
      const booked = bookedEvent(req, id, bookedAt);
      this.deps.store.events.upsert(req.roomId, booked);
      return { event: booked, outboxId: this.deps.store.outbox.enqueue({ kind, roomId: req.roomId, payload: write(booked) }) };
    });
    if (outboxId === null) return event;
    this.emit(req.roomId);
    await this.sendNow(outboxId, 'booking');
    return this.deps.store.events.get(req.roomId, id) ?? event;
  }

  /** Moves a meeting's end here and enqueues the provider write, in one transaction; then sends it. */
  async setEnd(roomId: string, eventId: string, end: string, kind: string, write: (current: CalendarEvent) => unknown): Promise<CalendarEvent> {
    const { event, outboxId } = this.deps.store.transaction(() => {
      const current = this.liveEvent(roomId, eventId);
      if (current.allDay) throw new DoorplateError('BAD_REQUEST', `event ${eventId} lasts all day; its end cannot be moved`);
      if (Date.parse(end) <= Date.parse(current.start)) throw new DoorplateError('VALIDATION', `end: must be after the meeting's start (${current.start})`);
      if (current.end === end) return { event: current, outboxId: null };
      const updated = parseEvent(roomId, { ...current, end });
      this.deps.store.events.upsert(roomId, updated);
      return { event: updated, outboxId: this.deps.store.outbox.enqueue({ kind, roomId, payload: write(current) }) };
    });
    if (outboxId === null) return event;
    this.emit(roomId);
    await this.sendNow(outboxId, 'change');
    return this.deps.store.events.get(roomId, eventId) ?? event;
  }

  /**
   * Marks a meeting cancelled here and enqueues the provider write that releases it, in one
   * transaction; then sends it. A meeting already cancelled needs nothing.
   */
  async cancel(roomId: string, eventId: string, kind: string, write: (current: CalendarEvent) => unknown): Promise<void> {
    const outboxId = this.deps.store.transaction(() => {
      const current = this.deps.store.events.get(roomId, eventId);
      if (!current) throw new DoorplateError('MEETING_NOT_FOUND', `room ${roomId} has no meeting ${JSON.stringify(eventId)}`);
      if (current.status === 'cancelled') return null;
      this.deps.store.events.upsert(roomId, { ...current, status: 'cancelled' });
      return this.deps.store.outbox.enqueue({ kind, roomId, payload: write(current) });
    });
    if (outboxId === null) return;
    this.emit(roomId);
    await this.sendNow(outboxId, 'release');
  }

  /** Sends an enqueued write at once; a write the provider refuses for good fails the call. */
  async sendNow(outboxId: number, what: string): Promise<void> {
    const outcome = await this.deps.worker().send(outboxId);
    if (outcome === 'failed') {
      const item = this.deps.store.outbox.get(outboxId);
      throw new DoorplateError('PROVIDER_UNAVAILABLE', `${this.deps.providerName} refused the ${what}: ${item?.lastError ?? 'unknown error'}`);
    }
  }
}
