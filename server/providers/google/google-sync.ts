import type { Clock } from '../../../shared/clock.js';
import type { Logger } from '../../../shared/logger.js';
import type { CalendarEvent } from '../../../shared/model/event.js';
import type { Store } from '../../store/store.js';
import { parseEvent, type EventMeta } from '../../store/repos/events.js';
import { ProviderRequestError } from '../../sync/provider-error.js';
import type { RequestRunner } from '../../sync/request-runner.js';
import type { GoogleApi, GoogleEvent } from './google-types.js';
import { toCalendarEvent } from './google-mapping.js';

export const GOOGLE = 'google';
const DAY = 86_400_000;

export interface GoogleSyncDeps {
  api: GoogleApi;
  runner: RequestRunner;
  store: Store;
  clock: Clock;
  log: Logger;
  /** Events that ended longer ago than this are not fetched or kept. */
  keepPastMs?: number;
  pageSize?: number;
  /** Event ids written locally but not yet sent (pending outbox inserts): a full sync keeps them. */
  pendingIds?: (roomId: string) => ReadonlySet<string>;
}

export interface SyncResult {
  changed: boolean;
  full: boolean;
}

/**
 * One room's calendar, copied into the store. The first sync (and any after Google answers 410
 * Gone) lists every event from a day ago on, recurrences expanded, page by page; the sync token
 * from the last page then fetches only what changed. Cancelled items in an incremental answer
 * are deletions.
 */
export class GoogleSync {
  constructor(private readonly deps: GoogleSyncDeps) {}

  async sync(roomId: string, calendarId: string, pending?: ReadonlySet<string>): Promise<SyncResult> {
    const token = this.deps.store.syncState.get(roomId, GOOGLE)?.token ?? null;
    if (token) {
      try {
        return { changed: await this.incremental(roomId, calendarId, token), full: false };
      } catch (e) {
        if (!(e instanceof ProviderRequestError && e.status === 410)) throw e;
        this.deps.log.info({ room: roomId }, 'sync token expired; syncing in full');
        this.deps.store.syncState.clear(roomId, GOOGLE);
      }
    }
    return { changed: await this.full(roomId, calendarId, pending ?? this.deps.pendingIds?.(roomId) ?? new Set()), full: true };
  }

  private windowStart(): number {
    return this.deps.clock.now() - (this.deps.keepPastMs ?? DAY);
  }

  private async pages(roomId: string, calendarId: string, first: { syncToken?: string; timeMin?: string }, kind: string): Promise<{ items: GoogleEvent[]; syncToken: string }> {
    const items: GoogleEvent[] = [];
    let pageToken: string | undefined;
    for (;;) {
      const page = await this.deps.runner.run(kind, () =>
        this.deps.api.listEvents(calendarId, { ...first, pageToken, maxResults: this.deps.pageSize ?? 250 }),
      );
      items.push(...page.items);
      // A page may be empty and still point to the next one; only the last carries the sync token.
      if (page.nextPageToken) {
        pageToken = page.nextPageToken;
        continue;
      }
      if (!page.nextSyncToken) throw new ProviderRequestError(502, null, `events.list ${calendarId} (room ${roomId}): last page has no nextSyncToken`);
      return { items, syncToken: page.nextSyncToken };
    }
  }

  private async full(roomId: string, calendarId: string, pending: ReadonlySet<string>): Promise<boolean> {
    const from = this.windowStart();
    const { items, syncToken } = await this.pages(roomId, calendarId, { timeMin: new Date(from).toISOString() }, 'sync.full');
    const { store } = this.deps;
    return store.transaction(() => {
      const kept = new Map<string, CalendarEvent>();
      const metas = new Map<string, EventMeta>();
      for (const g of items) {
        if (g.status === 'cancelled' || !g.id) continue;
        const e = this.map(roomId, calendarId, g);
        if (e) {
          kept.set(e.id, e);
          metas.set(e.id, { etag: g.etag ?? null, sequence: g.sequence ?? 0 });
        }
      }
      for (const id of pending) {
        const local = store.events.get(roomId, id);
        if (local && !kept.has(id)) kept.set(id, local);
      }
      const result = store.events.replaceAll(roomId, [...kept.values()], metas);
      store.syncState.set(roomId, GOOGLE, syncToken, { full: true });
      this.deps.log.info({ room: roomId, events: kept.size, added: result.added, updated: result.updated, removed: result.removed }, 'full sync');
      return result.changed;
    });
  }

  private async incremental(roomId: string, calendarId: string, token: string): Promise<boolean> {
    const { items, syncToken } = await this.pages(roomId, calendarId, { syncToken: token }, 'sync.incremental');
    const { store } = this.deps;
    const from = this.windowStart();
    return store.transaction(() => {
      let changed = false;
      for (const g of items) {
        if (!g.id) continue;
        const e = g.status === 'cancelled' ? null : this.map(roomId, calendarId, g);
        if (!e || Date.parse(e.end.length === 10 ? `${e.end}T23:59:59Z` : e.end) < from) {
          changed = store.events.remove(roomId, g.id) || changed;
          continue;
        }
        changed = store.events.upsert(roomId, e, { etag: g.etag ?? null, sequence: g.sequence ?? 0 }) || changed;
      }
      store.syncState.set(roomId, GOOGLE, syncToken);
      return changed;
    });
  }

  /** Maps one event; an event Google sent malformed is logged and skipped, never fatal to the room. */
  private map(roomId: string, calendarId: string, g: GoogleEvent): CalendarEvent | null {
    try {
      return parseEvent(roomId, toCalendarEvent(g, calendarId, this.deps.store.events.get(roomId, g.id ?? '')));
    } catch (e) {
      this.deps.log.warn({ room: roomId, event: g.id, err: (e as Error).message }, 'skipped an event Google sent malformed');
      return null;
    }
  }
}
