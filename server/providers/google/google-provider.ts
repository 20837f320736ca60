import type { Clock } from '../../../shared/clock.js';
import type { GoogleProviderConfig } from '../../../shared/config/schema.js';
import { DoorplateError } from '../../../shared/errors.js';
import type { Logger } from '../../../shared/logger.js';
import type { CalendarEvent } from '../../../shared/model/event.js';
import type { Store } from '../../store/store.js';
import { OutboxWorker } from '../../sync/outbox-worker.js';
import { LocalMirror } from '../../sync/local-mirror.js';
import { ProviderRequestError } from '../../sync/provider-error.js';
import { RequestBudget } from '../../sync/request-budget.js';
import { RequestRunner } from '../../sync/request-runner.js';
import { SyncScheduler } from '../../sync/sync-scheduler.js';
import type { WebhookAnswer, WebhookRequest } from '../../webhooks/webhook-server.js';
import { bookingEventId } from '../local/booking-id.js';
import type { BookingRequest, CalendarProvider, ChannelRenewal, ProviderChannel, ProviderResource, StoredChannel } from '../provider.js';
import { GoogleChannels } from './google-channels.js';
import { PROP } from './google-mapping.js';
import { GOOGLE, GoogleSync } from './google-sync.js';
import type { GoogleApi, GoogleEvent } from './google-types.js';
import { sendGoogleWrite, SYNC_KIND, WRITE_KIND, type GoogleWrite } from './google-writes.js';
import { roomsThatDiffer } from './safety-net.js';

export interface GoogleProviderDeps {
  api: GoogleApi;
  store: Store;
  clock: Clock;
  config: GoogleProviderConfig;
  log: Logger;
  random?: () => number;
}

const HOUR = 3_600_000;

/**
 * Google Workspace rooms. Reads: each room's resource calendar is copied into the store (full,
 * then incremental sync), triggered by push channels or, without a public webhook, by polling.
 * Writes: recorded locally together with an outbox row in one transaction, then sent; a write
 * that cannot be sent now is sent later, and a repeat is harmless (client-chosen event ids).
 * Check-in is local: Google has no field for it, and it only matters to this server.
 */
export class GoogleProvider implements CalendarProvider {
  readonly kind = 'google';
  readonly readOnly = false;
  readonly budget: RequestBudget;
  readonly runner: RequestRunner;
  readonly channels: GoogleChannels | null;
  private readonly syncer: GoogleSync;
  private readonly worker: OutboxWorker;
  private readonly scheduler: SyncScheduler;
  private readonly mirror: LocalMirror;
  private safetyTimer: ReturnType<Clock['setTimeout']> | null = null;
  private started: Promise<void> | null = null;

  constructor(private readonly deps: GoogleProviderDeps) {
    this.mirror = new LocalMirror({ store: deps.store, log: deps.log, worker: () => this.worker, providerName: 'Google' });
    const { config, clock, log, store, api } = deps;
    this.budget = new RequestBudget(clock, config.budget.requests, config.budget.windowSecs * 1000);
    this.runner = new RequestRunner({ clock, budget: this.budget, log, random: deps.random, provider: GOOGLE });
    this.syncer = new GoogleSync({ api, runner: this.runner, store, clock, log, pendingIds: (roomId) => this.pendingInserts(roomId) });
    this.worker = new OutboxWorker({
      clock,
      outbox: store.outbox,
      log,
      random: deps.random,
      kinds: {
        [WRITE_KIND]: {
          send: (item) => sendGoogleWrite(item, { api, runner: this.runner, store }),
          gaveUp: (item) => this.undo(item.roomId, item.payload as GoogleWrite),
        },
        [SYNC_KIND]: { send: (item) => this.syncNoted(item.roomId ?? '') },
      },
    });
    this.scheduler = new SyncScheduler({
      clock,
      log,
      rooms: () => this.rooms().map((r) => r.id),
      sync: (roomId) => this.sync(roomId),
      pollMs: config.webhook ? null : config.pollSecs * 1000,
      onStale: (roomId, stale) => {
        this.mirror.emitStale(roomId, stale);
      },
    });
    this.channels = config.webhook
      ? new GoogleChannels({ api, runner: this.runner, store, clock, log, address: `${config.webhook.publicUrl.replace(/\/$/, '')}/webhooks/google`, rooms: () => this.rooms() })
      : null;
  }

  /** Rooms with a Google calendar (resource email) configured. */
  private rooms(): Array<{ id: string; calendar: string }> {
    return this.deps.store.rooms.list().flatMap((r) => (r.calendar ? [{ id: r.id, calendar: r.calendar }] : []));
  }

