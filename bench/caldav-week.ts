import { FakeClock } from '../shared/clock.js';
import { silentLogger } from '../shared/logger.js';
import { CaldavProvider } from '../server/providers/caldav/caldav-provider.js';
import { httpFetch, type HttpFetch } from '../server/providers/ical/http.js';
import { vcalendar, vevent } from '../test/server/providers/caldav/calendar-data.js';
import { putObject, deleteObject, startDavServer } from '../test/server/providers/caldav/dav-servers.js';
import { agendaTable, caldavConfig, freshRead, newStore } from '../test/server/providers/caldav/harness.js';
import { table } from './table.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const START = Date.parse('2026-03-23T00:00:00Z');

export interface CaldavWeekOptions {
  rooms: number;
  days: number;
  editsPerRoomDay: number;
  pollSecs: number;
  seed: number;
}

export interface CaldavWeekResult {
  options: CaldavWeekOptions;
  edits: number;
  /** Edits that changed the calendar (a draw that picked the series is left out). */
  applied: number;
  polls: number;
  /** Polls that found the calendar unchanged, and the requests they made. */
  unchangedPolls: number;
  unchangedRequests: number;
  /** Requests by method over the run, as sent to Radicale. */
  requests: Record<string, number>;
  requestsPerRoomDay: number;
  /** Polls right after an edit to the room that still called it unchanged (should be 0). */
  missedEdits: number;
  mismatched: string[];
  wallSecs: number;
}

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

/** Another client's write; a refused one would make the figures meaningless, so it stops the run. */
async function put(url: string, ics: string): Promise<void> {
  const status = await putObject(url, ics);
  if (status >= 300) throw new Error(`PUT ${url}: ${status}`);
}

const stamp = (ms: number): string => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

/**
 * A simulated week of 50 rooms on a real Radicale: each room starts with a weekly series and a
 * few meetings; another client makes `editsPerRoomDay` edits per room per day (move, rename,
 * add, delete) at random times; every room is polled every `pollSecs` through the provider's
 * own sync (as its scheduler runs it). Counts the requests, and checks after each poll that an
 * edited room shows the edit and at the end that every room equals a fresh full read.
 */
