import { test } from 'node:test';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { FakeClock } from '../../../shared/clock.js';
import type { DeviceConfig, DeviceResponse } from '../../../shared/api/payloads.js';
import { sha256Hex } from '../../../server/security/secrets.js';
import { startTestServer } from '../../helpers/server.js';
import { until } from '../../helpers/wait.js';
import { at, meeting } from '../bookings/world.js';

type Server = Awaited<ReturnType<typeof startTestServer>>['server'];

/** A device the store knows as approved, in `room`, with an MQTT connection of its own. */
async function device(server: Server, id: string, room: string): Promise<{ client: mqtt.MqttClient; configs: DeviceConfig[]; responses: Map<string, DeviceResponse> }> {
  const secret = `device-secret-of-${id}-for-the-request-test`;
  server.store.devices.getOrCreatePending(id, null, null);
  server.store.devices.approve(id);
  server.store.devices.assignRoom(id, room);
  server.store.devices.setSecretHash(id, sha256Hex(secret));
  await server.devices.publishConfig(id);
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${server.mqttPort}`, { clientId: id, username: id, password: secret, reconnectPeriod: 0 });
  const configs: DeviceConfig[] = [];
  const responses = new Map<string, DeviceResponse>();
  client.on('message', (topic, payload) => {
    const body = JSON.parse(payload.toString('utf8')) as unknown;
    if (topic.endsWith('/config')) configs.push(body as DeviceConfig);
    else if (topic.includes('/response/')) responses.set((body as DeviceResponse).transaction, body as DeviceResponse);
  });
  await client.subscribeAsync([`doorplate/devices/${id}/config`, `doorplate/devices/${id}/response/+`], { qos: 1 });
  return { client, configs, responses };
}

test('device requests: the config carries the extend steps; a book request may run until the next meeting', async (t) => {
  // 10:07 in Berlin; Grace has a meeting at 12:00, Ada nothing today.
  const clock = new FakeClock(at('10:07'));
  const { server, cleanup } = await startTestServer({
    clock,
    seed: new Map([['grace', [meeting('noon', '12:00', '13:00')]]]),
    config: {
      site: { timeZone: 'Europe/Berlin' },
      rooms: [
        { id: 'ada', name: 'Ada Lovelace', booking: { extendStepsMins: [20, 40] } },
        { id: 'grace', name: 'Grace Hopper' },
      ],
      devices: [{ id: 'door-x', booking: { extendStepsMins: [45] } }],
    },
  });
  const x = await device(server, 'door-x', 'ada');
  const y = await device(server, 'door-y', 'grace');
  const z = await device(server, 'door-z', 'ada');
  t.after(async () => {
    for (const d of [x, y, z]) await d.client.endAsync();
    await cleanup();
  });
  let n = 0;
  const ask = async (d: typeof x, id: string, verb: string, extra: Record<string, unknown>): Promise<DeviceResponse> => {
    const transaction = `tx-request-${++n}`;
    const body = { transaction, pressedAt: new Date(clock.now()).toISOString(), expiresAt: new Date(clock.now() + 60_000).toISOString(), ...extra };
    await d.client.publishAsync(`doorplate/devices/${id}/request/${verb}`, JSON.stringify(body), { qos: 1 });
    await until(() => d.responses.has(transaction), `the answer to ${verb}`);
    return d.responses.get(transaction) as DeviceResponse;
  };
  const meetingOf = (r: DeviceResponse): { start: string; end: string } => (r.data as { meeting: { start: string; end: string } }).meeting;

  await t.test('extend steps from the effective rules: display over room over site', async () => {
    await until(() => x.configs.length > 0 && y.configs.length > 0 && z.configs.length > 0, 'the configs');
    assert.deepEqual(x.configs.at(-1)?.extendStepsMins, [45]);
    assert.deepEqual(z.configs.at(-1)?.extendStepsMins, [20, 40]);
    assert.deepEqual(y.configs.at(-1)?.extendStepsMins, [15, 30]);
  });

  await t.test('book until the next meeting ends at its start', async () => {
    const r = await ask(y, 'door-y', 'book', { untilNext: true });
    assert.equal(r.status, 'ok', JSON.stringify(r.error));
    assert.deepEqual(meetingOf(r), { ...meetingOf(r), start: at('10:07'), end: at('12:00') });
  });

  await t.test('with nothing following it is capped by the rules: 8 hours, on a mark', async () => {
    const r = await ask(x, 'door-x', 'book', { untilNext: true });
    assert.equal(r.status, 'ok', JSON.stringify(r.error));
    assert.equal(meetingOf(r).end, at('18:00'));
  });

  await t.test('an extend press sends the display\'s first step; untilNext is for book only', async () => {
    const ext = await ask(x, 'door-x', 'extend', { durationMins: 45 });
    assert.equal(ext.status, 'ok', JSON.stringify(ext.error));
    assert.equal(meetingOf(ext).end, at('18:45'));
    const refused = await ask(x, 'door-x', 'extend', { untilNext: true });
    assert.equal(refused.status, 'error');
    assert.equal(refused.error?.code, 'VALIDATION');
    assert.match(refused.error?.message ?? '', /^untilNext: only a book request/);
  });

  await t.test('a request with both a length and untilNext is refused as malformed, with no booking', async () => {
    const before = server.devices.refusedCount();
    const events = server.store.events.listForRoom('grace').length;
    const body = { transaction: 'tx-both-0001', pressedAt: new Date(clock.now()).toISOString(), expiresAt: new Date(clock.now() + 60_000).toISOString(), durationMins: 30, untilNext: true };
    await y.client.publishAsync('doorplate/devices/door-y/request/book', JSON.stringify(body), { qos: 1 });
    await until(() => server.devices.refusedCount() === before + 1, 'the refusal');
    assert.equal(server.store.events.listForRoom('grace').length, events);
    assert.equal(y.responses.has('tx-both-0001'), false);
  });
});