  private calendarOf(roomId: string): string {
    const room = this.deps.store.rooms.get(roomId);
    if (!room) throw new DoorplateError('ROOM_NOT_FOUND', `no room ${JSON.stringify(roomId)}`);
    if (!room.calendar) throw new DoorplateError('BAD_REQUEST', `room ${roomId} has no calendar: set rooms[].calendar to its resource email`);
    return room.calendar;
  }

  async start(): Promise<void> {
    this.worker.start();
    // The first syncs run in the background: a slow or absent Google must not hold up the server.
    this.started = (async () => {
      await this.scheduler.start();
      await this.channels?.start();
      this.armSafetyNet();
    })();
  }

  async stop(): Promise<void> {
    this.deps.clock.clearTimeout(this.safetyTimer);
    this.channels?.stop();
    await this.scheduler.stop();
    await this.started?.catch(() => undefined);
    await this.worker.stop();
  }

  /** Resolves once the first sync of every room has been tried (tests, the benchmark). */
  async ready(): Promise<void> {
    await this.started;
  }

  async sync(roomId: string): Promise<{ changed: boolean }> {
    const { changed } = await this.syncer.sync(roomId, this.calendarOf(roomId));
    if (changed) this.mirror.emit(roomId);
    return { changed };
  }

  /** A sync from a push notification: its outcome marks the room stale or fresh, and a failure is retried by the outbox. */
  private async syncNoted(roomId: string): Promise<void> {
    try {
      await this.sync(roomId);
      this.scheduler.noteOutcome(roomId, null);
    } catch (e) {
      this.scheduler.noteOutcome(roomId, e);
      throw e;
    }
  }

  /** A sync through the scheduler: coalesced with one already running for the room. */
  requestSync(roomId: string): Promise<void> {
    return this.scheduler.request(roomId);
  }

  async book(req: BookingRequest): Promise<CalendarEvent> {
    const calendarId = this.calendarOf(req.roomId);
    const id = bookingEventId(req.key);
    const now = new Date(this.deps.clock.now()).toISOString();
    return this.mirror.book(req, id, now, WRITE_KIND, (): GoogleWrite => {
      const onRoomCalendar = this.deps.config.bookOn === 'room-calendar';
      const body: GoogleEvent = {
        id,
        summary: req.title,
        start: { dateTime: req.start },
        end: { dateTime: req.end },
        ...(onRoomCalendar ? {} : { attendees: [{ email: calendarId, resource: true }] }),
        extendedProperties: { private: { [PROP.via]: req.bookedVia, [PROP.checkIn]: req.checkInRequired ? '1' : '0', [PROP.bookedAt]: now } },
      };
      return { op: 'insert', calendarId: onRoomCalendar ? calendarId : 'primary', body };
    });
  }

  async setEnd(roomId: string, eventId: string, end: string): Promise<CalendarEvent> {
    const calendarId = this.calendarOf(roomId);
    return this.mirror.setEnd(roomId, eventId, end, WRITE_KIND, (current): GoogleWrite => {
      const target = this.writeCalendar(current, calendarId);
      return { op: 'patch', calendarId: target, eventId, patch: { end: { dateTime: end } }, ifMatch: target === calendarId };
    });
  }

  async cancel(roomId: string, eventId: string): Promise<void> {
    const calendarId = this.calendarOf(roomId);
    await this.mirror.cancel(roomId, eventId, WRITE_KIND, (current): GoogleWrite => {
      const ours = current.bookedVia !== 'provider';
      const how = ours ? (this.deps.config.bookOn === 'room-calendar' ? 'delete' : 'drop-room') : 'decline';
      return { op: 'release', calendarId: this.writeCalendar(current, calendarId), eventId, roomEmail: calendarId, how };
    });
  }

  async checkIn(roomId: string, eventId: string, at: string): Promise<CalendarEvent> {
    this.calendarOf(roomId);
    return this.mirror.checkIn(roomId, eventId, at);
  }

  onRoomChanged(listener: (roomId: string) => void): () => void {
    return this.mirror.onRoomChanged(listener);
  }

  onStaleChanged(listener: (roomId: string, stale: boolean) => void): () => void {
    return this.mirror.onStaleChanged(listener);
  }

  async listResources(): Promise<ProviderResource[]> {
    const list = await this.runner.run('resources.list', () => this.deps.api.listResources(this.deps.config.customer));
    return list.map((r) => ({ id: r.id, name: r.name, email: r.email, capacity: r.capacity }));
  }

  listChannels(): ProviderChannel[] {
    return (this.channels?.list() ?? []).map((c) => ({ id: c.id, roomId: c.roomId, provider: c.provider, expiresAt: c.expiresAt }));
  }

  async stopChannel(id: string): Promise<boolean> {
    return (await this.channels?.stopById(id)) ?? false;
  }

  async stopAllChannels(): Promise<number> {
    return (await this.channels?.stopAll()) ?? 0;
  }

