import { POLL_SECS } from '../../sync/remote-calendar.js';
import type { Clock } from '../../../shared/clock.js';
import type { IcsProviderConfig } from '../../../shared/config/schema.js';
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
import type { OutboxWorker } from '../../sync/outbox-worker.js';
import { ProviderRequestError, isTransient } from '../../sync/provider-error.js';
import { expandCalendar, parseICalendar } from '../ical/expand.js';
import { BodyTooLargeError, httpFetch, safeOrigin, type HttpAnswer, type HttpFetch } from '../ical/http.js';
import { keepCheckIns, syncWindow } from '../ical/room-window.js';
import type { BookingRequest, CalendarProvider } from '../provider.js';

export const ICS = 'ics';

export interface IcsProviderDeps {
  store: Store;
  clock: Clock;
  config: IcsProviderConfig;
  log: Logger;
  defaultTimeZone: string;
  fetch?: HttpFetch;
  random?: () => number;
  retry?: BackoffPolicy;
}

/** What the last good answer of a room's feed was: kept to ask "changed since?" and to re-expand as days pass. */
interface FeedCopy {
  url: string;
  etag: string | null;
  lastModified: string | null;
  text: string;
  /** The window day the stored events were expanded for. */
  day: number;
}

/**
 * Published calendar links (Outlook, Google, iCloud, Nextcloud "share link"): read-only. Each
 * room's feed is fetched at `pollSecs` with a conditional GET, so an unchanged feed costs one
 * short 304; a failed or refused fetch keeps the last agenda and marks the room stale.
 */
export class IcsProvider implements CalendarProvider {
  readonly kind = ICS;
  readonly readOnly = true;
  readonly budget: RequestBudget;
  readonly runner: RequestRunner;
  private readonly scheduler: SyncScheduler;
  private readonly mirror: LocalMirror;
  private readonly copies = new Map<string, FeedCopy>();

  constructor(private readonly deps: IcsProviderDeps) {
    const { config, clock, log } = deps;
    this.mirror = new LocalMirror({
      store: deps.store,
      log,
      worker: (): OutboxWorker => {
        throw this.readOnlyError();
      },
      providerName: 'The calendar feed',
    });
    ({ budget: this.budget, runner: this.runner, scheduler: this.scheduler } = roomSync({
      clock,
      log,
      provider: ICS,
      budget: config.budget,
      random: deps.random,
      retry: deps.retry,
      pollMs: (config.pollSecs ?? POLL_SECS) * 1000,
      rooms: () => roomsWithCalendar(this.deps.store).map((r) => r.id),
      sync: (roomId) => this.sync(roomId),
      onStale: (roomId, stale) => this.mirror.emitStale(roomId, stale),
    }));
  }

  async start(): Promise<void> {
    // In the background: a slow feed must not hold up the server.
    void this.scheduler.start();
  }

  async stop(): Promise<void> {
    await this.scheduler.stop();
  }

  /** A sync through the scheduler: its outcome marks the room stale or fresh. */
  requestSync(roomId: string): Promise<void> {
    return this.scheduler.request(roomId);
  }

  isStale(roomId: string): boolean {
    return this.scheduler.isStale(roomId);
  }

