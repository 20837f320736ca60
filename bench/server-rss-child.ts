import { procMemory } from './proc-memory.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { parseConfig } from '../shared/config/load.js';
import { silentLogger } from '../shared/logger.js';
import { DoorplateServer } from '../server/server.js';
import { Store } from '../server/store/store.js';
import { parseEvent } from '../server/store/repos/events.js';
import { SystemClock } from '../shared/clock.js';
import { demoRooms, demoSchedule } from '../server/demo/seed.js';

/** Run in its own process by server-rss.bench: a server with N rooms, then its RSS as JSON. */
const rooms = Number(process.argv[2] ?? '1000');
const dataDir = mkdtempSync(join(tmpdir(), 'doorplate-rss-'));
const list = demoRooms(rooms);
const config = parseConfig({
  site: { timeZone: 'Europe/Berlin' },
  rooms: list,
  broker: { host: '127.0.0.1', port: 0 },
  server: { dataDir, http: { host: '127.0.0.1', port: 0 } },
});
// The meetings go into the store before the server starts, as a running site's calendar would
// be: a seed handed to the server stays referenced by it and would be counted as its memory.
const store = Store.open({ path: join(dataDir, 'doorplate.db'), clock: new SystemClock() });
store.transaction(() => {
  store.rooms.upsertFromConfig(config.rooms);
  for (const [roomId, events] of demoSchedule(list, DateTime.now().setZone('Europe/Berlin'), 7)) for (const e of events) store.events.upsert(roomId, parseEvent(roomId, e));
});
store.close();
const server = new DoorplateServer({ config, logger: silentLogger() });
const t0 = performance.now();
await server.start();
const startSecs = (performance.now() - t0) / 1000;
await new Promise((r) => setTimeout(r, 500));
(globalThis as { gc?: () => void }).gc?.();
const events = list.reduce((n, r) => n + server.store.events.listForRoom(r.id).length, 0);
process.stdout.write(`${JSON.stringify({ rooms, events, ...procMemory(), heapUsed: process.memoryUsage().heapUsed, startSecs })}\n`);
await server.stop();
rmSync(dataDir, { recursive: true, force: true });
