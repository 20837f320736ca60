import { readFileSync } from 'node:fs';
import { FakeClock } from '../shared/clock.js';
import { silentLogger } from '../shared/logger.js';
import { Store } from '../server/store/store.js';
import { createGoogleApi } from '../server/providers/google/google-api.js';
import { GoogleProvider } from '../server/providers/google/google-provider.js';
import type { GoogleApi } from '../server/providers/google/google-types.js';
import { bookingEventId } from '../server/providers/local/booking-id.js';
import { createGraphApi } from '../server/providers/microsoft/graph-api.js';
import type { GraphApi } from '../server/providers/microsoft/graph-types.js';
import { MicrosoftProvider } from '../server/providers/microsoft/microsoft-provider.js';
import type { RemoteCalendar } from '../server/sync/remote-calendar.js';
import { FakeGoogle } from '../test/server/providers/google/fake-google.js';
import { injectedAuth } from '../test/server/providers/google/harness.js';
import { googleConfig } from '../test/server/providers/google/provider-setup.js';
import { selfSignedCert } from '../test/server/providers/google/tls.js';
import { FakeGraph } from '../test/server/providers/microsoft/fake-graph.js';
import { microsoftConfig } from '../test/server/providers/microsoft/harness.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const START = Date.parse('2026-03-02T00:00:00Z');

export interface CrashWeekOptions {
  rooms: number;
  days: number;
  bookingsPerDay: number;
  tenant: 'google' | 'microsoft';
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

