import type { Clock } from '../../../shared/clock.js';
import type { Logger } from '../../../shared/logger.js';
import type { CalendarEvent } from '../../../shared/model/event.js';
import type { EventMeta } from '../../store/repos/events.js';
import type { Store } from '../../store/store.js';
import { ProviderRequestError } from '../../sync/provider-error.js';
import type { RequestRunner } from '../../sync/request-runner.js';
import { expandCalendar, parseICalendar } from '../ical/expand.js';
import { keepCheckIns, syncWindow } from '../ical/room-window.js';
import type { DavClient } from './dav-client.js';
import { calendarQueryBody, multigetBody, propfindBody, syncCollectionBody } from './multistatus.js';
import { isCollection, isOfResource, resourceName, resourceUrl, splitEventId } from './resource-ids.js';

export const CALDAV = 'caldav';

/** Where a room's copy stands, kept as the sync-state token (JSON). */
interface SyncMark {
  url: string;
  syncToken: string | null;
  ctag: string | null;
  /** The window day the copy was expanded for: a new day re-reads the window in full. */
  day: number;
}

export type SyncPath = 'unchanged' | 'full' | 'sync-collection' | 'etags';

export interface CaldavSyncDeps {
  client: DavClient;
  runner: RequestRunner;
  store: Store;
  clock: Clock;
  log: Logger;
  windowDays: number;
  defaultTimeZone: string;
  /** Resources with a write not yet through (booking, change, release): syncs keep their local version. */
  pendingNames: (roomId: string) => ReadonlySet<string>;
}

const MAX_ROUNDS = 100;

/** The server would not sync from the stored token: read the calendar in full. */
class SyncTokenRefused extends Error {}
const MULTIGET_CHUNK = 100;

/**
 * One room's CalDAV calendar copied into the store. Each poll starts with one PROPFIND of the
 * collection's sync token and ctag: unchanged, that is all it costs. Otherwise RFC 6578
 * sync-collection from the stored token (a rejected token or 410 starts over in full; a
 * truncated 507 answer continues), then a multiget of what changed; servers without sync
 * tokens get a time-range listing of ETags compared with the stored ones. A new day re-reads
 * the window in full, so series instances entering it appear.
 */
export class CaldavSync {
  constructor(private readonly deps: CaldavSyncDeps) {}

  private mark(roomId: string): SyncMark | null {
    const token = this.deps.store.syncState.get(roomId, CALDAV)?.token;
    if (!token) return null;
    try {
      return JSON.parse(token) as SyncMark;
    } catch {
      return null;
    }
  }

  private zone(roomId: string): string {
    return this.deps.store.rooms.get(roomId)?.timeZone ?? this.deps.defaultTimeZone;
  }

  async sync(roomId: string, collection: string): Promise<{ changed: boolean; path: SyncPath }> {
    const { runner, client } = this.deps;
    const window = syncWindow(this.deps.clock.now(), this.deps.windowDays);
    const head = await runner.run('sync.check', () => client.propfind(collection, 0, propfindBody(['d:sync-token', 'cs:getctag'])));
    const props = head.responses.find((r) => isCollection(r.href, collection))?.props ?? head.responses[0]?.props ?? {};
    const now: SyncMark = { url: collection, syncToken: props['sync-token'] || null, ctag: props.getctag || null, day: window.day };
    const mark = this.mark(roomId);
    const current = mark !== null && mark.url === collection && mark.day === window.day;
    if (current && ((now.syncToken !== null && now.syncToken === mark.syncToken) || (now.syncToken === null && now.ctag !== null && now.ctag === mark.ctag))) {
      return { changed: false, path: 'unchanged' };
    }
    if (!current) return { changed: await this.full(roomId, collection, window, now), path: 'full' };
    if (now.syncToken !== null && mark.syncToken !== null) {
      try {
        return { changed: await this.incremental(roomId, collection, mark.syncToken, now), path: 'sync-collection' };
      } catch (e) {
        if (!(e instanceof SyncTokenRefused || (e instanceof ProviderRequestError && (e.status === 410 || (e.status === 403 && e.reason === 'valid-sync-token') || (e.status === 409 && e.reason === 'valid-sync-token'))))) throw e;
        this.deps.log.info({ room: roomId, err: e.message }, 'sync token refused; reading the calendar in full');
        this.deps.store.syncState.clear(roomId, CALDAV);
        return { changed: await this.full(roomId, collection, window, now), path: 'full' };
      }
    }
    return { changed: await this.byEtags(roomId, collection, window, now), path: 'etags' };
  }

