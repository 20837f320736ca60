import { POLL_SECS } from '../../sync/remote-calendar.js';
import type { Clock } from '../../../shared/clock.js';
import type { CaldavProviderConfig } from '../../../shared/config/schema.js';
import { DoorplateError } from '../../../shared/errors.js';
import type { Logger } from '../../../shared/logger.js';
import type { CalendarEvent } from '../../../shared/model/event.js';
import type { Store } from '../../store/store.js';
import type { BackoffPolicy } from '../../sync/backoff.js';
import { LocalMirror } from '../../sync/local-mirror.js';
import type { RequestBudget } from '../../sync/request-budget.js';
import type { RequestRunner } from '../../sync/request-runner.js';
import { roomSync, roomsWithCalendar } from '../../sync/room-sync.js';
import type { SyncScheduler } from '../../sync/sync-scheduler.js';
import { OutboxWorker } from '../../sync/outbox-worker.js';
import { ProviderRequestError } from '../../sync/provider-error.js';
import { bookingICalendar } from '../ical/edit.js';
import type { HttpFetch } from '../ical/http.js';
import { bookingEventId } from '../local/booking-id.js';
import type { BookingRequest, CalendarProvider, ProviderResource } from '../provider.js';
import { CALDAV, CaldavSync, type SyncPath } from './caldav-sync.js';
import { sendCaldavWrite, WRITE_KIND, type CaldavWrite } from './caldav-writes.js';
import { DavClient } from './dav-client.js';
import { discoverCalendars, type DiscoveredCalendar } from './discovery.js';
import { busyOfEvents, freeBusyQueryBody, parseFreeBusy, sameBusy } from './free-busy.js';
import { isOfResource, splitEventId } from './resource-ids.js';

export interface CaldavProviderDeps {
  store: Store;
  clock: Clock;
  config: CaldavProviderConfig;
  log: Logger;
  defaultTimeZone: string;
  fetch?: HttpFetch;
  random?: () => number;
  retry?: BackoffPolicy;
}

/**
 * Rooms on a CalDAV server (Nextcloud, Radicale, Fastmail, iCloud, SOGo, Baïkal). No push in
 * CalDAV: every room is polled at `pollSecs`, and an unchanged calendar costs one PROPFIND.
 * Writes are recorded locally with an outbox row in one transaction, then sent; each is safe
 * to send again (a booking's resource name comes from its key, changes are conditional).
 */
export class CaldavProvider implements CalendarProvider {
  readonly kind = CALDAV;
  readonly readOnly = false;
  readonly budget: RequestBudget;
  readonly runner: RequestRunner;
  readonly client: DavClient;
  private readonly syncer: CaldavSync;
  private readonly worker: OutboxWorker;
  private readonly scheduler: SyncScheduler;
  private readonly mirror: LocalMirror;
  private readonly collections = new Map<string, string>();
  private readonly paths = new Map<string, SyncPath>();
  private started: Promise<void> | null = null;
  private discovery: Promise<DiscoveredCalendar[]> | null = null;
  private safetyTimer: ReturnType<Clock['setTimeout']> | null = null;
  private running = false;

  constructor(private readonly deps: CaldavProviderDeps) {
    const { config, clock, log, store } = deps;
    this.mirror = new LocalMirror({ store, log, worker: () => this.worker, providerName: 'The CalDAV server' });
    this.client = new DavClient(config, deps.fetch, () => clock.now());
    ({ budget: this.budget, runner: this.runner, scheduler: this.scheduler } = roomSync({
      clock,
      log,
      provider: CALDAV,
      budget: config.budget,
      random: deps.random,
      retry: deps.retry,
      pollMs: (config.pollSecs ?? POLL_SECS) * 1000,
      rooms: () => roomsWithCalendar(this.deps.store).map((r) => r.id),
      sync: (roomId) => this.sync(roomId),
      onStale: (roomId, stale) => this.mirror.emitStale(roomId, stale),
    }));
    this.syncer = new CaldavSync({
      client: this.client,
      runner: this.runner,
      store,
      clock,
      log,
      windowDays: config.windowDays,
      defaultTimeZone: deps.defaultTimeZone,
      pendingNames: (roomId) => this.pendingNames(roomId),
    });
    this.worker = new OutboxWorker({
      clock,
      outbox: store.outbox,
      log,
      random: deps.random,
      policy: deps.retry,
      kinds: {
        [WRITE_KIND]: {
          send: (item) => sendCaldavWrite(item, { client: this.client, runner: this.runner, store, now: () => clock.now() }),
          gaveUp: (item) => this.undo(item.roomId, item.payload as CaldavWrite),
        },
      },
    });
  }