  guard<A extends unknown[], R>(fn: (...a: A) => Promise<R>, write: boolean): (...a: A) => Promise<R> {
    return async (...a: A): Promise<R> => {
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
  }
}

/** One fake provider as the crash week uses it. */
interface CrashTenant {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  addCalendar(calendar: string): void;
  /** A provider instance whose every call goes through the fuse. */
  provider(store: Store, clock: FakeClock, fuse: Fuse): RemoteCalendar<{ op: string }>;
  /** Our booking at the provider: its end, cancelled, or missing. */
  state(calendar: string, id: string): number | 'cancelled' | undefined;
  /** Ids of our bookings the calendar holds (each once per event). */
  ours(calendar: string): string[];
  /** Write requests the provider received (slot checks and reads left out), and successful creates. */
  writes(): number;
  creates(): number;
}

function googleCrashTenant(now: () => number): CrashTenant {
  const fake = new FakeGoogle(now);
  fake.pageSize = 250;
  let api: GoogleApi | null = null;
  return {
    name: 'Google',
    start: async () => {
      const root = await fake.start();
      api = createGoogleApi({ auth: injectedAuth(fake.token), apiRoot: root, now });
    },
    stop: () => fake.stop(),
    addCalendar: (c) => void fake.calendars.set(c, new Map()),
    provider: (store, clock, fuse) => {
      const a = api as GoogleApi;
      const wrapped: GoogleApi = {
        listEvents: fuse.guard(a.listEvents.bind(a), false),
        getEvent: fuse.guard(a.getEvent.bind(a), false),
        insertEvent: fuse.guard(a.insertEvent.bind(a), true),
        patchEvent: fuse.guard(a.patchEvent.bind(a), true),
        deleteEvent: fuse.guard(a.deleteEvent.bind(a), true),
        watch: fuse.guard(a.watch.bind(a), false),
        stopChannel: fuse.guard(a.stopChannel.bind(a), false),
        freeBusy: fuse.guard(a.freeBusy.bind(a), false),
        listResources: fuse.guard(a.listResources.bind(a), false),
      };
      return new GoogleProvider({ api: wrapped, store, clock, config: googleConfig({ bookOn: 'room-calendar' }), log: silentLogger(), random: () => 0.5 });
    },
    state: (c, id) => {
      const g = fake.get(c, id);
      return g ? (g.status !== 'cancelled' ? Date.parse(g.end.dateTime ?? '') : 'cancelled') : undefined;
    },
    ours: (c) => [...(fake.calendars.get(c)?.keys() ?? [])],
    writes: () => fake.log.filter((l) => l.method !== 'GET' && !l.path.endsWith('/freeBusy')).length,
    creates: () => fake.log.filter((l) => l.method === 'POST' && l.path.endsWith('/events') && l.status < 300).length,
  };
}

function graphCrashTenant(now: () => number): CrashTenant {
  const tls = selfSignedCert();
  const fake = new FakeGraph(now, { key: readFileSync(tls.keyPath, 'utf8'), cert: tls.cert });
  fake.pageSize = 100;
  let root = '';
  const apis: GraphApi[] = [];
  const byTx = (c: string, id: string) => fake.live(c).find((e) => e.transactionId === id);
  return {
    name: 'Microsoft',
    start: async () => {
      root = await fake.start();
    },
    stop: async () => {
      for (const a of apis) a.close();
      await fake.stop();
      tls.cleanup();
    },
    addCalendar: (c) => void fake.mailbox(c),
    provider: (store, clock, fuse) => {
      const a = createGraphApi({ getToken: async () => fake.token, apiRoot: root, ca: tls.cert, now });
      apis.push(a);
      const wrapped: GraphApi = {
        deltaStart: fuse.guard(a.deltaStart.bind(a), false),
        deltaFollow: fuse.guard(a.deltaFollow.bind(a), false),
        createEvent: fuse.guard(a.createEvent.bind(a), true),
        getEvent: fuse.guard(a.getEvent.bind(a), false),
        calendarView: fuse.guard(a.calendarView.bind(a), false),
        getSchedule: fuse.guard(a.getSchedule.bind(a), false),
        patchEvent: fuse.guard(a.patchEvent.bind(a), true),
        cancelEvent: fuse.guard(a.cancelEvent.bind(a), true),
        declineEvent: fuse.guard(a.declineEvent.bind(a), true),
        createSubscription: fuse.guard(a.createSubscription.bind(a), false),
        renewSubscription: fuse.guard(a.renewSubscription.bind(a), false),
        reauthorizeSubscription: fuse.guard(a.reauthorizeSubscription.bind(a), false),
        deleteSubscription: fuse.guard(a.deleteSubscription.bind(a), false),
        listRooms: fuse.guard(a.listRooms.bind(a), false),
        close: () => a.close(),
      };
      return new MicrosoftProvider({ api: wrapped, store, clock, config: microsoftConfig({ apiRoot: root }), log: silentLogger(), random: () => 0.5 });
    },
    state: (c, id) => {
      const g = byTx(c, id);
      if (g) return Date.parse(`${g.end.dateTime.slice(0, 19)}Z`);
      // Cancelled by its organizer (the room): gone from the mailbox, as Graph does.
      return fake.mailbox(c).size > 0 && [...fake.mailbox(c).values()].some((s) => s.event.transactionId === id) ? 'cancelled' : undefined;
    },
    ours: (c) => fake.live(c).map((e) => e.transactionId ?? e.id),
    writes: () => fake.log.filter((l) => l.method !== 'GET' && !l.path.endsWith('/getSchedule')).length,
    // A repeated create with the same transactionId answers the first event: count the events made.
    creates: () => [...fake.mailboxes.values()].reduce((n, m) => n + m.size, 0),
  };
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
  const o: CrashWeekOptions = { rooms: 5, days: 7, bookingsPerDay: 3, tenant: 'google', ...opts };
  const clock = new FakeClock(START);
  const fake = (o.tenant === 'google' ? googleCrashTenant : graphCrashTenant)(() => clock.now());
  await fake.start();
  const rooms = Array.from({ length: o.rooms }, (_, i) => ({ id: `room${i + 1}`, name: `Room ${i + 1}`, calendar: `room${i + 1}@resource.example.com` }));
  for (const r of rooms) fake.addCalendar(r.calendar);
  const store = Store.open({ path: ':memory:', clock });
  store.rooms.upsertFromConfig(rooms);
  const crashes: Record<CrashStep, number> = { decided: 0, sent: 0, done: 0 };
  type Provider = RemoteCalendar<{ op: string }>;
  const live: Provider[] = [];

  let fuse = new Fuse();
  const boot = async (): Promise<Provider> => {
    fuse = new Fuse();
    const p = fake.provider(store, clock, fuse);
    live.push(p);
    await p.start();
    return p;
  };
  const pendingWrites = (): number => store.outbox.list({ kind: live[0]?.writeOutboxKind ?? '', state: 'pending' }).length;
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
  const write = async (start: (p: Provider) => Promise<unknown>): Promise<void> => {
    const decidedBy = fuse;
    decidedBy.beforeWrite = true;
    const writesAtGoogle = (): number => fake.writes();
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
    // A fresh sync keeps only what ends after the start of yesterday (Graph's delta window moves each day).
    const keptFrom = clock.now() - (clock.now() % DAY) - DAY;
    for (const b of bookings) {
      const cal = rooms.find((r) => r.id === b.roomId)?.calendar ?? '';
      const g = fake.state(cal, b.id);
      const local = store.events.get(b.roomId, b.id);
      const kept = b.end === 'cancelled' || b.end > keptFrom;
      // A sync drops cancelled meetings from the store; the provider keeps them marked cancelled (or drops them).
      const localState = local && local.status !== 'cancelled' ? Date.parse(local.end) : kept ? 'cancelled' : b.end;
      const googleState = g ?? 'cancelled';
      if (g === undefined || (b.end !== 'cancelled' && !local && kept)) lost.push(b.id);
      else if (googleState !== b.end || localState !== b.end) disagree.push(b.id);
    }
    // Anything of ours at Google or in the store beyond the bookings made is a double.
    const doubled = new Set<string>();
    for (const r of rooms) {
      const held = fake.ours(r.calendar);
      for (const id of held) if (!ours.has(id)) doubled.add(id);
      for (const id of held.filter((x, i) => held.indexOf(x) !== i)) doubled.add(`${id} twice`);
      for (const e of store.events.listForRoom(r.id, START)) if (!ours.has(e.id)) doubled.add(e.id);
    }
    const inserted = fake.creates();
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
    `crashes (${r.options.tenant}): ${r.bookings} bookings over ${r.options.days} days in ${r.options.rooms} rooms, ${r.writes} writes (book, extend, cancel), ` +
    `${total} crashes injected (${r.crashes.decided} decided-not-sent, ${r.crashes.sent} sent-not-done, ${r.crashes.done} after done); ` +
    `lost ${r.lost.length}, doubled ${r.doubled.length}, store disagrees ${r.disagree.length}`
  );
}
