import { DoorplateError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { CalendarEvent } from '../../shared/model/event.js';
import type { Store } from '../store/store.js';
import { parseEvent } from '../store/repos/events.js';
import type { OutboxWorker } from './outbox-worker.js';

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
