import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type MqttClient } from 'mqtt';
import { FakeClock } from '../../../shared/clock.js';
import { ADMIN_TOKEN, api, startTestServer } from '../../helpers/server.js';
import { until } from '../../helpers/wait.js';
import { SseReader } from '../stream/sse-reader.js';

type Json = Record<string, unknown>;
interface Received {
  topic: string;
  payload: Json;
}

const error = (r: { json: unknown }): Json => (r.json as { error: Json }).error;

test('notify: validation, each target kind on MQTT and the stream, unknown targets, rate limit', async (t) => {
  const clock = new FakeClock('2026-03-02T09:07:00Z');
  const { server, base, cleanup } = await startTestServer({ clock });
  const inspector: MqttClient = connect(`mqtt://127.0.0.1:${server.mqttPort}`, { reconnectPeriod: 0 });
  const connected = new Promise<void>((resolve, reject) => inspector.once('connect', () => resolve()).once('error', reject));
  const stream = await SseReader.open(`${base}/api/v1/stream`, { authorization: `Bearer ${ADMIN_TOKEN}` });
  t.after(async () => {
    stream.close();
    await inspector.endAsync(true);
    await cleanup();
  });
  const received: Received[] = [];
  inspector.on('message', (topic, payload) => received.push({ topic, payload: JSON.parse(payload.toString('utf8')) as Json }));
  await connected;
  // The test server lets anonymous loopback clients read everything, as an inspector would.
  await inspector.subscribeAsync('doorplate/notify/#', { qos: 1 });
  assert.equal((await stream.next('the snapshot')).event, 'snapshot');

  // A device to address.
  server.store.devices.getOrCreatePending('pi-ada-1', null, '127.0.0.1');

  await t.test('bad bodies answer 400 with the field', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ message: 'hi', toAll: true }, /^body\.name: /],
      [{ name: 'n', message: '', toAll: true }, /^body\.message: /],
      [{ name: 'n', message: 'x'.repeat(281), toAll: true }, /^body\.message: /],
      [{ name: 'n', message: 'hi' }, /^body: needs exactly one target: toAll, rooms or devices/],
      [{ name: 'n', message: 'hi', toAll: true, rooms: ['ada'] }, /^body\.rooms: give exactly one target kind, not toAll and rooms/],
      [{ name: 'n', message: 'hi', toAll: false }, /^body\.toAll: /],
      [{ name: 'n', message: 'hi', rooms: [] }, /^body\.rooms: /],
      [{ name: 'n', message: 'hi', rooms: ['a/b'] }, /^body\.rooms\.0: /],
      [{ name: 'n', message: 'hi', toAll: true, expiresAt: 'tomorrow' }, /^body\.expiresAt: /],
      [{ name: 'n', message: 'hi', toAll: true, expiresAt: '2026-03-02T09:00:00Z' }, /^body\.expiresAt: must be in the future$/],
      [{ name: 'n', message: 'hi', toAll: true, colour: 'red' }, /^body: .*colour/],
    ];
    for (const [body, message] of cases) {
      const r = await api(base, 'POST', '/api/v1/notify', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(error(r).code, 'VALIDATION');
      assert.match(String(error(r).message), message, JSON.stringify(body));
    }
    const noToken = await api(base, 'POST', '/api/v1/notify', { name: 'n', message: 'hi', toAll: true }, { authorization: 'Bearer nope' });
    assert.equal(noToken.status, 401);
  });

  await t.test('unknown rooms and devices answer 404 naming them', async () => {
    const room = await api(base, 'POST', '/api/v1/notify', { name: 'n', message: 'hi', rooms: ['ada', 'nope'] });
    assert.equal(room.status, 404);
    assert.equal(error(room).code, 'ROOM_NOT_FOUND');
    assert.equal(error(room).message, 'no room "nope"');
    assert.deepEqual(error(room).details, { rooms: ['nope'] });
    const dev = await api(base, 'POST', '/api/v1/notify', { name: 'n', message: 'hi', devices: ['pi-x', 'pi-ada-1', 'pi-y'] });
    assert.equal(dev.status, 404);
    assert.equal(error(dev).code, 'DEVICE_NOT_FOUND');
    assert.equal(error(dev).message, 'no device "pi-x", "pi-y"');
    assert.equal(server.store.notices.active().length, 0);
  });

  const targets: Array<[string, Json, string[]]> = [
    ['everyone', { toAll: true }, ['doorplate/notify/all']],
    ['two rooms', { rooms: ['ada', 'grace', 'ada'] }, ['doorplate/notify/rooms/ada', 'doorplate/notify/rooms/grace']],
    ['a device', { devices: ['pi-ada-1'] }, ['doorplate/notify/devices/pi-ada-1']],
  ];
  for (const [label, target, topics] of targets) {
    await t.test(`a message to ${label} reaches MQTT, the store and the stream`, async () => {
      received.length = 0;
      const name = `fire-drill-${label.replace(/ /g, '-')}`;
      const r = await api(base, 'POST', '/api/v1/notify', { name, message: 'Fire drill at 11:00', from: 'Facilities', expiresAt: '2026-03-02T10:00:00Z', ...target });
      assert.equal(r.status, 201, JSON.stringify(r.json));
      const notice = (r.json as { notice: Json }).notice;
      assert.equal(notice.name, name);
      assert.equal(notice.expiresAt, '2026-03-02T10:00:00.000Z');

      await until(() => received.length >= topics.length, `the MQTT messages for ${label}`);
      assert.deepEqual(received.map((m) => m.topic).sort(), topics);
      for (const m of received) assert.deepEqual(m.payload, { name, message: 'Fire drill at 11:00', from: 'Facilities', expiresAt: '2026-03-02T10:00:00.000Z' });

      const ch = await stream.nextJson<{ kind: string; payload: Json }>(`the stream event for ${label}`);
      assert.equal(ch.event, 'notify');
      assert.deepEqual(ch.data.payload, notice);
      assert.ok(server.store.notices.get(String(notice.id)));
    });
  }

  await t.test('without expiresAt a message lasts an hour, as on the panels', async () => {
    const r = await api(base, 'POST', '/api/v1/notify', { name: 'short', message: 'Coffee in the kitchen', toAll: true });
    assert.equal(r.status, 201);
    const notice = (r.json as { notice: Json }).notice;
    assert.equal(notice.expiresAt, '2026-03-02T10:07:00.000Z');
    assert.equal(notice.from, 'admin');
    await stream.next('its stream event');
  });

  await t.test('more than 10 a minute answer 429 with Retry-After, on the clock', async () => {
    // Four sent above; six more fit in the bucket.
    for (let i = 0; i < 6; i++) assert.equal((await api(base, 'POST', '/api/v1/notify', { name: `n${i}`, message: 'hi', toAll: true })).status, 201);
    const limited = await api(base, 'POST', '/api/v1/notify', { name: 'one-too-many', message: 'hi', toAll: true });
    assert.equal(limited.status, 429);
    assert.equal(error(limited).code, 'RATE_LIMITED');
    assert.equal(limited.headers.get('retry-after'), '6');
    assert.equal(server.store.notices.active().filter((n) => n.name === 'one-too-many').length, 0);
    // One token comes back every 6 s.
    clock.advance(6_000);
    assert.equal((await api(base, 'POST', '/api/v1/notify', { name: 'after-wait', message: 'hi', toAll: true })).status, 201);
    assert.equal((await api(base, 'POST', '/api/v1/notify', { name: 'again', message: 'hi', toAll: true })).status, 429);
  });

  await t.test('expired notices are pruned from the store on the clock', async () => {
    assert.ok(server.store.notices.active().length > 0);
    await clock.advanceAsync(2 * 3_600_000);
    assert.equal(server.store.notices.active().length, 0);
    // Pruned, not only filtered out: nothing of them remains.
    assert.equal(server.store.notices.active(0).length, 0);
  });
});
