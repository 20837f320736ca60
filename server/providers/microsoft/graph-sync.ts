import type { Clock } from '../../../shared/clock.js';
import type { Logger } from '../../../shared/logger.js';
import type { CalendarEvent } from '../../../shared/model/event.js';
import type { Store } from '../../store/store.js';
import { parseEvent } from '../../store/repos/events.js';
import { ProviderRequestError } from '../../sync/provider-error.js';
import type { RequestRunner } from '../../sync/request-runner.js';
import type { BookingIds } from './booking-ids.js';
import { BOOKING_PROPERTY, bookingMetaOf, isBookingId, toCalendarEvent } from './graph-mapping.js';
import type { GraphApi, GraphDeltaPage, GraphEvent } from './graph-types.js';

export const MICROSOFT = 'microsoft';
const DAY = 86_400_000;

export interface GraphSyncDeps {
  api: GraphApi;
  runner: RequestRunner;
  store: Store;
  clock: Clock;
  log: Logger;
  ids: BookingIds;
  /** Runs one Graph call against a mailbox within its concurrency limit. */
  limit: <T>(mailbox: string, fn: () => Promise<T>) => Promise<T>;
  /** Days after today the window reaches. */
  windowDays?: number;
  /** Ids written locally but not yet sent (pending outbox creates): a fresh delta keeps them. */
  pendingIds?: (roomId: string) => ReadonlySet<string>;
}

/** Whether Graph says the delta link is no longer any good: start again. */
export function isStaleDelta(e: unknown): boolean {
  return e instanceof ProviderRequestError && (e.status === 410 || e.reason?.toLowerCase() === 'syncstatenotfound' || e.reason?.toLowerCase() === 'resyncrequired');
}

/**
 * One room mailbox's calendar view, copied into the store. A fresh delta covers a fixed window
 * (from the start of yesterday, UTC, to `windowDays` on); its pages are followed by
 * `@odata.nextLink` to the `@odata.deltaLink`, which is stored whole and later called as is to
 * get only what changed. Items marked `@removed` are deletions. A delta link Graph no longer
 * knows (410, syncStateNotFound) or a window that has slid a day is replaced by a fresh delta.
 */
export class GraphSync {
  constructor(private readonly deps: GraphSyncDeps) {}

  async sync(roomId: string, mailbox: string, pending?: ReadonlySet<string>): Promise<{ changed: boolean; full: boolean }> {
    const state = this.deps.store.syncState.get(roomId, MICROSOFT);
    // A window made before today's midnight has slid a day: its far end no longer reaches 15 days on.
    const today = this.windowStart() + DAY;
    if (state?.token && (state.fullSyncAt ?? 0) >= today) {
      try {
        return { changed: await this.incremental(roomId, mailbox, state.token), full: false };
      } catch (e) {
        if (!isStaleDelta(e)) throw e;
        this.deps.log.info({ room: roomId }, 'delta link no longer valid; starting a fresh delta');
        this.deps.store.syncState.clear(roomId, MICROSOFT);
      }
    }
    return { changed: await this.fresh(roomId, mailbox, pending ?? this.deps.pendingIds?.(roomId) ?? new Set()), full: true };
  }

  /** Midnight UTC at the start of yesterday. */
  private windowStart(): number {
    const now = this.deps.clock.now();
    return now - (now % DAY) - DAY;
  }

  private async pages(mailbox: string, first: () => Promise<GraphDeltaPage>, kind: string): Promise<{ items: GraphEvent[]; deltaLink: string }> {
    const items: GraphEvent[] = [];
    let p = await this.deps.runner.run(kind, () => this.deps.limit(mailbox, first));
    for (;;) {
      items.push(...p.value);
      if (p.nextLink) {
        const next = p.nextLink;
        p = await this.deps.runner.run(kind, () => this.deps.limit(mailbox, () => this.deps.api.deltaFollow(next)));
        continue;
      }
      if (!p.deltaLink) throw new ProviderRequestError(502, null, `calendarView.delta ${mailbox}: last page has no @odata.deltaLink`);
      return { items, deltaLink: p.deltaLink };
    }
  }

