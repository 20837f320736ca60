import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { FakeClock } from '../shared/clock.js';
import { parseConfig } from '../shared/config/load.js';
import { silentLogger } from '../shared/logger.js';
import { Store } from '../server/store/store.js';
import { createProvider, type ProviderDeps } from '../server/providers/create-provider.js';
import type { RemoteCalendar } from '../server/sync/remote-calendar.js';
import { FakeGoogle } from '../test/server/providers/google/fake-google.js';
import { injectedAuth } from '../test/server/providers/google/harness.js';
import { selfSignedCert } from '../test/server/providers/google/tls.js';
import { FakeGraph } from '../test/server/providers/microsoft/fake-graph.js';
import { table } from './table.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const START = Date.parse('2026-03-02T00:00:00Z');

export interface ProviderBenchOptions {
  rooms: number;
  days: number;
  changesPerRoomDay: number;
  outageMins: number;
  seed: number;
  /** Which fake tenant the week runs on. */
  tenant: 'google' | 'microsoft';
}

/** A meeting on a fake calendar, in the terms the week edits it. */
interface WeekEvent {
  id: string;
  start: number;
  end: number;
  title: string;
}

/** One fake provider as the simulated week drives it: its calendars, its pushes, its request log. */
interface Tenant {
  label: string;
  /** What the safety net is called at this provider. */
  net: string;
  start(): Promise<string>;
  stop(): Promise<void>;
  addCalendar(calendar: string): void;
  put(calendar: string, e: WeekEvent): void;
  remove(calendar: string, id: string): void;
  /** Meetings not cancelled. */
  live(calendar: string): WeekEvent[];
  /** Pushes a change of the calendar to every live subscription; returns how many were sent. */
  notify(calendar: string): Promise<number>;
  /** Google greets a new channel with a "sync" message; Graph sends nothing. */
  greet(): Promise<void>;
  outage(from: number, to: number): void;
  log(): ReadonlyArray<{ method: string; path: string; status: number }>;
  kind(method: string, path: string): string;
  kinds: readonly string[];
  provider(root: string, webhook: Record<string, unknown>): Record<string, unknown>;
  deps(): Partial<ProviderDeps>;
}

export interface ProviderBenchResult {
  options: ProviderBenchOptions;
  changes: number;
  notifications: number;
  /** Notifications the provider never delivered (one a day), and how many the safety net brought in. */
  dropped: number;
  caught: number;
  /** The longest a dropped change stayed missing, in simulated minutes. */
  worstCatchMins: number;
  /** Requests answered 503 during the outage (retries included). */
  failedRequests: number;
  /** Rooms reported stale during the outage. */
  staleRooms: number;
  converged: boolean;
  mismatched: string[];
  /** Requests by kind over the whole run, as the fake logged them, and those of them answered 503. */
  requests: Record<string, number>;
  refused: Record<string, number>;
  /** How the table names the API, its safety net, and the request kinds it lists first. */
  label: string;
  net: string;
  kinds: readonly string[];
  wallSecs: number;
}

/** Small seeded generator (mulberry32): the same week every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What a request to the fake was, by method and path. */
export function requestKind(method: string, path: string): string {
  if (path === '/calendar/v3/channels/stop') return 'stop';
  if (path === '/calendar/v3/freeBusy') return 'freeBusy';
  if (path.startsWith('/admin/')) return 'resources';
  if (path.endsWith('/events/watch')) return 'watch';
  if (path.endsWith('/events')) return method === 'GET' ? 'list' : method === 'POST' ? 'insert' : method.toLowerCase();
  if (method === 'PATCH') return 'patch';
  if (method === 'DELETE') return 'delete';
  if (method === 'GET') return 'get';
  return `${method} ${path}`;
}

