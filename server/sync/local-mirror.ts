import { DoorplateError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { CalendarEvent } from '../../shared/model/event.js';
import type { Store } from '../store/store.js';
import { parseEvent } from '../store/repos/events.js';
import type { OutboxWorker } from './outbox-worker.js';
import { ProviderRequestError } from './provider-error.js';

/**
 * What a refused write takes back locally, kept in the outbox row beside the write: the
 * booking it made (`remove`) or the copy as it was before (`restore`).
 */
export type LocalUndo = { kind: 'remove'; eventId: string } | { kind: 'restore'; event: CalendarEvent };

/** The undo a write's outbox payload carries (rows written before undo was kept have none). */
export function undoOf(payload: unknown): LocalUndo | null {
  const u = (payload as { undo?: LocalUndo } | null)?.undo;
  return u && (u.kind === 'remove' || u.kind === 'restore') ? u : null;
}
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
      return { event: booked, outboxId: this.enqueue(kind, req.roomId, write(booked), { kind: 'remove', eventId: id }) };
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
      return { event: updated, outboxId: this.enqueue(kind, roomId, write(current), { kind: 'restore', event: current }) };
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
      return this.enqueue(kind, roomId, write(current), { kind: 'restore', event: current });
    });
    if (outboxId === null) return;
    this.emit(roomId);
    await this.sendNow(outboxId, 'release');
  }

  private enqueue(kind: string, roomId: string, write: unknown, undo: LocalUndo): number {
    return this.deps.store.outbox.enqueue({ kind, roomId, payload: { ...(write as object), undo } });
  }

  /**
   * Takes back what a refused write changed here: the booking it made goes, the copy it changed
   * returns as it was. Returns whether anything was taken back.
   */
  rollBack(roomId: string, payload: unknown): boolean {
    const undo = undoOf(payload);
    if (!undo) return false;
    if (undo.kind === 'remove') return this.deps.store.events.remove(roomId, undo.eventId);
    return this.deps.store.events.upsert(roomId, parseEvent(roomId, undo.event));
  }

  /**
   * Sends an enqueued write at once. A write the provider refuses for good fails the call with
   * PROVIDER_REFUSED and the provider's reason (the local change is already rolled back); one
   * that could not get through at all fails with PROVIDER_UNAVAILABLE.
   */
  async sendNow(outboxId: number, what: string): Promise<void> {
    const { outcome, error } = await this.deps.worker().sendReporting(outboxId);
    if (outcome !== 'failed') return;
    const message = error?.message ?? this.deps.store.outbox.get(outboxId)?.lastError ?? 'unknown error';
    if (error instanceof ProviderRequestError && error.status !== null && error.status >= 400 && error.status < 500) {
      const why = error.reason ? `${error.reason} (HTTP ${error.status})` : `HTTP ${error.status}`;
      throw new DoorplateError('PROVIDER_REFUSED', `${this.deps.providerName} refused the ${what}: ${why}`, { status: error.status, reason: error.reason });
    }
    throw new DoorplateError('PROVIDER_UNAVAILABLE', `${this.deps.providerName} could not take the ${what}: ${message}`);
  }
}
