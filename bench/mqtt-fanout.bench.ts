import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { parseConfig } from '../shared/config/load.js';
import { silentLogger } from '../shared/logger.js';
import { DoorplateServer } from '../server/server.js';
import { sha256Hex } from '../server/security/secrets.js';
import { percentile, table } from './table.js';

export interface FanoutResult {
  clients: number;
  changes: number;
  receipts: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  connectSecs: number;
}

/**
 * One state change -> the retained message at every subscribed device. `clients` devices,
 * each with its own credentials through the broker's auth and ACL, watch one room; the room
 * is booked and freed `changes` times and each receipt's delay after the publish is taken.
 * Server and clients share this process (one core each at most on a 2-core machine).
 */
export async function runFanoutBench(clients = 1000, changes = 20): Promise<FanoutResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'doorplate-bench-'));
  const config = parseConfig({
    site: { timeZone: 'UTC' },
    rooms: [{ id: 'hall', name: 'Hall' }],
    broker: { host: '127.0.0.1', port: 0 },
    server: { dataDir, http: { host: '127.0.0.1', port: 0 } },
  });
  const server = new DoorplateServer({ config, logger: silentLogger() });
  await server.start();
  const conns: mqtt.MqttClient[] = [];
  try {
    const secret = 'bench-secret-0000000000000000000000000000';
    const hash = sha256Hex(secret);
    server.store.transaction(() => {
      for (let i = 0; i < clients; i++) {
        const id = `bench-${i}`;
        server.store.devices.getOrCreatePending(id, null, null);
        server.store.devices.approve(id);
        server.store.devices.assignRoom(id, 'hall');
        server.store.devices.setSecretHash(id, hash);
      }
    });
    const published = new Map<string, number>();
    const delays: number[] = [];
    const url = `mqtt://127.0.0.1:${server.mqttPort}`;
    const t0 = performance.now();
    for (let i = 0; i < clients; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, clients - i) }, async (_, k) => {
          const id = `bench-${i + k}`;
          const c = await mqtt.connectAsync(url, { clientId: id, username: id, password: secret, reconnectPeriod: 0 });
          conns.push(c);
          c.on('message', (_topic, payload) => {
            const sentAt = published.get(payload.toString());
            if (sentAt !== undefined) delays.push(performance.now() - sentAt);
          });
          await c.subscribeAsync('doorplate/rooms/hall/state', { qos: 0 });
        }),
      );
    }
    const connectSecs = (performance.now() - t0) / 1000;
    // Publish through the server's own path: a booking changes the events, the publisher
    // recomputes and publishes the retained state.
    const bus = server.bus;
    const original = bus.publish.bind(bus);
    bus.publish = (async (name: Parameters<typeof original>[0], params: Parameters<typeof original>[1], payload: Parameters<typeof original>[2]) => {
      if (name === 'roomState') published.set(JSON.stringify(payload), performance.now());
      return original(name, params, payload);
    }) as typeof bus.publish;
    let booked = '';
    for (let n = 0; n < changes; n++) {
      const expected = delays.length + clients;
      if (n % 2 === 0) booked = (await server.bookings.bookNow('hall', { via: 'api', scope: 'bench', key: `b${n}`, durationMins: 30 })).event.id;
      else await server.bookings.cancel('hall', booked, { scope: 'bench', key: `c${n}` });
      const deadline = Date.now() + 30_000;
      while (delays.length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    }
    const sorted = [...delays].sort((a, b) => a - b);
    return { clients, changes, receipts: delays.length, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), maxMs: sorted.at(-1) ?? NaN, connectSecs };
  } finally {
    await Promise.all(conns.map((c) => c.endAsync(true).catch(() => undefined)));
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function formatFanout(r: FanoutResult): string {
  return table(
    ['subscribed devices', 'state changes', 'receipts', 'p50 ms', 'p99 ms', 'max ms', 'connect all (s)'],
    [[r.clients, r.changes, r.receipts, r.p50Ms, r.p99Ms, r.maxMs, r.connectSecs]],
  );
}