/** What a request to the Graph fake was, by method and path. */
export function graphRequestKind(method: string, path: string): string {
  if (path.endsWith('/calendarView/delta')) return 'delta';
  if (path.endsWith('/calendarView')) return 'calendarView';
  if (path.endsWith('/getSchedule')) return 'getSchedule';
  if (path.includes('/subscriptions')) return method === 'POST' && !/subscriptions\/[^/]+/.test(path) ? 'subscribe' : method === 'PATCH' ? 'renew' : method === 'DELETE' ? 'unsubscribe' : `subscriptions ${method}`;
  if (path.endsWith('/cancel')) return 'cancel';
  if (path.endsWith('/decline')) return 'decline';
  if (path.endsWith('/events')) return method === 'POST' ? 'create' : 'events';
  if (method === 'PATCH') return 'patch';
  if (method === 'GET') return 'get';
  return `${method} ${path}`;
}

function googleTenant(now: () => number, tls: ReturnType<typeof selfSignedCert>): Tenant {
  const fake = new FakeGoogle(now, tls.cert);
  fake.pageSize = 250;
  return {
    label: 'Google API',
    net: 'freeBusy',
    start: () => fake.start(),
    stop: () => fake.stop(),
    addCalendar: (c) => void fake.calendars.set(c, new Map()),
    put: (c, e) => fake.put(c, { id: e.id, status: 'confirmed', summary: e.title, organizer: { email: 'someone@example.com' }, start: { dateTime: iso(e.start) }, end: { dateTime: iso(e.end) } }),
    remove: (c, id) => fake.remove(c, id),
    live: (c) =>
      [...(fake.calendars.get(c)?.values() ?? [])]
        .map((s) => s.event)
        .filter((e) => e.status !== 'cancelled')
        .map((e) => ({ id: e.id, start: Date.parse(e.start.dateTime ?? ''), end: Date.parse(e.end.dateTime ?? ''), title: e.summary ?? '' })),
    notify: async (c) => (await fake.notify(c)).length,
    greet: async () => void (await fake.greet()),
    outage: (from, to) => (fake.outage = { from, to }),
    log: () => fake.log,
    kind: requestKind,
    kinds: ['list', 'watch', 'stop', 'freeBusy', 'insert', 'patch', 'delete', 'get', 'resources'],
    provider: (root, webhook) => ({ kind: 'google', apiRoot: root, subject: 'admin@example.com', credentials: { client_email: 'bench@example.iam.gserviceaccount.com', private_key: 'unused' }, webhook }),
    deps: () => ({ googleAuth: injectedAuth(fake.token) }),
  };
}

