import { FakeClock } from '../shared/clock.js';
import { silentLogger } from '../shared/logger.js';
import { Store } from '../server/store/store.js';
import { createGoogleApi } from '../server/providers/google/google-api.js';
import { GoogleProvider } from '../server/providers/google/google-provider.js';
import type { GoogleApi } from '../server/providers/google/google-types.js';
import { bookingEventId } from '../server/providers/local/booking-id.js';
import { WRITE_KIND } from '../server/providers/google/google-writes.js';
import { FakeGoogle } from '../test/server/providers/google/fake-google.js';
import { injectedAuth } from '../test/server/providers/google/harness.js';
import { googleConfig } from '../test/server/providers/google/provider-setup.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const START = Date.parse('2026-03-02T00:00:00Z');

export interface CrashWeekOptions {
  rooms: number;
  days: number;
  bookingsPerDay: number;
}

export type CrashStep = 'decided' | 'sent' | 'done';

export interface CrashWeekResult {
  options: CrashWeekOptions;
  bookings: number;
  /** Provider writes made (book, extend, cancel); each met a crash at every step of the outbox. */
  writes: number;
  crashes: Record<CrashStep, number>;
  /** Bookings missing at Google, or (unless cancelled) in the store. */
  lost: string[];
  /** Bookings Google holds more than once (any of our events beyond the bookings made). */
  doubled: string[];
  /** Bookings whose end or cancellation, at Google or in the store, is not what was last asked. */
  disagree: string[];
}

/**
 * What "crashed" means to a provider instance: every call it makes to Google from then on never
 * answers, so it can change nothing more, as if the process had died. `beforeWrite` dies at the
 * next write, before it leaves (reads before it, such as the slot check, go through);
 * `afterWrite` lets the next write through to Google and dies before its answer reaches the outbox.
 */
class Fuse {
  dead = false;
  beforeWrite = false;
  afterWrite = false;
  private readonly never = <T>(): Promise<T> => new Promise<T>(() => undefined);

  wrap(api: GoogleApi): GoogleApi {
    const guard =
      <A extends unknown[], R>(fn: (...a: A) => Promise<R>, write: boolean) =>
      async (...a: A): Promise<R> => {
        if (this.dead) return this.never();
        if (write && this.beforeWrite) {
          this.dead = true;
          return this.never();
        }
        const r = await fn(...a);
        if (this.dead) return this.never();
        if (write && this.afterWrite) {
          this.dead = true;
          return this.never();
        }
        return r;
      };
    return {
      listEvents: guard(api.listEvents.bind(api), false),
      getEvent: guard(api.getEvent.bind(api), false),
      insertEvent: guard(api.insertEvent.bind(api), true),
      patchEvent: guard(api.patchEvent.bind(api), true),
      deleteEvent: guard(api.deleteEvent.bind(api), true),
      watch: guard(api.watch.bind(api), false),
      stopChannel: guard(api.stopChannel.bind(api), false),
      freeBusy: guard(api.freeBusy.bind(api), false),
      listResources: guard(api.listResources.bind(api), false),
    };
  }
}

const pause = (): Promise<void> => new Promise((r) => setTimeout(r, 1));

/**
 * A simulated week of bookings made through the Google provider (as BookingService makes them:
 * book, then some extended, some cancelled), each write crashed at every step of the outbox:
 * right after the local transaction (decided, not sent), after Google accepted it but before the
 * outbox marked it done (sent), and after it was marked done. Each crash drops the provider
 * without stopping it and builds a new one on the same store, which resumes the outbox at start.
 * At the end Google and the store are compared booking by booking.
 */
