import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import type { RoomConfig } from '../../shared/config/schema.js';
import type { CalendarEvent } from '../../shared/model/event.js';

/**
 * Demo data: rooms named after computing pioneers and believable working days for them.
 * Everything is a pure function of its arguments (the seed included), so a demo or a test
 * that passes the same seed sees the same calendar.
 */

const PIONEERS: ReadonlyArray<readonly [string, number]> = [
  ['Ada Lovelace', 8],
  ['Grace Hopper', 12],
  ['Alan Turing', 4],
  ['Katherine Johnson', 6],
  ['Edsger Dijkstra', 10],
  ['Barbara Liskov', 8],
  ['Claude Shannon', 16],
  ['Margaret Hamilton', 6],
  ['Donald Knuth', 4],
  ['Hedy Lamarr', 20],
  ['John von Neumann', 8],
  ['Radia Perlman', 6],
];

function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** `n` demo rooms (3 by default); past the named ones they are "Room 13", "Room 14", ... */
export function demoRooms(n = 3): RoomConfig[] {
  if (!Number.isInteger(n) || n < 1 || n > 5000) throw new RangeError(`demoRooms: n must be a whole number from 1 to 5000, got ${n}`);
  const rooms: RoomConfig[] = [];
  for (let i = 0; i < n; i++) {
    const known = PIONEERS[i];
    const name = known ? known[0] : `Room ${i + 1}`;
    // Four rooms to a floor, in walking order, so a busy room lists its neighbours first.
    rooms.push({ id: slug(name), name, capacity: known ? known[1] : 4 + (i % 5) * 2, group: `floor-${Math.floor(i / 4) + 1}`, order: i });
  }
  return rooms;
}

/** mulberry32: a tiny, well-mixed 32-bit generator; plenty for picking titles. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seedFor(...parts: Array<string | number>): number {
  return createHash('sha256').update(parts.join('\u0000')).digest().readUInt32BE(0);
}

class Picker {
  constructor(private readonly next: () => number) {}
  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }
  one<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

const PEOPLE = [
  'Priya Natarajan',
  'Jonas Weber',
  'Amara Okafor',
  'Lucas Moreau',
  'Sofia Rossi',
  'Kenji Tanaka',
  'Elena Petrova',
  'Mateo García',
  'Hannah Becker',
  'Omar Haddad',
  'Ingrid Larsen',
  'Wei Zhang',
];
const TEAMS = ['Platform', 'Mobile', 'Payments', 'Data', 'Growth', 'Design'];
const CUSTOMERS = ['Northwind', 'Contoso', 'Fabrikam', 'Initech', 'Globex'];

interface Kind {
  weight: number;
  minutes: readonly number[];
  title: (p: Picker, organizer: string) => string;
  checkIn: boolean;
}

const KINDS: readonly Kind[] = [
  { weight: 3, minutes: [30], checkIn: false, title: (p, o) => `1:1 ${o.split(' ')[0]} / ${p.one(PEOPLE.filter((x) => x !== o)).split(' ')[0]}` },
  { weight: 2, minutes: [45, 60], checkIn: true, title: (p) => p.one(['Sprint planning', 'Backlog refinement', 'Roadmap review', 'Quarterly budget review']) },
  { weight: 2, minutes: [30, 45], checkIn: true, title: (p) => `Design review: ${p.one(['onboarding flow', 'search results', 'billing page', 'settings'])}` },
  { weight: 2, minutes: [30], checkIn: true, title: (p) => `Customer call: ${p.one(CUSTOMERS)}` },
  { weight: 1, minutes: [60], checkIn: true, title: (p) => `Interview: ${p.one(['backend engineer', 'product designer', 'data analyst'])}` },
  { weight: 1, minutes: [45], checkIn: true, title: (p) => p.one(['Incident retro', 'Architecture sync', 'Release go/no-go']) },
];

function pickKind(p: Picker): Kind {
  const total = KINDS.reduce((n, k) => n + k.weight, 0);
  let r = p.int(total);
  for (const k of KINDS) {
    if (r < k.weight) return k;
    r -= k.weight;
  }
  return KINDS[0] as Kind;
}

export interface DemoDayOptions {
  /** The room is taken for the whole day by one all-day event (nothing else is booked in it). */
  allDay?: boolean;
  /** A long afternoon workshop; by default about every other room-day has one. */
  workshop?: boolean;
}

/**
 * A working day of meetings in one room, 08:30-18:00 in `day`'s zone: a morning stand-up,
 * 1:1s and reviews with gaps between them, a free lunch hour, sometimes a long afternoon
 * workshop, one private and one tentative meeting. Instants carry the zone's offset.
 */