  async start(): Promise<void> {
    this.running = true;
    this.worker.start();
    // In the background: a slow or absent server must not hold up the server.
    this.started = this.scheduler.start().then(() => this.armSafetyNet());
  }

  async stop(): Promise<void> {
    this.running = false;
    this.deps.clock.clearTimeout(this.safetyTimer);
    this.safetyTimer = null;
    await this.scheduler.stop();
    await this.started?.catch(() => undefined);
    await this.worker.stop();
  }

  /** Resolves once the first sync of every room has been tried (tests, the benchmark). */
  async ready(): Promise<void> {
    await this.started;
  }

  /** A sync through the scheduler: coalesced with one running for the room; its outcome marks the room stale or fresh. */
  requestSync(roomId: string): Promise<void> {
    return this.scheduler.request(roomId);
  }

  isStale(roomId: string): boolean {
    return this.scheduler.isStale(roomId);
  }

  /** How the room's last sync went (unchanged, full, sync-collection, etags): for tests and the benchmark. */
  lastSyncPath(roomId: string): SyncPath | null {
    return this.paths.get(roomId) ?? null;
  }

  async sync(roomId: string): Promise<{ changed: boolean }> {
    let result: { changed: boolean; path: SyncPath };
    try {
      result = await this.syncer.sync(roomId, await this.collectionOf(roomId));
    } catch (e) {
      // A definite refusal (wrong password, calendar gone) leaves the room as outdated as an
      // outage does: the display marks it stale instead of showing the old agenda as current.
      if (e instanceof ProviderRequestError) throw new DoorplateError('PROVIDER_UNAVAILABLE', `room ${roomId}: ${e.message}`, { status: e.status, reason: e.reason });
      throw e;
    }
    const { changed, path } = result;
    this.paths.set(roomId, path);
    if (changed) this.mirror.emit(roomId);
    return { changed };
  }

