import type { Clock, TimerHandle } from '../../shared/clock.js';
import type { RemoteProviderConfig } from '../../shared/config/schema.js';
import { DoorplateError, isDoorplateError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { CalendarEvent } from '../../shared/model/event.js';
import type { Store } from '../store/store.js';
import type { OutboxItem } from '../store/repos/outbox.js';
import { bookingEventId } from '../providers/local/booking-id.js';
import type { BookingRequest, CalendarProvider } from '../providers/provider.js';
import { roomsThatDiffer } from './busy-compare.js';
import { LocalMirror } from './local-mirror.js';
import type { RequestBudget } from './request-budget.js';
import type { RequestRunner } from './request-runner.js';
import { roomSync, roomsWithCalendar } from './room-sync.js';
import type { SyncScheduler } from './sync-scheduler.js';
import { OutboxWorker } from './outbox-worker.js';
import type { RemoteAdapter, RemoteRoom } from './remote-adapter.js';

const HOUR = 3_600_000;
/** With push notifications the poll is only a net under lost ones (those freeBusy cannot see: titles, privacy): every six hours. */
export const PUSH_POLL_SECS = 6 * 3600;
/** Without them the poll carries every change. */
export const POLL_SECS = 300;
/** Calendars per free/busy request (Google's freeBusy limit; getSchedule takes as many). */
const BUSY_CHUNK = 50;

export interface RemoteCalendarDeps {
  /** The provider's name: its sync-state key, outbox kinds (`<name>.write`, `<name>.sync`), logs. */
  name: string;
  store: Store;
  clock: Clock;
  config: RemoteProviderConfig;
  log: Logger;
  /** The zone of rooms without their own. */
  defaultTimeZone?: string;
  random?: () => number;
}

/** What the core hands an adapter's factory: the runner every request of the provider goes through. */
export interface RemoteParts {
  runner: RequestRunner;
  budget: RequestBudget;
  /** The rooms with a calendar, as they are now. */
  rooms: () => RemoteRoom[];
}

/**
 * The remote-calendar core every provider with a remote calendar shares. Reads: each room's
 * calendar is copied into the store by the adapter's sync, always through the scheduler (one
 * sync per room at a time; start-up, polls, pushes, safety net and undo alike), so a failure
 * anywhere marks the room stale. Writes: recorded locally with an outbox row in one transaction,
 * then sent; one the provider refuses for good is rolled back here and re-read from the
 * provider. Check-in stays local. Push subscriptions open before the first sync.
 */
export class RemoteCalendar<W extends { op: string }> implements CalendarProvider {
  readonly readOnly = false;
  readonly budget: RequestBudget;
  readonly runner: RequestRunner;
  protected readonly adapter: RemoteAdapter<W>;
  protected readonly mirror: LocalMirror;
  protected readonly worker: OutboxWorker;
  protected readonly scheduler: SyncScheduler;
  private readonly writeKind: string;
  private readonly syncKind: string;
  private safetyTimer: TimerHandle | null = null;
  private started: Promise<void> | null = null;
  private active = false;

  constructor(
    protected readonly deps: RemoteCalendarDeps,
    makeAdapter: (parts: RemoteParts) => RemoteAdapter<W>,
  ) {
    const { config, clock, log, store } = deps;
    ({ budget: this.budget, runner: this.runner, scheduler: this.scheduler } = roomSync({
      clock,
      log,
      provider: deps.name,
      budget: config.budget,
      random: deps.random,
      pollMs: (config.pollSecs ?? (config.webhook ? PUSH_POLL_SECS : POLL_SECS)) * 1000,
      rooms: () => this.rooms().map((r) => r.id),
      sync: (roomId) => this.syncNow(roomId),
      onStale: (roomId, stale) => this.mirror.emitStale(roomId, stale),
    }));
    this.adapter = makeAdapter({ budget: this.budget, runner: this.runner, rooms: () => this.rooms() });
    this.writeKind = `${this.deps.name}.write`;
    this.syncKind = `${this.deps.name}.sync`;
    this.mirror = new LocalMirror({ store, log, worker: () => this.worker, providerName: this.adapter.label });
    this.worker = new OutboxWorker({
      clock,
      outbox: store.outbox,
      log,
      random: deps.random,
      kinds: {
        [this.writeKind]: {
          send: (item) => this.adapter.sendWrite(item.payload as W, item.roomId ?? ''),
          gaveUp: (item) => this.undo(item),
        },
        // A push sync runs through the scheduler too; its failure leaves the row for a retry.
        [this.syncKind]: { send: (item) => this.scheduler.requestStrict(item.roomId ?? '') },
      },
    });
  }

  get kind(): string {
    return this.deps.name;
  }

  /** Outbox kind of this provider's writes. */
  get writeOutboxKind(): string {
    return this.writeKind;
  }

  /** Outbox kind of this provider's push syncs. */
  get syncOutboxKind(): string {
    return this.syncKind;
  }

  /** Rooms with a calendar configured. */
  protected rooms(): RemoteRoom[] {
    const zone = this.deps.defaultTimeZone ?? 'UTC';
    return roomsWithCalendar(this.deps.store).map((r) => ({ ...r, timeZone: r.timeZone ?? zone }));
  }

  protected room(roomId: string): RemoteRoom {
    const room = this.deps.store.rooms.get(roomId);
    if (!room) throw new DoorplateError('ROOM_NOT_FOUND', `no room ${JSON.stringify(roomId)}`);
    if (!room.calendar) throw new DoorplateError('BAD_REQUEST', `room ${roomId} has no calendar: set rooms[].calendar to its ${this.adapter.label} calendar`);
    return { id: room.id, calendar: room.calendar, timeZone: room.timeZone ?? this.deps.defaultTimeZone ?? 'UTC' };
  }

  async start(): Promise<void> {
    this.active = true;
    this.worker.start();
    // The first syncs run in the background: a slow or absent provider must not hold up the server.
    // Subscriptions open first: a change made while a room syncs then arrives as a push.
    this.started = (async () => {
      await this.adapter.push?.start();
      await this.scheduler.start();
      this.armSafetyNet();
    })();
  }

  async stop(): Promise<void> {
    this.active = false;
    this.deps.clock.clearTimeout(this.safetyTimer);
    this.safetyTimer = null;
    this.adapter.push?.stop();
    await this.scheduler.stop();
    await this.started?.catch(() => undefined);
    await this.worker.stop();
  }

  /** Resolves once the first sync of every room has been tried (tests, the benchmark). */
  async ready(): Promise<void> {
    await this.started;
  }

  /** Brings the room up to date now, through the scheduler; rejects when that sync failed. */
  async sync(roomId: string): Promise<{ changed: boolean }> {
    this.room(roomId);
    let changed = false;
    const off = this.mirror.onRoomChanged((r) => {
      if (r === roomId) changed = true;
    });
    try {
      await this.scheduler.requestStrict(roomId);
    } finally {
      off();
    }
    return { changed };
  }

  /** A sync through the scheduler: coalesced with one already running for the room; failures only mark it stale. */
  requestSync(roomId: string): Promise<void> {
    return this.scheduler.request(roomId);
  }

  private async syncNow(roomId: string): Promise<void> {
    const { changed } = await this.adapter.syncRoom(this.room(roomId), this.pendingCreates(roomId));
    if (changed) this.mirror.emit(roomId);
  }

  /**
   * Records that a push said the room changed (an outbox row, so a crash does not lose it) and
   * returns its id; `sendQueued` then runs the sync through the scheduler.
   */
  protected queuePushSync(roomId: string, payload: Record<string, unknown>): number {
    const queued = this.deps.store.outbox.list({ kind: this.syncKind, state: 'pending' }).find((i) => i.roomId === roomId);
    return queued?.id ?? this.deps.store.outbox.enqueue({ kind: this.syncKind, roomId, payload });
  }

  protected async sendQueued(id: number): Promise<void> {
    await this.worker.send(id);
  }

  async book(req: BookingRequest): Promise<CalendarEvent> {
    const room = this.room(req.roomId);
    const id = bookingEventId(req.key);
    const bookedAt = new Date(this.deps.clock.now()).toISOString();
    // A key booked before answers with what it made, without asking the provider again.
    if (!this.deps.store.events.get(req.roomId, id)) await this.checkSlot(room, id, req.start, req.end);
    return this.mirror.book(req, id, bookedAt, this.writeKind, () => this.adapter.bookWrite(req, id, bookedAt, room));
  }

  /**
   * Asks the provider whether the slot is still free, so a booking never lands on a meeting the
   * store has not heard of yet. A provider that cannot answer does not hold the booking up: it is
   * kept here and sent later, as any write.
   */
  private async checkSlot(room: RemoteRoom, id: string, start: string, end: string): Promise<void> {
    if (!this.adapter.conflicts) return;
    let found;
    try {
      found = (await this.adapter.conflicts(room, start, end)).filter((c) => c.id !== id);
    } catch (e) {
      if (isDoorplateError(e) && e.code === 'PROVIDER_UNAVAILABLE') {
        this.deps.log.warn({ room: room.id, err: e.message }, 'could not check the slot at the provider; booking locally');
        return;
      }
      throw e;
    }
    const first = found[0];
    if (!first) return;
    void this.scheduler.request(room.id);
    // No title: this message reaches the panel, the device's MQTT answer and the phone page,
    // where a private meeting's title must never show.
    throw new DoorplateError('CONFLICT', `${this.adapter.label} has another meeting from ${first.start} to ${first.end} in room ${room.id}`, {
      conflicting: { id: first.id, start: first.start, end: first.end },
    });
  }

  async setEnd(roomId: string, eventId: string, end: string): Promise<CalendarEvent> {
    const room = this.room(roomId);
    return this.mirror.setEnd(roomId, eventId, end, this.writeKind, (current) => this.adapter.endWrite(current, end, room));
  }

  async cancel(roomId: string, eventId: string): Promise<void> {
    const room = this.room(roomId);
    await this.mirror.cancel(roomId, eventId, this.writeKind, (current) => this.adapter.releaseWrite(current, room));
  }

  async checkIn(roomId: string, eventId: string, at: string): Promise<CalendarEvent> {
    this.room(roomId);
    return this.mirror.checkIn(roomId, eventId, at);
  }

  onRoomChanged(listener: (roomId: string) => void): () => void {
    return this.mirror.onRoomChanged(listener);
  }

  onStaleChanged(listener: (roomId: string, stale: boolean) => void): () => void {
    return this.mirror.onStaleChanged(listener);
  }

  /**
   * The net under lost notifications: free/busy for many rooms a request, compared with the
   * stored agenda for the next day; only rooms that differ are synced. Returns them.
   */
  async safetyNet(): Promise<string[]> {
    const busy = this.adapter.busy?.bind(this.adapter);
    if (!busy) return [];
    const rooms = this.rooms();
    const now = this.deps.clock.now();
    const to = now + 24 * HOUR;
    const differing: string[] = [];
    const size = this.adapter.busyChunk ?? BUSY_CHUNK;
    for (let i = 0; i < rooms.length; i += size) {
      const chunk = rooms.slice(i, i + size);
      const answer = await busy(
        chunk.map((r) => r.calendar),
        new Date(now).toISOString(),
        new Date(to).toISOString(),
      );
      differing.push(...roomsThatDiffer(chunk, answer, (roomId) => this.deps.store.events.listForRoom(roomId, now, to), now, to));
    }
    await Promise.all(differing.map((r) => this.scheduler.request(r)));
    return differing;
  }

  private armSafetyNet(): void {
    if (!this.active || !this.adapter.push || !this.adapter.busy) return;
    this.safetyTimer = this.deps.clock.setTimeout(() => {
      void this.safetyNet()
        .catch((e: unknown) => this.deps.log.warn({ err: (e as Error).message }, 'safety-net check failed'))
        .finally(() => this.armSafetyNet());
    }, this.deps.config.safetyNetSecs * 1000);
  }

  /** Local ids of creates not yet sent: a full sync keeps them. */
  private pendingCreates(roomId: string): Set<string> {
    const ids = new Set<string>();
    for (const item of this.deps.store.outbox.list({ kind: this.writeKind, state: 'pending' })) {
      const created = item.roomId === roomId ? this.adapter.createdId(item.payload as W) : null;
      if (created) ids.add(created);
    }
    return ids;
  }

  /**
   * The provider refused a write for good: take back what it changed here (the booking it made,
   * the end or the release it recorded), then re-read the room from the provider so its copy wins.
   */
  private undo(item: OutboxItem): void {
    const roomId = item.roomId;
    if (!roomId) return;
    const w = item.payload as W;
    if (!this.mirror.rollBack(roomId, item.payload)) {
      // Rows written before undo was kept: a create is still taken back.
      const created = this.adapter.createdId(w);
      if (created) this.deps.store.events.remove(roomId, created);
    }
    this.adapter.forget?.(roomId, w);
    // The sync token would return nothing: the provider's copy never changed. Read it all again.
    this.deps.store.syncState.clear(roomId, this.deps.name);
    this.mirror.emit(roomId);
    void this.scheduler.request(roomId);
  }
}