  private async fresh(roomId: string, mailbox: string, pending: ReadonlySet<string>): Promise<boolean> {
    const from = this.windowStart();
    const to = from + ((this.deps.windowDays ?? 14) + 1) * DAY;
    const listed = await this.pages(mailbox, () => this.deps.api.deltaStart(mailbox, new Date(from).toISOString(), new Date(to).toISOString()), 'sync.full');
    const items = await this.withOurFields(roomId, mailbox, listed.items);
    const { deltaLink } = listed;
    const { store } = this.deps;
    return store.transaction(() => {
      const kept = new Map<string, CalendarEvent>();
      for (const g of items) {
        if (g['@removed'] || !g.id) continue;
        const e = this.map(roomId, mailbox, g);
        if (e) kept.set(e.id, e);
      }
      for (const id of pending) {
        const local = store.events.get(roomId, id);
        if (local && !kept.has(id)) kept.set(id, local);
      }
      const result = store.events.replaceAll(roomId, [...kept.values()]);
      store.syncState.set(roomId, MICROSOFT, deltaLink, { full: true });
      this.deps.log.info({ room: roomId, events: kept.size, added: result.added, updated: result.updated, removed: result.removed }, 'fresh delta');
      return result.changed;
    });
  }

  private async incremental(roomId: string, mailbox: string, link: string): Promise<boolean> {
    const listed = await this.pages(mailbox, () => this.deps.api.deltaFollow(link), 'sync.delta');
    const items = await this.withOurFields(roomId, mailbox, listed.items);
    const { deltaLink } = listed;
    const { store } = this.deps;
    return store.transaction(() => {
      let changed = false;
      for (const g of items) {
        if (!g.id) continue;
        if (g['@removed']) {
          const localId = this.deps.ids.localId(roomId, g.id);
          changed = store.events.remove(roomId, localId) || changed;
          continue;
        }
        const e = this.map(roomId, mailbox, g);
        if (e) changed = store.events.upsert(roomId, e) || changed;
      }
      store.syncState.set(roomId, MICROSOFT, deltaLink);
      return changed;
    });
  }

  /**
   * Our bookings this store does not know (a server rebuilt on an empty data directory): a delta
   * cannot return extended properties, so each is read once more with ours expanded.
   */
  private async withOurFields(roomId: string, mailbox: string, items: GraphEvent[]): Promise<GraphEvent[]> {
    const out: GraphEvent[] = [];
    for (const g of items) {
      const tx = g.transactionId;
      const unknown = g.id && !g['@removed'] && isBookingId(tx) && this.deps.ids.graphId(roomId, tx ?? '') === null && !this.deps.store.events.get(roomId, tx ?? '');
      if (!unknown || !g.id) {
        out.push(g);
        continue;
      }
      const id = g.id;
      try {
        out.push(await this.deps.runner.run('sync.ours', () => this.deps.limit(mailbox, () => this.deps.api.getEvent(mailbox, id, BOOKING_PROPERTY))));
      } catch (e) {
        if (!(e instanceof ProviderRequestError && e.status === 404)) throw e;
      }
    }
    return out;
  }

  /** The stored id: ours when the event carries the transactionId of one of our bookings. */
  private localIdOf(roomId: string, g: GraphEvent): string {
    const id = g.id ?? '';
    const tx = g.transactionId;
    if (tx && (this.deps.ids.graphId(roomId, tx) !== null || this.deps.store.events.get(roomId, tx) || (isBookingId(tx) && bookingMetaOf(g)))) {
      if (this.deps.ids.graphId(roomId, tx) !== id) this.deps.ids.remember(roomId, tx, id);
      return tx;
    }
    return this.deps.ids.localId(roomId, id);
  }

  /** Maps one event; an event Graph sent malformed is logged and skipped, never fatal to the room. */
  private map(roomId: string, mailbox: string, g: GraphEvent): CalendarEvent | null {
    try {
      const localId = this.localIdOf(roomId, g);
      return parseEvent(roomId, toCalendarEvent(g, localId, mailbox, this.deps.store.events.get(roomId, localId)));
    } catch (e) {
      this.deps.log.warn({ room: roomId, event: g.id, err: (e as Error).message }, 'skipped an event Graph sent malformed');
      return null;
    }
  }
}