  async sync(roomId: string): Promise<{ changed: boolean }> {
    const room = this.deps.store.rooms.get(roomId);
    if (!room) throw new DoorplateError('ROOM_NOT_FOUND', `no room ${JSON.stringify(roomId)}`);
    // webcal:// is how calendar apps are told "subscribe to this"; it is plain HTTPS underneath.
    const url = room.calendar?.replace(/^webcal:\/\//i, 'https://');
    if (!url) throw new DoorplateError('BAD_REQUEST', `rooms[${roomId}].calendar: set it to the published calendar (ICS) URL`);
    const where = `rooms[${roomId}].calendar (${safeOrigin(url)})`;
    const now = this.deps.clock.now();
    const window = syncWindow(now, this.deps.config.windowDays);
    const copy = this.copies.get(roomId);
    const cached = copy && copy.url === url ? copy : null;
    const headers: Record<string, string> = { accept: 'text/calendar, */*;q=0.1' };
    if (cached?.etag) headers['if-none-match'] = cached.etag;
    if (cached?.lastModified) headers['if-modified-since'] = cached.lastModified;
    let answer: HttpAnswer;
    try {
      answer = await this.runner.run('feed.get', async () => {
        const a = await (this.deps.fetch ?? httpFetch)({ method: 'GET', url, headers, timeoutMs: this.deps.config.timeoutSecs * 1000, maxBytes: this.deps.config.maxBytes });
        if (a.status === 429 || a.status >= 500) throw new ProviderRequestError(a.status, null, `${where}: HTTP ${a.status}`);
        return a;
      });
    } catch (e) {
      if (e instanceof BodyTooLargeError) throw this.unusable(roomId, `${where}: ${e.message}; raise provider.maxBytes if the feed is meant to be this big`);
      if (e instanceof ProviderRequestError && !isTransient(e)) throw this.unusable(roomId, `${where}: ${e.message}`);
      throw e;
    }
    if (answer.status === 304 && cached) {
      if (cached.day === window.day) return { changed: false };
      return this.store(roomId, { ...cached, day: window.day }, window);
    }
    if (answer.status !== 200) throw this.unusable(roomId, `${where}: HTTP ${answer.status}`);
    const text = answer.text.replace(/^\uFEFF/, '');
    if (!/^\s*BEGIN:VCALENDAR/i.test(text)) {
      const type = answer.headers.get('content-type') ?? 'no content type';
      throw this.unusable(roomId, `${where}: the answer is not iCalendar (${type.split(';')[0]}${/<html|<!doctype/i.test(text.slice(0, 512)) ? ', an HTML page: a login page or a wrong link?' : ''})`);
    }
    return this.store(roomId, { url, etag: answer.headers.get('etag'), lastModified: answer.headers.get('last-modified'), text, day: window.day }, window);
  }

  private store(roomId: string, copy: FeedCopy, window: { fromMs: number; toMs: number }): { changed: boolean } {
    const room = this.deps.store.rooms.get(roomId);
    const zone = room?.timeZone ?? this.deps.defaultTimeZone;
    const cal = parseICalendar(copy.text, `rooms[${roomId}].calendar`);
    const events = expandCalendar(cal, { roomZone: zone, fromMs: window.fromMs, toMs: window.toMs });
    // Nothing on a read-only calendar can be checked in or released: no meeting asks for it.
    const unique = new Map(events.map((e) => [e.id, { ...e, checkInRequired: false }]));
    const result = this.deps.store.events.replaceAll(roomId, keepCheckIns(this.deps.store, roomId, [...unique.values()]));
    this.copies.set(roomId, copy);
    if (result.changed) {
      this.deps.log.info({ room: roomId, events: unique.size, added: result.added, updated: result.updated, removed: result.removed }, 'feed read');
      this.mirror.emit(roomId);
    }
    return { changed: result.changed };
  }

  /** A feed answer that cannot be used: the room keeps its last agenda and turns stale until the feed is good again. */
  private unusable(roomId: string, message: string): DoorplateError {
    this.deps.log.warn({ room: roomId, err: message }, 'calendar feed unusable; keeping the last agenda');
    return new DoorplateError('PROVIDER_UNAVAILABLE', message);
  }

  private readOnlyError(): DoorplateError {
    return new DoorplateError('READ_ONLY', 'this room shows a published calendar (ICS feed), which is read-only: book in the calendar application');
  }

  async book(_req: BookingRequest): Promise<CalendarEvent> {
    throw this.readOnlyError();
  }

  async setEnd(_roomId: string, _eventId: string, _end: string): Promise<CalendarEvent> {
    throw this.readOnlyError();
  }

  async cancel(_roomId: string, _eventId: string): Promise<void> {
    throw this.readOnlyError();
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
}
