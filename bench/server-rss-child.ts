import { procMemory } from './proc-memory.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { parseConfig } from '../shared/config/load.js';
import { silentLogger } from '../shared/logger.js';
import { DoorplateServer } from '../server/server.js';
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
const server = new DoorplateServer({ config, logger: silentLogger(), seed: demoSchedule(list, DateTime.now().setZone('Europe/Berlin'), 7) });
const t0 = performance.now();
await server.start();
const startSecs = (performance.now() - t0) / 1000;
await new Promise((r) => setTimeout(r, 500));
(globalThis as { gc?: () => void }).gc?.();
const events = list.reduce((n, r) => n + server.store.events.listForRoom(r.id).length, 0);
process.stdout.write(`${JSON.stringify({ rooms, events, ...procMemory(), heapUsed: process.memoryUsage().heapUsed, startSecs })}\n`);
await server.stop();
rmSync(dataDir, { recursive: true, force: true });