export async function runCaldavWeek(opts: Partial<CaldavWeekOptions> = {}): Promise<CaldavWeekResult> {
  const o: CaldavWeekOptions = { rooms: 50, days: 7, editsPerRoomDay: 10, pollSecs: 900, seed: 14, ...opts };
  const began = performance.now();
  const random = seeded(o.seed);
  const server = await startDavServer('radicale');
  const clock = new FakeClock(START + 6 * HOUR);
  const rooms: Array<{ id: string; calendar: string }> = [];
  const objects = new Map<string, Map<string, string>>();
  try {
    for (let i = 0; i < o.rooms; i++) {
      const calendar = await server.makeCalendar(`room${i + 1}`);
      rooms.push({ id: `room${i + 1}`, calendar });
      const mine = new Map<string, string>();
      mine.set('series.ics', vcalendar(vevent(`series-${i}`, ['DTSTART;TZID=Europe/Berlin:20260316T093000', 'DTEND;TZID=Europe/Berlin:20260316T100000', 'SUMMARY:Weekly', 'RRULE:FREQ=WEEKLY;COUNT=12'])));
      for (let k = 0; k < 4; k++) {
        const at = START + (k + 1) * DAY + (10 + k) * HOUR;
        mine.set(`m${k}.ics`, vcalendar(vevent(`r${i}-m${k}.ics`, [`DTSTART:${stamp(at)}`, `DTEND:${stamp(at + HOUR)}`, `SUMMARY:Meeting ${k}`])));
      }
      for (const [name, ics] of mine) await put(`${calendar}${name}`, ics);
      objects.set(calendar, mine);
    }
    const store = newStore(clock, rooms);
    const requests: Record<string, number> = {};
    const counting: HttpFetch = async (req) => {
      const kind = req.method === 'REPORT' ? `REPORT ${/<(?:\w+:)?(sync-collection|calendar-multiget|calendar-query)\b/.exec(req.body ?? '')?.[1] ?? '?'}` : req.method;
      requests[kind] = (requests[kind] ?? 0) + 1;
      return httpFetch(req);
    };
    const provider = new CaldavProvider({ store, clock, config: caldavConfig({ pollSecs: o.pollSecs }), log: silentLogger(), defaultTimeZone: 'UTC', fetch: counting, random: () => 0.5 });
    const before = (): number => Object.values(requests).reduce((a, b) => a + b, 0);
    for (const r of rooms) await provider.sync(r.id);

    // Edits: per room per day at random minutes, applied when the simulated clock passes them.
    const edits: Array<{ at: number; room: number }> = [];
    for (let d = 0; d < o.days; d++) {
      for (let i = 0; i < o.rooms; i++) {
        for (let k = 0; k < o.editsPerRoomDay; k++) edits.push({ at: START + d * DAY + 6 * HOUR + Math.floor(random() * 16 * HOUR), room: i });
      }
    }
    edits.sort((a, b) => a.at - b.at);
    let next = 0;
    let polls = 0;
    let unchangedPolls = 0;
    let unchangedRequests = 0;
    let missedEdits = 0;
    let serial = 0;
    let applied = 0;
    const end = START + o.days * DAY + 6 * HOUR;
    while (clock.now() < end) {
      clock.set(clock.now() + o.pollSecs * 1000);
      const edited = new Set<number>();
      while (next < edits.length && (edits[next]?.at ?? Infinity) <= clock.now()) {
        const e = edits[next++]!;
        const room = rooms[e.room]!;
        const mine = objects.get(room.calendar)!;
        const what = random();
        const day = Math.floor((clock.now() - START) / DAY);
        const at = START + (day + 1 + Math.floor(random() * 5)) * DAY + (8 + Math.floor(random() * 9)) * HOUR;
        serial++;
        if (what < 0.6 || mine.size < 3) {
          const name = [...mine.keys()][Math.floor(random() * mine.size)] ?? 'm0.ics';
          if (name === 'series.ics') continue;
          const ics = vcalendar(vevent(`r${e.room}-${name}`, [`DTSTART:${stamp(at)}`, `DTEND:${stamp(at + 30 * MIN)}`, `SUMMARY:Edited ${serial}`]));
          mine.set(name, ics);
          await put(`${room.calendar}${name}`, ics);
        } else if (what < 0.85) {
          const name = `n${serial}.ics`;
          const ics = vcalendar(vevent(`r${e.room}-${name}`, [`DTSTART:${stamp(at)}`, `DTEND:${stamp(at + HOUR)}`, `SUMMARY:New ${serial}`]));
          mine.set(name, ics);
          await put(`${room.calendar}${name}`, ics);
        } else {
          const name = [...mine.keys()].find((n) => n !== 'series.ics');
          if (!name) continue;
          mine.delete(name);
          await deleteObject(`${room.calendar}${name}`);
        }
        edited.add(e.room);
        applied++;
      }
      for (const [i, r] of rooms.entries()) {
        const n = before();
        await provider.requestSync(r.id);
        polls++;
        if (provider.lastSyncPath(r.id) === 'unchanged') {
          unchangedPolls++;
          unchangedRequests += before() - n;
        }
        if (edited.has(i) && provider.lastSyncPath(r.id) === 'unchanged') missedEdits++;
      }
    }
    const mismatched: string[] = [];
    for (const r of rooms) {
      const fresh = agendaTable(await freshRead(clock, rooms, r.id));
      if (JSON.stringify(fresh) !== JSON.stringify(agendaTable(store.events.listForRoom(r.id)))) mismatched.push(r.id);
    }
    await provider.stop();
    store.close();
    const total = Object.values(requests).reduce((a, b) => a + b, 0);
    return {
      options: o,
      edits: edits.length,
      applied,
      polls,
      unchangedPolls,
      unchangedRequests,
      requests,
      requestsPerRoomDay: total / o.rooms / o.days,
      missedEdits,
      mismatched,
      wallSecs: (performance.now() - began) / 1000,
    };
  } finally {
    await server.stop();
  }
}

export function formatCaldavWeek(r: CaldavWeekResult): string {
  const o = r.options;
  return table(
    ['rooms', 'days', 'edits', 'poll', 'polls', 'unchanged polls', 'requests per unchanged poll', 'requests / room / day', 'by method', 'edits missed by the next poll', 'rooms converged', 'wall'],
    [
      [
        o.rooms,
        o.days,
        r.applied,
        `${o.pollSecs} s`,
        r.polls,
        r.unchangedPolls,
        r.unchangedPolls ? r.unchangedRequests / r.unchangedPolls : 0,
        r.requestsPerRoomDay,
        Object.entries(r.requests)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, v]) => `${k} ${v}`)
          .join(', '),
        r.missedEdits,
        `${o.rooms - r.mismatched.length}/${o.rooms}`,
        `${r.wallSecs.toFixed(0)} s`,
      ],
    ],
  );
}