function graphTenant(now: () => number, tls: ReturnType<typeof selfSignedCert>): Tenant {
  const fake = new FakeGraph(now, { key: readFileSync(tls.keyPath, 'utf8'), cert: tls.cert });
  fake.pageSize = 100;
  const wall = (ms: number): { dateTime: string; timeZone: string } => ({ dateTime: `${new Date(ms).toISOString().slice(0, 19)}.0000000`, timeZone: 'UTC' });
  return {
    label: 'Graph API',
    net: 'getSchedule',
    start: () => fake.start(),
    stop: () => fake.stop(),
    addCalendar: (c) => void fake.mailbox(c),
    put: (c, e) =>
      fake.put(c, {
        id: e.id,
        subject: e.title,
        start: wall(e.start),
        end: wall(e.end),
        organizer: { emailAddress: { address: 'someone@example.com' } },
        attendees: [{ emailAddress: { address: c }, type: 'resource', status: { response: 'accepted' } }],
        responseStatus: { response: 'accepted' },
      }),
    remove: (c, id) => fake.remove(c, id),
    live: (c) => fake.live(c).map((e) => ({ id: e.id, start: Date.parse(`${e.start.dateTime.slice(0, 19)}Z`), end: Date.parse(`${e.end.dateTime.slice(0, 19)}Z`), title: e.subject ?? '' })),
    notify: async (c) => (await fake.notify(c)).length,
    greet: async () => undefined,
    outage: (from, to) => (fake.outage = { from, to }),
    log: () => fake.log,
    kind: graphRequestKind,
    kinds: ['delta', 'subscribe', 'renew', 'unsubscribe', 'getSchedule', 'calendarView', 'create', 'patch', 'cancel', 'decline', 'get'],
    provider: (root, webhook) => ({ kind: 'microsoft', apiRoot: root, tenant: 'contoso.onmicrosoft.com', clientId: '00000000-0000-0000-0000-000000000001', clientSecret: 'unused', webhook }),
    deps: () => ({ graphToken: async () => fake.token, graphCa: tls.cert }),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function realPause(): Promise<void> {
  return new Promise((r) => setTimeout(r, 1));
}

interface Change {
  at: number;
  room: number;
  /** The notification for this one is lost: an evening booking nobody is told about. */
  lost: boolean;
}

/**
 * A simulated week on the fake clock: `rooms` room calendars on the fake Google (or Graph) server,
 * users editing each calendar `changesPerRoomDay` times a day (new meetings, moves,
 * cancellations, renames), each edit pushed through the real HTTPS webhook listener, except
 * one a day that Google never delivers; one outage in which every request answers 503. At the
 * end every room's stored agenda is compared with the fake's calendar, and the fake's request
 * log is counted by kind. Times are not measured: the figures are requests.
 */
export async function runProviderBench(opts: Partial<ProviderBenchOptions> = {}): Promise<ProviderBenchResult> {
  const o: ProviderBenchOptions = { rooms: 50, days: 7, changesPerRoomDay: 10, outageMins: 30, seed: 7, tenant: 'google', ...opts };
  const t0 = performance.now();
  const random = seeded(o.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const clock = new FakeClock(START);
  const tls = selfSignedCert();
  const fake = (o.tenant === 'google' ? googleTenant : graphTenant)(() => clock.now(), tls);
  const root = await fake.start();
  const rooms = Array.from({ length: o.rooms }, (_, i) => {
    const id = `room${String(i + 1).padStart(2, '0')}`;
    return { id, name: `Room ${i + 1}`, calendar: `${id}@resource.example.com` };
  });
  // Four meetings a day in every room, one day beyond the run so that the end still has an agenda.
  for (const r of rooms) {
    fake.addCalendar(r.calendar);
    for (let d = 0; d <= o.days; d++) {
      for (const [k, hour] of [9, 11, 14, 16].entries()) {
        const start = START + d * DAY + hour * HOUR;
        fake.put(r.calendar, { id: `s${r.id}d${d}m${k}`, title: `Standing ${k}`, start, end: start + (k % 2 ? 30 : 60) * MIN });
      }
    }
  }
  const outageFrom = START + Math.min(2, o.days - 1) * DAY + 10 * HOUR;
  fake.outage(outageFrom, outageFrom + o.outageMins * MIN);

  const port = await freePort();
  const config = parseConfig({
    site: { timeZone: 'UTC' },
    rooms,
    provider: fake.provider(root, { host: '127.0.0.1', port, key: tls.keyPath, cert: tls.certPath, publicUrl: `https://127.0.0.1:${port}` }),
  });
  const store = Store.open({ path: ':memory:', clock });
  store.rooms.upsertFromConfig(config.rooms);
  const parts = await createProvider(config, { store, clock, log: silentLogger(), defaultTimeZone: 'UTC', ...fake.deps() });
  const provider = parts.provider as RemoteCalendar<{ op: string }>;
  const stale = new Set<string>();
  parts.onStale((roomId, isStale) => {
    if (isStale) stale.add(roomId);
  });

  // The driver moves the fake clock a minute at a time, and a second at a time while a provider
  // request is under way (on a socket, or in a backoff sleep on the fake clock).
  let inflight = 0;
  const runner = provider.runner;
  const run = runner.run.bind(runner);
  runner.run = async <T>(kind: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> => {
    inflight++;
    try {
      return await run(kind, fn, signal);
    } finally {
      inflight--;
    }
  };
  const busy = (): boolean => inflight > 0 || store.outbox.due(clock.now(), 1).length > 0;
  const idle = async (): Promise<void> => {
    let seen = fake.log().length;
    let still = 0;
    while (busy() && still < 5) {
      await realPause();
      if (fake.log().length !== seen) {
        seen = fake.log().length;
        still = 0;
      } else still++;
    }
  };

  const dropped: Array<{ roomId: string; id: string; at: number; caughtAt: number | null }> = [];
  const checkDropped = (): void => {
    for (const d of dropped) if (d.caughtAt === null && store.events.get(d.roomId, d.id)) d.caughtAt = clock.now();
  };
  const runUntil = async (t: number): Promise<void> => {
    while (clock.now() < t) {
      await idle();
      checkDropped();
      await clock.advanceAsync(Math.min(busy() ? 1000 : MIN, t - clock.now()));
      // Google greets every new channel (renewals) with a "sync" message.
      await fake.greet();
    }
    await idle();
    checkDropped();
  };

  let notifications = 0;
  let changeCount = 0;
  let nextId = 0;
  const applyChange = (c: Change): void => {
    const cal = rooms[c.room]?.calendar as string;
    const now = clock.now();
    const dayStart = now - (now % DAY);
    changeCount++;
    if (c.lost) {
      const start = dayStart + 21 * HOUR;
      fake.put(cal, { id: `ev${nextId++}`, title: 'Evening booking', start, end: start + 30 * MIN });
      return;
    }
    const live = fake.live(cal).filter((e) => e.start > now);
    const r = random();
    const target = live.length ? pick(live) : null;
    if (r < 0.4 || !target) {
      const start = dayStart + Math.floor(random() * 2) * DAY + 8 * HOUR + Math.floor(random() * 20) * 30 * MIN;
      fake.put(cal, { id: `ev${nextId++}`, title: 'Booked in Calendar', start, end: start + (random() < 0.5 ? 30 : 60) * MIN });
    } else if (r < 0.65) {
      const shift = (random() < 0.5 ? -30 : 30) * MIN;
      fake.put(cal, { ...target, start: target.start + shift, end: target.end + shift });
    } else if (r < 0.85) {
      fake.remove(cal, target.id);
    } else {
      fake.put(cal, { ...target, title: `${target.title} (renamed)` });
    }
  };

  // Ten edits per room per day between 07:00 and 19:00; each day one room's last edit is an
  // evening booking whose notification is lost, so only the safety net can bring it in.
  const schedule: Change[] = [];
  for (let d = 0; d < o.days; d++) {
    const day: Change[] = [];
    for (let room = 0; room < o.rooms; room++) {
      for (let k = 0; k < o.changesPerRoomDay; k++) day.push({ at: START + d * DAY + 7 * HOUR + Math.floor(random() * 12 * HOUR), room, lost: false });
    }
    const unlucky = Math.floor(random() * o.rooms);
    const last = day.filter((c) => c.room === unlucky).sort((a, b) => b.at - a.at)[0];
    if (last) last.lost = true;
    schedule.push(...day.sort((a, b) => a.at - b.at));
  }

  try {
    await provider.start();
    await parts.webhook?.start();
    let ready = false;
    void provider.ready().finally(() => {
      ready = true;
    });
    while (!ready) await realPause();
    await fake.greet();
    await idle();

    for (const c of schedule) {
      await runUntil(c.at);
      applyChange(c);
      const room = rooms[c.room];
      if (!room) continue;
      if (c.lost) dropped.push({ roomId: room.id, id: `ev${nextId - 1}`, at: clock.now(), caughtAt: null });
      else notifications += await fake.notify(room.calendar);
      await idle();
    }
    await runUntil(START + o.days * DAY);

    // The truth: every meeting still to end, as Google has it and as the store has it.
    const now = clock.now();
    const key = (id: string, start: number, end: number, title: string): string => `${id}|${start}|${end}|${title}`;
    const mismatched = rooms
      .filter((r) => {
        const truth = fake
          .live(r.calendar)
          .filter((e) => e.end > now)
          .map((e) => key(e.id, e.start, e.end, e.title))
          .sort();
        const local = store.events
          .listForRoom(r.id, now)
          .filter((e) => e.status !== 'cancelled')
          .map((e) => key(e.id, Date.parse(e.start), Date.parse(e.end), e.title))
          .sort();
        return JSON.stringify(truth) !== JSON.stringify(local);
      })
      .map((r) => r.id);

    const requests: Record<string, number> = {};
    const refused: Record<string, number> = {};
    for (const l of fake.log()) {
      const kind = fake.kind(l.method, l.path);
      requests[kind] = (requests[kind] ?? 0) + 1;
      if (l.status === 503) refused[kind] = (refused[kind] ?? 0) + 1;
    }
    const caught = dropped.filter((d) => d.caughtAt !== null);
    return {
      options: o,
      changes: changeCount,
      notifications,
      dropped: dropped.length,
      caught: caught.length,
      worstCatchMins: Math.max(0, ...caught.map((d) => ((d.caughtAt ?? d.at) - d.at) / MIN)),
      failedRequests: fake.log().filter((l) => l.status === 503).length,
      staleRooms: stale.size,
      converged: mismatched.length === 0,
      mismatched,
      requests,
      refused,
      label: fake.label,
      net: fake.net,
      kinds: fake.kinds,
      wallSecs: Math.round((performance.now() - t0) / 100) / 10,
    };
  } finally {
    await provider.stop();
    await parts.webhook?.stop();
    store.close();
    await fake.stop();
    tls.cleanup();
  }
}

export function formatProviderBench(r: ProviderBenchResult): string {
  const o = r.options;
  const roomDays = o.rooms * o.days;
  const kinds = [...r.kinds, ...Object.keys(r.requests).filter((k) => !r.kinds.includes(k))];
  const total = Object.values(r.requests).reduce((a, b) => a + b, 0);
  const perRoomDay = (n: number): string => (n / roomDays).toFixed(2);
  const refused = Object.values(r.refused).reduce((a, b) => a + b, 0);
  const rows = kinds.map((k) => [k, r.requests[k] ?? 0, r.refused[k] ?? 0, perRoomDay(r.requests[k] ?? 0)]);
  rows.push(['total', total, refused, perRoomDay(total)]);
  rows.push(['total without the outage\'s refused retries', total - refused, '', perRoomDay(total - refused)]);
  rows.push([`aim: changes + 2`, '', '', (o.changesPerRoomDay + 2).toFixed(2)]);
  rows.push([`older systems (hourly polling): 24 + changes`, '', '', (24 + o.changesPerRoomDay).toFixed(2)]);
  const summary = [
    `${o.rooms} rooms, ${o.days} simulated days, ${o.changesPerRoomDay} edits per room per day on the fake (${r.changes} in all), pushed through the HTTPS webhook`,
    `notifications delivered: ${r.notifications}; lost: ${r.dropped}, caught by the ${r.net} safety net: ${r.caught} (worst ${Math.round(r.worstCatchMins)} min after the edit)`,
    `outage: ${o.outageMins} min of 503s, ${r.failedRequests} requests refused; rooms marked stale: ${r.staleRooms}`,
    `converged (every room's stored agenda = the fake's calendar): ${r.converged ? 'yes' : `no (${r.mismatched.join(', ')})`}`,
    `wall time: ${r.wallSecs} s`,
  ];
  return `${summary.join('\n')}\n${table([`${r.label} requests`, 'whole run', 'of which 503', 'per room per day'], rows)}`;
}
