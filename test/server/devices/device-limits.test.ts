import { test } from 'node:test';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { FakeClock } from '../../../shared/clock.js';
import { ResponseSchema, type DeviceResponse } from '../../../shared/api/payloads.js';
import { enrollmentKeyHash, newEnrollmentKey, withKey } from '../../../shared/api/enrollment-key.js';
import { sha256Hex } from '../../../server/security/secrets.js';
import { ENROLL_TOKEN, api, startTestServer } from '../../helpers/server.js';
import { HELLO } from '../../helpers/hello.js';
import { until } from '../../helpers/wait.js';
import { at } from '../bookings/world.js';

type Server = Awaited<ReturnType<typeof startTestServer>>['server'];

async function approvedDevice(server: Server, id: string, room: string): Promise<{ client: mqtt.MqttClient; responses: Map<string, DeviceResponse> }> {
  const secret = `device-secret-of-${id}-for-the-limits-test`;
  server.store.devices.getOrCreatePending(id, null, null);
  server.store.devices.approve(id);
  server.store.devices.assignRoom(id, room);
  server.store.devices.setSecretHash(id, sha256Hex(secret));
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${server.mqttPort}`, { clientId: id, username: id, password: secret, reconnectPeriod: 0 });
  const responses = new Map<string, DeviceResponse>();
  client.on('message', (_topic, payload) => {
    const body = JSON.parse(payload.toString('utf8')) as DeviceResponse;
    responses.set(body.transaction, body);
  });
  await client.subscribeAsync(`doorplate/devices/${id}/response/+`, { qos: 1 });
  return { client, responses };
}


/** An enrolling device says hello with a key of its own; resolves once the server answered. */
async function enroll(server: Server, id: string): Promise<mqtt.MqttClient> {
  const key = newEnrollmentKey();
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${server.mqttPort}`, { clientId: id, username: `enroll:${id}`, password: withKey(ENROLL_TOKEN, key), reconnectPeriod: 0 });
  await client.publishAsync(`doorplate/devices/${id}/hello`, JSON.stringify({ ...HELLO, enrollmentKey: enrollmentKeyHash(key) }), { qos: 1 });
  return client;
}

test('requests: rate limited per display with an error the panel shows; the expiry is the server\'s', async (t) => {
  const clock = new FakeClock(at('10:07'));
  const { server, cleanup } = await startTestServer({ clock, config: { server: { limits: { requestsPerMinutePerDevice: 3 } } } });
  const d = await approvedDevice(server, 'door-a', 'ada');
  t.after(async () => {
    await d.client.endAsync();
    await cleanup();
  });
  let n = 0;
  const ask = async (pressedAt: number, expiresAt: number): Promise<DeviceResponse> => {
    const transaction = `tx-limits-${++n}`;
    const body = { transaction, pressedAt: new Date(pressedAt).toISOString(), expiresAt: new Date(expiresAt).toISOString() };
    await d.client.publishAsync('doorplate/devices/door-a/request/end', JSON.stringify(body), { qos: 1 });
    await until(() => d.responses.has(transaction), 'the answer');
    return d.responses.get(transaction) as DeviceResponse;
  };
  const now = clock.now();

  // Pressed two hours ago, with an expiry a year away: the room's 60 s lifetime is what counts.
  assert.equal((await ask(now - 2 * 3_600_000, now + 365 * 86_400_000)).error?.code, 'REQUEST_EXPIRED');
  // Pressed five minutes from now: the device clock is wrong.
  assert.equal((await ask(now + 5 * 60_000, now + 6 * 60_000)).error?.code, 'CLOCK_SKEW');
  // The third is within the rate and reaches the bookings (nothing to end), the fourth is refused.
  assert.equal((await ask(now, now + 60_000)).error?.code, 'NOTHING_TO_DO');
  const refused = await ask(now, now + 60_000);
  assert.equal(refused.status, 'error');
  assert.equal(refused.error?.code, 'RATE_LIMITED');
  assert.match(refused.error?.message ?? '', /try again in \d+ s/);
  // The seconds travel as a number too, so the panel can say them in its own language.
  assert.ok(typeof refused.error?.retryAfterSecs === 'number' && refused.error.retryAfterSecs > 0 && refused.error.retryAfterSecs <= 60, `retryAfterSecs: ${String(refused.error?.retryAfterSecs)}`);
  assert.equal(ResponseSchema.parse(refused).error?.retryAfterSecs, refused.error.retryAfterSecs, 'the contract keeps it');
  assert.equal(server.devices.stats().rateLimited, 1);
  clock.advance(60_000);
  assert.equal((await ask(clock.now(), clock.now() + 60_000)).error?.code, 'NOTHING_TO_DO');
});

