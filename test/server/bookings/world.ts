import { FakeClock } from '../../../shared/clock.js';
import { parseConfig } from '../../../shared/config/load.js';
import type { ConfigInput } from '../../../shared/config/schema.js';
import { silentLogger } from '../../../shared/logger.js';
import type { CalendarEvent } from '../../../shared/model/event.js';
import { Store } from '../../../server/store/store.js';
import { LocalProvider } from '../../../server/providers/local/local-provider.js';
import { RoomDirectory } from '../../../server/rooms/room-directory.js';
import { BookingService } from '../../../server/bookings/booking-service.js';
import { AutoRelease } from '../../../server/bookings/auto-release.js';

/** Monday 2 March 2026 in Berlin (UTC+1): `at('10:00')` is 09:00Z. */
export const DAY = '2026-03-02';

export function at(hhmm: string, day = DAY): string {
  return new Date(`${day}T${hhmm}:00+01:00`).toISOString();
}

export function ms(hhmm: string, day = DAY): number {
  return Date.parse(at(hhmm, day));
}

/** A meeting put in the calendar ahead of time (the day before, through the provider). */
export function meeting(id: string, from: string, to: string, extra: Partial<CalendarEvent> = {}): CalendarEvent {
  return {
    id,
    title: `Meeting ${id}`,
    organizer: 'ana@example.com',
    start: at(from),
    end: at(to),
    allDay: false,
    status: 'confirmed',
    roomResponse: 'accepted',
    private: false,
    checkInRequired: true,
    checkedInAt: null,
    seriesId: null,
    bookedAt: '2026-03-01T12:00:00.000Z',
    bookedVia: 'provider',
    ...extra,
  };
}

export interface World {
  clock: FakeClock;
  store: Store;
  rooms: RoomDirectory;
  provider: LocalProvider;
  bookings: BookingService;
  release: AutoRelease;
  /** The devices the auto-release is told are in each room. */
  devicesIn: Map<string, string[]>;
  add(roomId: string, e: CalendarEvent): void;
  event(roomId: string, id: string): CalendarEvent | undefined;
  close(): void;
}

/**
 * The booking parts over a real in-memory store and the built-in calendar, with the clock at
 * `start` (local Berlin time on DAY) or `startAt` (epoch ms) and the rooms `ada` and `grace`.
 */
export function world(opts: { start?: string; startAt?: number; config?: ConfigInput } = {}): World {
  const clock = new FakeClock(opts.startAt ?? at(opts.start ?? '08:00'));
  const config = parseConfig({
    site: { timeZone: 'Europe/Berlin' },
    rooms: [
      { id: 'ada', name: 'Ada Lovelace' },
      { id: 'grace', name: 'Grace Hopper' },
    ],
    ...opts.config,
  });
  const store = Store.open({ path: ':memory:', clock });
  store.rooms.upsertFromConfig(config.rooms);
  const rooms = new RoomDirectory(config);
  const provider = new LocalProvider({ store, clock, defaultTimeZone: 'Europe/Berlin', logger: silentLogger() });
  const bookings = new BookingService({ clock, rooms, events: store.events, calendar: provider, idempotency: store.idempotency });
  const devicesIn = new Map<string, string[]>();
  const release = new AutoRelease({
    clock,
    rooms,
    events: store.events,
    calendar: provider,
    changes: store.changes,
    flags: store.seriesFlags,
    devicesInRoom: (roomId) => devicesIn.get(roomId) ?? [],
    log: silentLogger(),
  });
  provider.onRoomChanged((roomId) => release.refresh(roomId));
  return {
    clock,
    store,
    rooms,
    provider,
    bookings,
    release,
    devicesIn,
    add: (roomId, e) => void provider.addEvent(roomId, e),
    event: (roomId, id) => store.events.get(roomId, id) ?? undefined,
    close: () => {
      release.stop();
      store.close();
    },
  };
}

/** The DoorplateError code a promise rejects with. */
export async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
  return 'resolved';
}
