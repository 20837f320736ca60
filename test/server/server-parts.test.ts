import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../shared/config/load.js';
import { silentLogger } from '../../shared/logger.js';
import { DoorplateServer } from '../../server/server.js';
import { startTestServer } from '../helpers/server.js';

test('server parts: listeners are registered by owner and all removed at stop', async () => {
  const { server, cleanup } = await startTestServer();
  try {
    assert.ok(server.events.listenerCount('room.changed') >= 2, 'publisher and bookings listen to room changes');
    assert.ok(server.events.listenerCount('mqtt.connected') >= 2, 'publisher and devices put retained topics back');
  } finally {
    await cleanup();
  }
  assert.equal(server.events.listenerCount(), 0);
  assert.equal(server.store.isOpen, false);
  assert.equal(server.broker?.running, false);
});

test('server parts: each room is published once at start, and again after a reconnect', async (t) => {
  // A fixed port, so the restarted broker below is found again by the server's client.
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const probed = probe.address();
  const mqttPort = typeof probed === 'object' && probed ? probed.port : 0;
  await new Promise((r) => probe.close(r));
  const dataDir = mkdtempSync(join(tmpdir(), 'doorplate-parts-'));
  const config = parseConfig({
    site: { timeZone: 'Europe/Berlin' },
    rooms: [{ id: 'ada', name: 'Ada Lovelace' }, { id: 'grace', name: 'Grace Hopper' }],
    broker: { host: '127.0.0.1', port: mqttPort },
    server: { dataDir, http: { host: '127.0.0.1', port: 0 } },
  });
  const server = new DoorplateServer({ config, logger: silentLogger() });
  t.after(async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  let connected = 0;
  let told: () => void = () => {};
  server.events.on('test', 'mqtt.connected', () => {
    connected++;
    told();
  });
  const nextConnected = (): Promise<void> => new Promise((r) => (told = r));
  const first = nextConnected();
  await server.start();
  await first;
  // Round trips on the same connection, acknowledged in order: a republish the event started
  // would have had its room states acknowledged by then.
  const roundTrips = async (): Promise<void> => {
    await server.bus.publish('serverAvailability', {}, 'online');
    await server.bus.publish('serverAvailability', {}, 'online');
  };
  await roundTrips();
  assert.equal(connected, 1);
  assert.equal(server.publisher.publishCount(), 4, 'state and agenda of 2 rooms, once');
  // A restarted broker keeps no retained messages: on the new connection every room goes out again.
  const again = nextConnected();
  const broker = server.broker;
  assert.ok(broker);
  await broker.stop();
  await broker.start();
  await again;
  while (server.publisher.publishCount() < 8) await roundTrips();
  assert.equal(connected, 2);
});

test('server parts: when a late part cannot start (HTTP port taken), the started ones are stopped and the error is thrown', async (t) => {
  const taken = createServer();
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
  const addr = taken.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const dataDir = mkdtempSync(join(tmpdir(), 'doorplate-parts-'));
  t.after(() => {
    taken.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const config = parseConfig({
    site: { timeZone: 'Europe/Berlin' },
    rooms: [{ id: 'ada', name: 'Ada Lovelace' }],
    broker: { host: '127.0.0.1', port: 0 },
    server: { dataDir, http: { host: '127.0.0.1', port } },
  });
  const server = new DoorplateServer({ config, logger: silentLogger() });
  await assert.rejects(server.start(), /EADDRINUSE/);
  assert.equal(server.store.isOpen, false, 'the store was closed again');
  assert.equal(server.broker?.running, false, 'the broker was stopped again');
  assert.equal(server.bus.connected, false, 'the MQTT connection was ended');
  assert.equal(server.events.listenerCount(), 0, 'no listener is left behind');
  assert.deepEqual(server.health().ok, false);
});