  /** Every resource with an event in the window, with its data: the room's events become exactly these. */
  private async full(roomId: string, collection: string, window: { fromMs: number; toMs: number }, mark: SyncMark): Promise<boolean> {
    const ms = await this.deps.runner.run('sync.full', () => this.deps.client.report(collection, calendarQueryBody(window.fromMs, window.toMs, true)));
    const { store } = this.deps;
    const events = new Map<string, CalendarEvent>();
    const metas = new Map<string, EventMeta>();
    for (const r of ms.responses) {
      const data = r.props['calendar-data'];
      if (!data || r.status === 404) continue;
      for (const e of this.expand(roomId, resourceName(r.href), data, window)) {
        events.set(e.id, e);
        metas.set(e.id, { etag: r.props.getetag ?? null });
      }
    }
    return store.transaction(() => {
      // A resource with a write still in the outbox keeps its local version until the write is through.
      for (const name of this.deps.pendingNames(roomId)) {
        for (const id of [...events.keys()]) if (isOfResource(id, name)) events.delete(id);
        for (const e of store.events.listForRoom(roomId)) if (isOfResource(e.id, name)) events.set(e.id, e);
      }
      const result = store.events.replaceAll(roomId, keepCheckIns(store, roomId, [...events.values()]), metas);
      store.syncState.set(roomId, CALDAV, JSON.stringify(mark), { full: true });
      this.deps.log.info({ room: roomId, events: events.size, added: result.added, updated: result.updated, removed: result.removed }, 'full sync');
      return result.changed;
    });
  }

  private async incremental(roomId: string, collection: string, from: string, head: SyncMark): Promise<boolean> {
    const changed = new Map<string, string | null>();
    const deleted = new Set<string>();
    let token = from;
    for (let round = 0; ; round++) {
      if (round >= MAX_ROUNDS) throw new ProviderRequestError(502, null, `sync-collection: still truncated after ${MAX_ROUNDS} rounds`);
      const at = token;
      const ms = await this.deps.runner.run('sync.collection', async () => {
        try {
          return await this.deps.client.report(collection, syncCollectionBody(at));
        } catch (e) {
          // Some servers (Xandikos) answer a token they no longer know with a bare 500; the
          // PROPFIND just before shows the server is up, so the token is what failed.
          if (e instanceof ProviderRequestError && e.status === 500) throw new SyncTokenRefused(e.message);
          throw e;
        }
      });
      let truncated = false;
      for (const r of ms.responses) {
        if (isCollection(r.href, collection)) {
          truncated ||= r.status === 507;
          continue;
        }
        const name = resourceName(r.href);
        if (r.status === 404) {
          deleted.add(name);
          changed.delete(name);
        } else {
          changed.set(name, r.props.getetag ?? null);
          deleted.delete(name);
        }
      }
      token = ms.syncToken ?? token;
      if (!truncated) break;
    }
    const stale = [...changed].filter(([name, etag]) => etag === null || this.storedEtag(roomId, name) !== etag).map(([name]) => name);
    const changedAny = await this.apply(roomId, collection, stale, deleted);
    this.deps.store.syncState.set(roomId, CALDAV, JSON.stringify({ ...head, syncToken: token }));
    return changedAny;
  }