export async function runCrashWeek(opts: Partial<CrashWeekOptions> = {}): Promise<CrashWeekResult> {
  const o: CrashWeekOptions = { rooms: 5, days: 7, bookingsPerDay: 3, ...opts };
  const clock = new FakeClock(START);
  const fake = new FakeGoogle(() => clock.now());
  fake.pageSize = 250;
  const root = await fake.start();
  const rooms = Array.from({ length: o.rooms }, (_, i) => ({ id: `room${i + 1}`, name: `Room ${i + 1}`, calendar: `room${i + 1}@resource.example.com` }));
  for (const r of rooms) fake.calendars.set(r.calendar, new Map());
  const store = Store.open({ path: ':memory:', clock });
  store.rooms.upsertFromConfig(rooms);
  const api = createGoogleApi({ auth: injectedAuth(fake.token), apiRoot: root, now: () => clock.now() });
  const config = googleConfig({ bookOn: 'room-calendar' });
  const crashes: Record<CrashStep, number> = { decided: 0, sent: 0, done: 0 };
  const live: GoogleProvider[] = [];

  let fuse = new Fuse();
  const boot = async (): Promise<GoogleProvider> => {
    fuse = new Fuse();
    const p = new GoogleProvider({ api: fuse.wrap(api), store, clock, config, log: silentLogger(), random: () => 0.5 });
    live.push(p);
    await p.start();
    return p;
  };
  const pendingWrites = (): number => store.outbox.list({ kind: WRITE_KIND, state: 'pending' }).length;
  const until = async (cond: () => boolean, what: string): Promise<void> => {
    for (let i = 0; i < 5000; i++) {
      if (cond()) return;
      await clock.advanceAsync(1000);
      await pause();
    }
    throw new Error(`crash week: timed out waiting for ${what}`);
  };
  const crash = (step: CrashStep): void => {
    fuse.dead = true;
    crashes[step]++;
  };

  /**
   * One write, crashed three times: `start` begins it on a fuse that is already blown (decided,
   * not sent); the next instance's resend reaches Google and dies before "done"; the one after
   * finishes it and dies just after.
   */
  let provider = await boot();
  const write = async (start: (p: GoogleProvider) => Promise<unknown>): Promise<void> => {
    const decidedBy = fuse;
    decidedBy.beforeWrite = true;
    const writesAtGoogle = (): number => fake.log.filter((l) => l.method !== 'GET' && !l.path.endsWith('/freeBusy')).length;
    const before = writesAtGoogle();
    void start(provider).catch(() => undefined);
    await until(() => decidedBy.dead, 'the write to be decided');
    crash('decided');
    if (writesAtGoogle() !== before) throw new Error('crash week: a dead instance reached Google');
    provider = await boot();
    const sentBy = fuse;
    sentBy.afterWrite = true;
    await until(() => sentBy.dead, 'the resend to reach Google');
    crashes.sent++;
    provider = await boot();
    await until(() => pendingWrites() === 0, 'the outbox to empty');
    crash('done');
    provider = await boot();
  };

  /** Each booking made, and how it should end up: its end time, or cancelled. */
  const bookings: Array<{ roomId: string; id: string; end: number | 'cancelled' }> = [];
  let writes = 0;
  try {
    let n = 0;
    for (let d = 0; d < o.days; d++) {
      for (let k = 0; k < o.bookingsPerDay; k++) {
        await clock.advanceAsync(START + d * DAY + (8 + k * 3) * HOUR - clock.now());
        const room = rooms[n % rooms.length];
        if (!room) break;
        const from = clock.now() + HOUR;
        const key = `crash-${n}`;
        n++;
        const id = bookingEventId(key);
        await write(async (p) => {
          await p.book({ key, roomId: room.id, start: new Date(from).toISOString(), end: new Date(from + 30 * MIN).toISOString(), title: `Booking ${n}`, organizer: null, bookedVia: 'panel', checkInRequired: false });
        });
        writes++;
        const booking: (typeof bookings)[number] = { roomId: room.id, id, end: from + 30 * MIN };
        bookings.push(booking);
        if (k % 3 === 1) {
          booking.end = from + 60 * MIN;
          await write((p) => p.setEnd(room.id, id, new Date(from + 60 * MIN).toISOString()));
          writes++;
        } else if (k % 3 === 2) {
          booking.end = 'cancelled';
          await write((p) => p.cancel(room.id, id));
          writes++;
        }
      }
    }
    for (const r of rooms) await provider.sync(r.id);

    const ours = new Set(bookings.map((b) => b.id));
    const lost: string[] = [];
    const disagree: string[] = [];
    for (const b of bookings) {
      const cal = rooms.find((r) => r.id === b.roomId)?.calendar ?? '';
      const g = fake.get(cal, b.id);
      const local = store.events.get(b.roomId, b.id);
      // A sync drops cancelled meetings from the store; Google keeps them marked cancelled.
      const localState = local && local.status !== 'cancelled' ? Date.parse(local.end) : 'cancelled';
      const googleState = g && g.status !== 'cancelled' ? Date.parse(g.end.dateTime ?? '') : 'cancelled';
      if (!g || (b.end !== 'cancelled' && !local)) lost.push(b.id);
      else if (googleState !== b.end || localState !== b.end) disagree.push(b.id);
    }
    // Anything of ours at Google or in the store beyond the bookings made is a double.
    const doubled = new Set<string>();
    for (const r of rooms) {
      for (const id of fake.calendars.get(r.calendar)?.keys() ?? []) if (!ours.has(id)) doubled.add(id);
      for (const e of store.events.listForRoom(r.id, START)) if (!ours.has(e.id)) doubled.add(e.id);
    }
    const inserted = fake.log.filter((l) => l.method === 'POST' && l.path.endsWith('/events') && l.status < 300).length;
    if (inserted > bookings.length) doubled.add(`${inserted - bookings.length} extra inserts`);
    return { options: o, bookings: bookings.length, writes, crashes, lost, doubled: [...doubled], disagree };
  } finally {
    // Only the last instance can stop cleanly; the crashed ones can do nothing more, their calls never answer.
    if (!fuse.dead) await live.at(-1)?.stop();
    store.close();
    await fake.stop();
  }
}

export function formatCrashWeek(r: CrashWeekResult): string {
  const total = r.crashes.decided + r.crashes.sent + r.crashes.done;
  return (
    `crashes: ${r.bookings} bookings over ${r.options.days} days in ${r.options.rooms} rooms, ${r.writes} writes (book, extend, cancel), ` +
    `${total} crashes injected (${r.crashes.decided} decided-not-sent, ${r.crashes.sent} sent-not-done, ${r.crashes.done} after done); ` +
    `lost ${r.lost.length}, doubled ${r.doubled.length}, store disagrees ${r.disagree.length}`
  );
}