  async renewChannels(opts: { all: boolean }): Promise<ChannelRenewal> {
    if (!this.channels) throw new DoorplateError('NOT_FOUND', 'Google push channels are off: set provider.webhook to use them');
    return this.channels.renewDue(opts.all);
  }

  /** Each is stopped at Google on its own; one Google will not stop is left to run out (a week at most), and its notifications are answered and stopped as strays. */
  async stopRemovedChannels(channels: readonly StoredChannel[]): Promise<void> {
    const ours = channels.filter((c) => c.provider === GOOGLE);
    for (const c of ours) {
      try {
        await this.runner.run('channels.stop', () => this.deps.api.stopChannel(c.id, c.resourceId ?? ''));
        this.deps.log.info({ room: c.roomId, channel: c.id }, 'push channel of a removed room stopped');
      } catch (e) {
        if (e instanceof ProviderRequestError && e.status === 404) continue;
        this.deps.log.warn({ room: c.roomId, channel: c.id, err: (e as Error).message }, 'could not stop the push channel of a removed room');
      }
    }
  }

  /** `POST /webhooks/google`: verify, record the room as due for a sync, answer, then sync. */
  async notification(req: WebhookRequest): Promise<WebhookAnswer> {
    const channels = this.channels;
    if (!channels) return { status: 404 };
    const notice = channels.verify(req.headers);
    if (notice.kind === 'refused') {
      this.deps.log.warn({ remote: req.remote, why: notice.why }, 'refused a Google notification');
      return { status: 401 };
    }
    if (notice.kind === 'unknown') {
      this.deps.log.warn({ remote: req.remote, channel: notice.channelId }, 'notification for a channel we do not hold; stopping it');
      return { status: 200, after: () => channels.stopChannel({ id: notice.channelId, resourceId: notice.resourceId }) };
    }
    // The first message on a channel only says it works.
    if (notice.state === 'sync') return { status: 200 };
    const roomId = notice.roomId;
    const queued = this.deps.store.outbox.list({ kind: SYNC_KIND, state: 'pending' }).find((i) => i.roomId === roomId);
    const id = queued?.id ?? this.deps.store.outbox.enqueue({ kind: SYNC_KIND, roomId, payload: { channel: notice.channelId } });
    return { status: 200, after: () => this.worker.send(id) };
  }

  /**
   * The net under lost notifications: one freeBusy query per 50 rooms, compared with the
   * stored agenda for the next day; only rooms that differ are synced. Returns them.
   */
  async safetyNet(): Promise<string[]> {
    const rooms = this.rooms();
    const now = this.deps.clock.now();
    const from = new Date(now).toISOString();
    const to = new Date(now + 24 * HOUR).toISOString();
    const differing: string[] = [];
    for (let i = 0; i < rooms.length; i += 50) {
      const chunk = rooms.slice(i, i + 50);
      const busy = await this.runner.run('freebusy', () => this.deps.api.freeBusy(chunk.map((r) => r.calendar), from, to));
      differing.push(...roomsThatDiffer(chunk, busy, (roomId) => this.deps.store.events.listForRoom(roomId, now, now + 24 * HOUR), now, now + 24 * HOUR));
    }
    await Promise.all(differing.map((r) => this.scheduler.request(r)));
    return differing;
  }

  private armSafetyNet(): void {
    if (!this.channels) return;
    this.safetyTimer = this.deps.clock.setTimeout(() => {
      void this.safetyNet()
        .catch((e: unknown) => this.deps.log.warn({ err: (e as Error).message }, 'safety-net check failed'))
        .finally(() => this.armSafetyNet());
    }, this.deps.config.safetyNetSecs * 1000);
  }

  /** Our own bookings live on the organizer's calendar in attendee mode; everything else on the room's. */
  private writeCalendar(e: CalendarEvent, roomCalendar: string): string {
    return e.bookedVia !== 'provider' && this.deps.config.bookOn === 'attendee' ? 'primary' : roomCalendar;
  }

  private pendingInserts(roomId: string): Set<string> {
    const ids = new Set<string>();
    for (const item of this.deps.store.outbox.list({ kind: WRITE_KIND, state: 'pending' })) {
      const w = item.payload as GoogleWrite;
      if (item.roomId === roomId && w.op === 'insert' && w.body.id) ids.add(w.body.id);
    }
    return ids;
  }

  /** Google refused a write for good: take back the local insert, and let Google's copy win. */
  private undo(roomId: string | null, w: GoogleWrite): void {
    if (!roomId) return;
    if (w.op === 'insert' && w.body.id) this.deps.store.events.remove(roomId, w.body.id);
    this.mirror.emit(roomId);
    void this.scheduler.request(roomId);
  }

}
