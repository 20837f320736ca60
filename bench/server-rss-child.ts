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
import { sha256Hex } from '../server/security/secrets.js';
import { createInterface } from 'node:readline';

/**
 * Run in its own process by server-rss.bench: a server with N rooms, then its RSS as JSON. With
 * D devices (display dN in the N-th room mod rooms, secret `secret-dN`), it first prints its
 * MQTT port and the room of each display, and measures when told `measure` on stdin (the
 * displays are connected by then).
 */
const rooms = Number(process.argv[2] ?? '1000');
const devices = Number(process.argv[3] ?? '0');
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
  for (let i = 0; i < devices; i++) {
    const id = `d${i}`;
    store.devices.getOrCreatePending(id, null, null);
    store.devices.approve(id);
    store.devices.assignRoom(id, list[i % list.length]?.id ?? null);
    store.devices.setSecretHash(id, sha256Hex(`secret-${id}`));
  }
});
store.close();
const server = new DoorplateServer({ config, logger: silentLogger() });
const t0 = performance.now();
await server.start();
const startSecs = (performance.now() - t0) / 1000;
if (devices > 0) {
  const lines = createInterface({ input: process.stdin });
  const measure = new Promise<void>((r) => lines.once('line', () => r()));
  process.stdout.write(`${JSON.stringify({ port: server.mqttPort, rooms: list.map((r) => r.id) })}\n`);
  await measure;
  lines.close();
}
await new Promise((r) => setTimeout(r, 500));
(globalThis as { gc?: () => void }).gc?.();
const events = list.reduce((n, r) => n + server.store.events.listForRoom(r.id).length, 0);
process.stdout.write(`${JSON.stringify({ rooms, events, ...procMemory(), heapUsed: process.memoryUsage().heapUsed, startSecs })}\n`);
await server.stop();
rmSync(dataDir, { recursive: true, force: true });
