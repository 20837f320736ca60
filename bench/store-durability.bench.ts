import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FakeClock } from '../shared/clock.js';
import { parseConfig } from '../shared/config/load.js';
import { silentLogger } from '../shared/logger.js';
import { Store } from '../server/store/store.js';
import type { Synchronous } from '../server/store/database.js';
import { LocalProvider } from '../server/providers/local/local-provider.js';
import { RoomDirectory } from '../server/rooms/room-directory.js';
import { BookingService } from '../server/bookings/booking-service.js';
import { median, percentile, table } from './table.js';

const MIN = 60_000;
const START = Date.parse('2026-03-02T06:00:00Z');
const ROOMS = 10;

export interface DurabilityRow {
  synchronous: Synchronous;
  bookings: number;
  totalMs: number;
  medianMs: number;
  p95Ms: number;
}

/**
 * N bookings (with their idempotency keys) through the booking rules into the built-in calendar,
 * on a store file in `dir` (the data directory's disk decides what an fsync costs), once per
 * `synchronous` level, each on a fresh file.
 */
export async function runStoreDurability(n: number, dir = process.env.DOORPLATE_BENCH_DIR ?? tmpdir()): Promise<{ rows: DurabilityRow[]; dir: string }> {
  const rows: DurabilityRow[] = [];
  for (const synchronous of ['NORMAL', 'FULL'] as const) {
    const work = mkdtempSync(join(dir, 'doorplate-durability-'));
    try {
      rows.push(await bookMany(n, synchronous, join(work, 'doorplate.db')));
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  return { rows, dir };
}

async function bookMany(n: number, synchronous: Synchronous, path: string): Promise<DurabilityRow> {
  const clock = new FakeClock(START);
  const config = parseConfig({
    site: { timeZone: 'UTC' },
    rooms: Array.from({ length: ROOMS }, (_, i) => ({ id: `r${i}`, name: `Room ${i}` })),
  });
  const store = Store.open({ path, clock, synchronous });
  try {
    store.rooms.upsertFromConfig(config.rooms);
    const rooms = new RoomDirectory(config);
    const provider = new LocalProvider({ store, clock, defaultTimeZone: 'UTC', logger: silentLogger() });
    const bookings = new BookingService({ clock, rooms, events: store.events, calendar: provider, idempotency: store.idempotency });
    const took: number[] = [];
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      // Back-to-back 15-minute meetings per room, day after day, under the per-day limit.
      const slot = Math.floor(i / ROOMS);
      const start = START + 60 * MIN + slot * 15 * MIN;
      const t = performance.now();
      await bookings.bookLater(`r${i % ROOMS}`, {
        start: new Date(start).toISOString(),
        end: new Date(start + 15 * MIN).toISOString(),
        title: `Bench ${i}`,
        scope: 'api',
        key: `bench-${i}`,
      });
      took.push(performance.now() - t);
    }
    const totalMs = performance.now() - t0;
    const sorted = [...took].sort((a, b) => a - b);
    return { synchronous, bookings: n, totalMs, medianMs: median(took), p95Ms: percentile(sorted, 95) };
  } finally {
    store.close();
  }
}

export function formatStoreDurability(r: { rows: DurabilityRow[]; dir: string }): string {
  const fs = statfsSync(r.dir);
  return [
    `store file under ${r.dir} (filesystem type 0x${fs.type.toString(16)}; set DOORPLATE_BENCH_DIR to measure another disk, e.g. the SD card)`,
    table(
      ['synchronous', 'bookings', 'total ms', 'ms / booking (median)', 'p95 ms', 'bookings / s'],
      r.rows.map((x) => [x.synchronous, x.bookings, x.totalMs, x.medianMs, x.p95Ms, Math.round((x.bookings / x.totalMs) * 1000)]),
    ),
  ].join('\n');
}