  /** The room's collection URL: rooms[].calendar as an absolute URL, or a calendar name found under provider.server. */
  private async collectionOf(roomId: string): Promise<string> {
    const room = this.deps.store.rooms.get(roomId);
    if (!room) throw new DoorplateError('ROOM_NOT_FOUND', `no room ${JSON.stringify(roomId)}`);
    const cal = room.calendar;
    if (!cal) throw new DoorplateError('BAD_REQUEST', `rooms[${roomId}].calendar: set it to the room's CalDAV collection URL or calendar name`);
    if (/^https?:\/\//i.test(cal)) return cal.endsWith('/') ? cal : `${cal}/`;
    const known = this.collections.get(roomId);
    if (known) return known;
    const server = this.deps.config.server;
    if (!server) throw new DoorplateError('BAD_REQUEST', `rooms[${roomId}].calendar: ${JSON.stringify(cal)} is not a URL; set provider.server to find calendars by name`);
    const found = (await this.discovered(server)).find((c) => c.name === cal || c.url.replace(/\/+$/, '').endsWith(`/${encodeURIComponent(cal)}`));
    if (!found) {
      // It may be made later: the next sync looks again.
      this.discovery = null;
      throw new DoorplateError('BAD_REQUEST', `rooms[${roomId}].calendar: no calendar named ${JSON.stringify(cal)} under provider.server`);
    }
    const url = found.url.endsWith('/') ? found.url : `${found.url}/`;
    this.collections.set(roomId, url);
    return url;
  }

  /** One discovery for all rooms named by calendar; a failed one is tried again at the next sync. */
  private discovered(server: string): Promise<DiscoveredCalendar[]> {
    this.discovery ??= discoverCalendars(server, { client: this.client, runner: this.runner }).catch((e: unknown) => {
      this.discovery = null;
      throw e;
    });
    return this.discovery;
  }

  /** The calendars the configured account can see (provider.server), as resources an admin can assign to rooms. */
  async listResources(): Promise<ProviderResource[]> {
    const server = this.deps.config.server;
    if (!server) throw new DoorplateError('NOT_FOUND', 'set provider.server to list the calendars of the account');
    const list = await discoverCalendars(server, { client: this.client, runner: this.runner });
    return list.map((c) => ({ id: c.url, name: c.name, email: null, capacity: null }));
  }

  /**
   * The net under a server whose sync token missed a change: per room, one free-busy-query of
   * the next day, compared with the stored events; a room that differs is read in full. Rooms
   * on servers without free-busy are left to the sync-token check. Returns the rooms re-read.
   */
  async safetyNet(): Promise<string[]> {
    const now = this.deps.clock.now();
    const to = now + 86_400_000;
    const differing: string[] = [];
    for (const { id: roomId } of roomsWithCalendar(this.deps.store)) {
      try {
        const collection = await this.collectionOf(roomId);
        const text = await this.runner.run('freebusy', () => this.client.freeBusy(collection, freeBusyQueryBody(now, to)));
        const theirs = text === null ? null : parseFreeBusy(text, now, to);
        if (theirs === null) continue;
        const zone = this.deps.store.rooms.get(roomId)?.timeZone ?? this.deps.defaultTimeZone;
        const events = this.deps.store.events.listForRoom(roomId, now, to);
        // Servers differ on whether a meeting the room declined shows as busy: either reading agrees.
        const agrees = [false, true].some((declined) => sameBusy(theirs, busyOfEvents(events, zone, now, to, { declined })));
        if (agrees || this.pendingNames(roomId).size > 0) continue;
        this.deps.log.warn({ room: roomId }, 'free-busy differs from the stored events; reading the calendar in full');
        this.deps.store.syncState.clear(roomId, CALDAV);
        differing.push(roomId);
      } catch (e) {
        this.deps.log.warn({ room: roomId, err: (e as Error).message }, 'free-busy check failed');
      }
    }
    await Promise.all(differing.map((r) => this.scheduler.request(r)));
    return differing;
  }

  private armSafetyNet(): void {
    const secs = this.deps.config.safetyNetSecs;
    if (secs === undefined || !this.running) return;
    this.safetyTimer = this.deps.clock.setTimeout(() => {
      void this.safetyNet().finally(() => this.armSafetyNet());
    }, secs * 1000);
  }

  async book(req: BookingRequest): Promise<CalendarEvent> {
    const collection = await this.collectionOf(req.roomId);
    const uid = bookingEventId(req.key);
    const name = `${uid}.ics`;
    const now = new Date(this.deps.clock.now()).toISOString();
    return this.mirror.book(req, name, now, WRITE_KIND, (): CaldavWrite => ({ op: 'create', collection, name, eventId: name, ics: bookingICalendar(req, uid, now) }));
  }

  async setEnd(roomId: string, eventId: string, end: string): Promise<CalendarEvent> {
    const collection = await this.collectionOf(roomId);
    const { name, instance } = splitEventId(eventId);
    return this.mirror.setEnd(roomId, eventId, end, WRITE_KIND, (current): CaldavWrite => ({ op: 'set-end', collection, name, eventId, instance: instance === null ? null : { key: instance, start: current.start, end: current.end }, end }));
  }

  async cancel(roomId: string, eventId: string): Promise<void> {
    const collection = await this.collectionOf(roomId);
    const { name, instance } = splitEventId(eventId);
    await this.mirror.cancel(roomId, eventId, WRITE_KIND, (current): CaldavWrite => ({
      op: 'release',
      collection,
      name,
      eventId,
      instance: instance === null ? null : { key: instance, start: current.start, end: current.end },
      roomAddress: null,
    }));
  }

  async checkIn(roomId: string, eventId: string, at: string): Promise<CalendarEvent> {
    return this.mirror.checkIn(roomId, eventId, at);
  }

  onRoomChanged(listener: (roomId: string) => void): () => void {
    return this.mirror.onRoomChanged(listener);
  }

  onStaleChanged(listener: (roomId: string, stale: boolean) => void): () => void {
    return this.mirror.onStaleChanged(listener);
  }

  private pendingNames(roomId: string): Set<string> {
    const names = new Set<string>();
    for (const item of this.deps.store.outbox.list({ kind: WRITE_KIND, state: 'pending' })) {
      const w = item.payload as CaldavWrite;
      if (item.roomId === roomId) names.add(w.name);
    }
    return names;
  }

  /** The server refused a write for good: take back the local booking and let the server's copy win. */
  private undo(roomId: string | null, w: CaldavWrite): void {
    if (!roomId) return;
    if (w.op === 'create') {
      for (const e of this.deps.store.events.listForRoom(roomId)) if (isOfResource(e.id, w.name)) this.deps.store.events.remove(roomId, e.id);
    }
    // Forget the sync mark so the next sync reads the room in full and puts back what the server holds.
    this.deps.store.syncState.clear(roomId, CALDAV);
    this.mirror.emit(roomId);
    void this.scheduler.request(roomId);
  }
}
