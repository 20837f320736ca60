import type { FakeClock } from '../../../../shared/clock.js';
import { ProviderSchema, type CaldavProviderConfig } from '../../../../shared/config/schema.js';
import { silentLogger, type Logger } from '../../../../shared/logger.js';
import type { CalendarEvent } from '../../../../shared/model/event.js';
import { Store } from '../../../../server/store/store.js';
import { CaldavProvider } from '../../../../server/providers/caldav/caldav-provider.js';
import type { HttpFetch } from '../../../../server/providers/ical/http.js';

export function caldavConfig(extra: Record<string, unknown> = {}): CaldavProviderConfig {
  const parsed = ProviderSchema.parse({ kind: 'caldav', ...extra });
  if (parsed.kind !== 'caldav') throw new Error('expected a caldav config');
  return parsed;
}

export function newStore(clock: FakeClock, rooms: Array<{ id: string; calendar: string }>): Store {
  const store = Store.open({ path: ':memory:', clock });
  store.rooms.upsertFromConfig(rooms.map((r) => ({ ...r, name: r.id, timeZone: 'Europe/Berlin' })));
  return store;
}

export function newProvider(store: Store, clock: FakeClock, opts: { fetch?: HttpFetch; config?: Record<string, unknown>; log?: Logger } = {}): CaldavProvider {
  return new CaldavProvider({
    store,
    clock,
    config: caldavConfig(opts.config),
    log: opts.log ?? silentLogger(),
    defaultTimeZone: 'UTC',
    random: () => 0.5,
    fetch: opts.fetch,
    // Real servers on loopback answer at once; a retry waits on the fake clock, which these tests do not move.
    retry: { baseMs: 1, maxMs: 1, maxAttempts: 1 },
  });
}

/** One line per live event, sorted: start end title [flags]. */
export function agendaTable(events: readonly CalendarEvent[]): string[] {
  return events
    .filter((e) => e.status !== 'cancelled')
    .map((e) => `${e.start} ${e.end} ${e.title}${e.private ? ' [private]' : ''}${e.roomResponse !== 'accepted' ? ` [${e.roomResponse}]` : ''}`)
    .sort();
}

/** What a fresh server process reading the calendar in full would store: the reference for convergence. */
export async function freshRead(clock: FakeClock, rooms: Array<{ id: string; calendar: string }>, roomId: string): Promise<CalendarEvent[]> {
  const store = newStore(clock, rooms);
  try {
    const p = newProvider(store, clock);
    await p.sync(roomId);
    return store.events.listForRoom(roomId);
  } finally {
    store.close();
  }
}
