import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { FakeClock } from '../../../shared/clock.js';
import { parseConfig } from '../../../shared/config/load.js';
import { silentLogger } from '../../../shared/logger.js';
import type { Notify } from '../../../shared/api/payloads.js';
import { HELLO } from '../../helpers/hello.js';
import { sha256Hex } from '../../../server/security/secrets.js';
import { SimDevice } from '../../../cli/demo/sim-device.js';
import { api, startTestServer } from '../../helpers/server.js';
import { freePort, until } from '../../helpers/wait.js';


/** A device the store knows as approved, in `room`, holding `secret` (as after its enrollment). */
function enrolled(server: Awaited<ReturnType<typeof startTestServer>>['server'], id: string, room: string, secret: string): void {
  server.store.devices.getOrCreatePending(id, null, null);
  server.store.devices.approve(id);
  server.store.devices.assignRoom(id, room);
  server.store.devices.setSecretHash(id, sha256Hex(secret));
}

test('a display that connects after notices were sent gets those in force for it, with their expiry', async (t) => {
  const clock = new FakeClock('2026-03-02T09:00:00Z');
  const { server, base, cleanup } = await startTestServer({ clock });
  t.after(cleanup);
  const secret = 'device-secret-for-the-late-device-test-0000';
  enrolled(server, 'door-x', 'ada', secret);
  enrolled(server, 'door-y', 'grace', `${secret}-y`);

  const send = async (body: Record<string, unknown>): Promise<void> => {
    const r = await api(base, 'POST', '/api/v1/notify', body);
    assert.equal(r.status, 201, JSON.stringify(r.json));
  };
  // All sent while door-x is off.
  await send({ name: 'everyone', message: 'Fire drill at 11', toAll: true, expiresAt: '2026-03-02T11:00:00Z' });
  clock.advance(1000);
  await send({ name: 'ada', message: 'Ada: projector broken', rooms: ['ada'], expiresAt: '2026-03-02T12:00:00Z' });
  clock.advance(1000);
  await send({ name: 'grace', message: 'Grace: no coffee', rooms: ['grace'], expiresAt: '2026-03-02T12:00:00Z' });
  clock.advance(1000);
  await send({ name: 'door', message: 'This display is moving on Friday', devices: ['door-x'], expiresAt: '2026-03-02T13:00:00Z' });
  clock.advance(1000);
  await send({ name: 'other', message: 'For door-y only', devices: ['door-y'], expiresAt: '2026-03-02T13:00:00Z' });
  clock.advance(1000);
  await send({ name: 'short', message: 'Gone before anyone connects', toAll: true, expiresAt: '2026-03-02T09:10:00Z' });
  clock.advance(15 * 60_000);

  const received: Notify[] = [];
  const topics = new Set<string>();
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${server.mqttPort}`, { clientId: 'door-x', username: 'door-x', password: secret, reconnectPeriod: 0 });
  t.after(() => client.endAsync());
  client.on('message', (topic, payload) => {
    if (!topic.includes('/notify/')) return;
    topics.add(topic);
    received.push(JSON.parse(payload.toString('utf8')) as Notify);
  });
  // As the agent does: its own topics first, then the hello.
  await client.subscribeAsync(['doorplate/devices/door-x/config', 'doorplate/notify/all', 'doorplate/notify/devices/door-x', 'doorplate/notify/rooms/ada'], { qos: 1 });
  await client.publishAsync('doorplate/devices/door-x/hello', JSON.stringify({ ...HELLO, enrolling: false }), { qos: 1 });

  await until(() => received.length >= 3, 'three notices');
  assert.deepEqual(received, [
    { name: 'everyone', message: 'Fire drill at 11', from: 'admin', expiresAt: '2026-03-02T11:00:00.000Z' },
    { name: 'ada', message: 'Ada: projector broken', from: 'admin', expiresAt: '2026-03-02T12:00:00.000Z' },
    { name: 'door', message: 'This display is moving on Friday', from: 'admin', expiresAt: '2026-03-02T13:00:00.000Z' },
  ]);
  assert.deepEqual([...topics], ['doorplate/notify/devices/door-x'], 'sent on the display\'s own topic only');

  // Moved to another room, it gets that room's notices (and its own and everyone's again).
  received.length = 0;
  const moved = await api(base, 'PUT', '/api/v1/devices/door-x/room', { room: 'grace' });
  assert.equal(moved.status, 200);
  await until(() => received.length >= 3, 'the notices of grace');
  assert.deepEqual(
    received.map((n) => n.name),
    ['everyone', 'grace', 'door'],
  );

  // Once a notice expired it is not sent again at the next connect.
  clock.advance(2 * 60 * 60_000); // 11:17: the drill for everyone is over
  received.length = 0;
  await client.publishAsync('doorplate/devices/door-x/hello', JSON.stringify({ ...HELLO, enrolling: false }), { qos: 1 });
  await until(() => received.length >= 2, 'the remaining notices');
  assert.deepEqual(received.map((n) => n.name), ['grace', 'door']);
});

test('a simulated display switched on after a notice shows it on its panel', async (t) => {
  const clock = new FakeClock('2026-03-02T09:07:00Z');
  const mqttPort = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'doorplate-late-'));
  const { server, base, cleanup } = await startTestServer({ clock, dataDir, config: { broker: { port: mqttPort } } });
  let device: SimDevice | null = null;
  t.after(async () => {
    await device?.stop().catch(() => undefined);
    await cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const secret = 'device-secret-for-the-simulated-late-display';
  enrolled(server, 'door-a', 'ada', secret);
  const r = await api(base, 'POST', '/api/v1/notify', { name: 'drill', message: 'Fire drill at 11', rooms: ['ada'], from: 'facilities', expiresAt: '2026-03-02T10:00:00Z' });
  assert.equal(r.status, 201);

  // The display enrolled earlier: its secret is on its card.
  const credentialsFile = join(dataDir, 'devices', 'door-a.json');
  mkdirSync(join(dataDir, 'devices'), { recursive: true });
  writeFileSync(credentialsFile, JSON.stringify({ deviceId: 'door-a', secret, enrolledAt: '2026-03-01T08:00:00Z' }), { mode: 0o600 });
  const config = parseConfig({
    site: { timeZone: 'Europe/Berlin' },
    edge: { deviceId: 'door-a', server: { host: '127.0.0.1', port: mqttPort }, credentialsFile },
  });
  device = new SimDevice({ config, model: 'epd7in5_V2', roomId: 'ada', clock, logger: silentLogger() });
  await device.start();
  const d = device;
  await until(() => d.edge.lastView?.roomName === 'Ada Lovelace' && d.edge.lastView.notice !== null, 'the panel to show the notice');
  assert.deepEqual(d.edge.lastView?.notice, { message: 'Fire drill at 11', from: 'facilities' });
});