test('enrollment: the pending list is bounded, oldest dropped first; new ids per address are rate limited', async (t) => {
  const clock = new FakeClock(at('10:07'));
  const { server, base, cleanup } = await startTestServer({ clock, config: { broker: { limits: { exemptAddresses: [] } }, server: { limits: { maxPending: 2, enrollmentsPerMinutePerAddress: 3 } } } });
  const clients: mqtt.MqttClient[] = [];
  t.after(async () => {
    for (const c of clients) c.end(true);
    await cleanup();
  });
  for (const id of ['new-1', 'new-2', 'new-3']) {
    clients.push(await enroll(server, id));
    await until(() => server.store.devices.get(id) !== null, `${id} pending`);
    clock.advance(1000);
  }
  assert.deepEqual(server.store.devices.pending().map((d) => d.id), ['new-2', 'new-3']);
  assert.equal(server.devices.stats().pendingEvicted, 1);
  const metrics = await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer test-admin-token-0123456789abcdef' } }).then((r) => r.text());
  assert.match(metrics, /doorplate_pending_evicted_total 1/);

  // A fourth new id from the same address within the minute is refused and not recorded.
  clients.push(await enroll(server, 'new-4'));
  await until(() => server.devices.stats().rateLimited === 1, 'the refusal');
  assert.equal(server.store.devices.get('new-4'), null);
});

test('a revoked device can be deleted; a device in use must be revoked first', async (t) => {
  const { server, base, cleanup } = await startTestServer();
  t.after(cleanup);
  server.store.devices.getOrCreatePending('door-gone', null, null);
  server.store.devices.approve('door-gone');
  assert.equal((await api(base, 'DELETE', '/api/v1/devices/door-gone?forget=true')).status, 409, 'a device in use is not removed');
  assert.equal((await api(base, 'DELETE', '/api/v1/devices/door-gone')).status, 204);
  assert.equal(server.store.devices.get('door-gone')?.status, 'revoked');
  // A retried revoke stays a revoke.
  assert.equal((await api(base, 'DELETE', '/api/v1/devices/door-gone')).status, 204);
  assert.equal(server.store.devices.get('door-gone')?.status, 'revoked');
  assert.equal((await api(base, 'DELETE', '/api/v1/devices/door-gone?forget=true')).status, 204);
  assert.equal(server.store.devices.get('door-gone'), null);
  assert.equal((await api(base, 'DELETE', '/api/v1/devices/door-gone?forget=true')).status, 404);
});

test('at start every device is offline until it connects', async (t) => {
  const first = await startTestServer();
  first.server.store.devices.getOrCreatePending('door-on', null, null);
  first.server.store.devices.markSeen('door-on', true, Date.now());
  const dataDir = first.dataDir;
  await first.server.stop();
  const again = await startTestServer({ dataDir });
  t.after(async () => {
    await again.cleanup();
    await first.cleanup().catch(() => undefined);
  });
  assert.equal(again.server.store.devices.get('door-on')?.online, false);
});

test('a display moved to another room stops getting the old room at once; a revoked one is disconnected', async (t) => {
  const { server, cleanup } = await startTestServer();
  const d = await approvedDevice(server, 'door-m', 'ada');
  t.after(async () => {
    d.client.end(true);
    await cleanup();
  });
  const seen: string[] = [];
  d.client.on('message', (topic, payload) => seen.push(`${topic} ${payload.toString()}`));
  await d.client.subscribeAsync(['doorplate/notify/rooms/ada', 'doorplate/notify/devices/door-m'], { qos: 1 });
  const note = (message: string) => ({ name: 'n', message, from: 'admin', expiresAt: null });
  await server.bus.publish('notifyRoom', { room: 'ada' }, note('before'));
  await until(() => seen.some((s) => s.includes('"before"')), 'the room notice');

  await server.devices.assign('door-m', 'grace');
  await server.bus.publish('notifyRoom', { room: 'ada' }, note('after'));
  await server.bus.publish('notifyDevice', { device: 'door-m' }, note('marker'));
  await until(() => seen.some((s) => s.includes('"marker"')), 'the marker');
  assert.equal(seen.some((s) => s.includes('"after"')), false);

  const closed = new Promise<void>((resolve) => d.client.once('close', () => resolve()));
  await server.devices.revoke('door-m');
  await closed;
});