  /** Servers without sync tokens: list the window's ETags, fetch what differs, drop what is gone. */
  private async byEtags(roomId: string, collection: string, window: { fromMs: number; toMs: number }, head: SyncMark): Promise<boolean> {
    const ms = await this.deps.runner.run('sync.etags', () => this.deps.client.report(collection, calendarQueryBody(window.fromMs, window.toMs, false)));
    const there = new Map<string, string | null>();
    for (const r of ms.responses) if (!isCollection(r.href, collection) && r.status !== 404) there.set(resourceName(r.href), r.props.getetag ?? null);
    const here = new Set(this.deps.store.events.listForRoom(roomId).map((e) => splitEventId(e.id).name));
    const pending = this.deps.pendingNames(roomId);
    const gone = new Set([...here].filter((n) => !there.has(n) && !pending.has(n)));
    const stale = [...there].filter(([name, etag]) => etag === null || this.storedEtag(roomId, name) !== etag).map(([name]) => name);
    const changedAny = await this.apply(roomId, collection, stale, gone);
    this.deps.store.syncState.set(roomId, CALDAV, JSON.stringify(head));
    return changedAny;
  }

  private storedEtag(roomId: string, name: string): string | null {
    const e = this.deps.store.events.listForRoom(roomId).find((ev) => isOfResource(ev.id, name));
    return e ? (this.deps.store.events.meta(roomId, e.id)?.etag ?? null) : null;
  }

  /** Fetches the changed resources and replaces their events; removes those of deleted ones. */
  private async apply(roomId: string, collection: string, names: readonly string[], deleted: ReadonlySet<string>): Promise<boolean> {
    const window = syncWindow(this.deps.clock.now(), this.deps.windowDays);
    const fetched = new Map<string, { text: string; etag: string | null } | null>();
    for (let i = 0; i < names.length; i += MULTIGET_CHUNK) {
      const chunk = names.slice(i, i + MULTIGET_CHUNK);
      const hrefs = chunk.map((n) => new URL(resourceUrl(collection, n)).pathname);
      const ms = await this.deps.runner.run('sync.multiget', () => this.deps.client.report(collection, multigetBody(hrefs)));
      for (const r of ms.responses) {
        const name = resourceName(r.href);
        const data = r.props['calendar-data'];
        fetched.set(name, r.status === 404 || !data ? null : { text: data, etag: r.props.getetag ?? null });
      }
    }
    const { store } = this.deps;
    return store.transaction(() => {
      let changed = false;
      const pending = this.deps.pendingNames(roomId);
      for (const name of deleted) if (!pending.has(name)) changed = this.replaceResource(roomId, name, [], null) || changed;
      for (const name of names) {
        const got = fetched.get(name);
        // A write still in the outbox: its local version stands until the write is through.
        if (got === undefined || pending.has(name)) continue;
        if (got === null) {
          changed = this.replaceResource(roomId, name, [], null) || changed;
          continue;
        }
        changed = this.replaceResource(roomId, name, this.expand(roomId, name, got.text, window), got.etag) || changed;
      }
      return changed;
    });
  }

  private replaceResource(roomId: string, name: string, events: readonly CalendarEvent[], etag: string | null): boolean {
    const { store } = this.deps;
    const next = new Map(keepCheckIns(store, roomId, events).map((e) => [e.id, e]));
    let changed = false;
    for (const e of store.events.listForRoom(roomId)) {
      if (isOfResource(e.id, name) && !next.has(e.id)) changed = store.events.remove(roomId, e.id) || changed;
    }
    for (const e of next.values()) changed = store.events.upsert(roomId, e, { etag }) || changed;
    return changed;
  }

  /** One resource's events in the window; a resource that does not parse is logged and left out, never fatal to the room. */
  private expand(roomId: string, name: string, text: string, window: { fromMs: number; toMs: number }): CalendarEvent[] {
    try {
      const cal = parseICalendar(text, `room ${roomId}, resource ${name}`);
      return expandCalendar(cal, { roomZone: this.zone(roomId), fromMs: window.fromMs, toMs: window.toMs, idBase: name });
    } catch (e) {
      this.deps.log.warn({ room: roomId, resource: name, err: (e as Error).message }, 'skipped a calendar object that does not parse');
      return [];
    }
  }
}