export function demoDay(roomId: string, day: DateTime, seed: number, opts: DemoDayOptions = {}): CalendarEvent[] {
  if (!day.isValid) throw new RangeError(`demoDay: invalid day (${day.invalidExplanation ?? 'unknown reason'})`);
  const date = day.toISODate() as string;
  const p = new Picker(generator(seedFor(seed, roomId, date)));
  const at = (minutes: number): DateTime =>
    DateTime.fromObject({ year: day.year, month: day.month, day: day.day, hour: Math.floor(minutes / 60), minute: minutes % 60 }, { zone: day.zone });
  const iso = (minutes: number): string => at(minutes).toISO({ suppressMilliseconds: true }) as string;
  const events: CalendarEvent[] = [];
  const add = (e: Pick<CalendarEvent, 'title' | 'organizer' | 'start' | 'end' | 'checkInRequired'> & Partial<CalendarEvent>): void => {
    events.push({
      id: `demo-${date}-${roomId}-${events.length + 1}`,
      allDay: false,
      status: 'confirmed',
      roomResponse: 'accepted',
      private: false,
      checkedInAt: null,
      seriesId: null,
      bookedAt: null,
      bookedVia: 'provider',
      ...e,
    });
  };

  if (opts.allDay) {
    add({
      title: p.one(['Hackathon', 'Team offsite', 'Leadership planning day', 'Training: security awareness']),
      organizer: p.one(PEOPLE),
      start: date,
      end: day.plus({ days: 1 }).toISODate() as string,
      allDay: true,
      checkInRequired: false,
    });
    return events;
  }

  const DAY_START = 8 * 60 + 30;
  const DAY_END = 18 * 60;
  const LUNCH = [12 * 60, 13 * 60] as const;
  const workshop = opts.workshop ?? p.chance(0.5);
  const workshopStart = workshop ? 13 * 60 + 30 + 30 * p.int(2) : null;
  const workshopEnd = workshopStart === null ? null : workshopStart + 150 + 30 * p.int(2);

  const workshops = new Set<number>();
  const team = p.one(TEAMS);
  const standup = DAY_START + 30 + 15 * p.int(2);
  add({ title: `${team} stand-up`, organizer: p.one(PEOPLE), start: iso(standup), end: iso(standup + 15), checkInRequired: false, seriesId: `demo-standup-${roomId}` });

  let cursor = standup + 15 + 15 * p.int(3);
  while (cursor < DAY_END) {
    if (cursor >= LUNCH[0] && cursor < LUNCH[1]) cursor = LUNCH[1] + 15 * p.int(2);
    if (workshopStart !== null && workshopEnd !== null && cursor >= workshopStart - 15 && cursor < workshopEnd) {
      workshops.add(events.length);
      add({
        title: `${p.one(['Architecture', 'Roadmap', 'Customer journey', 'Security'])} workshop`,
        organizer: p.one(PEOPLE),
        start: iso(workshopStart),
        end: iso(workshopEnd),
        checkInRequired: true,
      });
      cursor = workshopEnd + 15 * p.int(3);
      continue;
    }
    // The first meeting after the stand-up is a 1:1, so every day has one.
    const kind = events.length === 1 ? (KINDS[0] as Kind) : pickKind(p);
    const organizer = p.one(PEOPLE);
    let end = Math.min(cursor + p.one(kind.minutes), DAY_END);
    if (cursor < LUNCH[0] && end > LUNCH[0]) end = LUNCH[0];
    if (workshopStart !== null && cursor < workshopStart && end > workshopStart) end = workshopStart;
    // A meeting cut short by lunch or the workshop is only kept if it is still a believable length.
    if (end - cursor >= Math.min(...kind.minutes)) {
      add({ title: kind.title(p, organizer), organizer, start: iso(cursor), end: iso(end), checkInRequired: kind.checkIn });
    }
    cursor = end + p.one([0, 0, 15, 15, 30, 45, 60]);
  }

  // One private and one tentative meeting among the ordinary ones (not the stand-up, the first 1:1 or the workshop).
  const ordinary = events.filter((_e, i) => i > 1 && !workshops.has(i));
  if (ordinary.length > 0) {
    const priv = ordinary[p.int(ordinary.length)] as CalendarEvent;
    priv.private = true;
    priv.title = p.one(['Performance review', 'Salary discussion', 'Confidential: reorg planning']);
    const rest = ordinary.filter((e) => e !== priv);
    if (rest.length > 0) (rest[p.int(rest.length)] as CalendarEvent).status = 'tentative';
  }
  return events;
}

/** About one meeting in this many that needs check-in is a no-show, so release is still seen. */
const NO_SHOW_ONE_IN = 6;

/**
 * When the people of a meeting that needs check-in arrive and check in: an epoch-ms instant
 * from 3 minutes before to 7 minutes after its start (inside the default window, 5 before to
 * 10 after), or null for a no-show. A pure function of the event and the seed.
 */
export function demoArrival(event: Pick<CalendarEvent, 'id' | 'start' | 'allDay' | 'checkInRequired'>, seed: number): number | null {
  if (!event.checkInRequired || event.allDay) return null;
  const p = new Picker(generator(seedFor(seed, 'arrival', event.id)));
  if (p.int(NO_SHOW_ONE_IN) === 0) return null;
  const start = DateTime.fromISO(event.start).toMillis();
  return start + (p.int(11) - 3) * 60_000;
}

/**
 * Today's and tomorrow's calendars for the demo rooms, so that whatever the hour the demo
 * starts, something is current or coming up. Tomorrow the last room is taken all day (when
 * there is more than one room, so today every room shows ordinary meetings). Meetings whose
 * people arrived before `now` (demoArrival) are already checked in; later arrivals are played
 * on the clock by the demo.
 */
export function demoSchedule(rooms: readonly { id: string }[], now: DateTime, seed: number): Map<string, CalendarEvent[]> {
  const today = now.startOf('day');
  const out = new Map<string, CalendarEvent[]>();
  rooms.forEach((room, i) => {
    const isLast = i === rooms.length - 1 && rooms.length > 1;
    const events = [
      ...demoDay(room.id, today, seed, { workshop: i === 0 ? true : undefined }),
      ...demoDay(room.id, today.plus({ days: 1 }), seed, { allDay: isLast }),
    ];
    for (const e of events) {
      const arrival = demoArrival(e, seed);
      if (arrival !== null && arrival <= now.toMillis()) e.checkedInAt = DateTime.fromMillis(arrival, { zone: 'utc' }).toISO({ suppressMilliseconds: true });
    }
    out.set(room.id, events);
  });
  return out;
}
