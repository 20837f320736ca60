import { test } from 'node:test';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { FakeClock } from '../../../shared/clock.js';
import type { DeviceResponse } from '../../../shared/api/payloads.js';
import type { CalendarEvent } from '../../../shared/model/event.js';
import { sha256Hex } from '../../../server/security/secrets.js';
import { api, startTestServer } from '../../helpers/server.js';
import { until } from '../../helpers/wait.js';
import { meetingId } from '../../../server/http/meeting-id.js';
import { at, meeting } from './world.js';

type Json = Record<string, unknown>;
type Server = Awaited<ReturnType<typeof startTestServer>>['server'];
const N = 5;

/**
 * Makes the calendar slow after it committed (a provider write that takes long to answer) and
 * counts the requests that reach the booking rules, so a test knows every copy arrived.
 */
function slowAfterCommit(server: Server): { writes: () => number; arrived: () => number; open: () => void } {
  let open = (): void => undefined;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let writes = 0;
  let arrived = 0;
  // The parts' methods are swapped on the instances the server wired, as a slow provider would behave.
  type Methods = Record<string, (...a: unknown[]) => Promise<unknown>>;
  const provider = server.provider as unknown as Methods;
  for (const name of ['book', 'setEnd', 'cancel', 'checkIn'] as const) {
    const real = (provider[name] as Methods[string]).bind(provider);
    provider[name] = async (...a: unknown[]) => {
      writes++;
      const r = await real(...a);
      await gate;
      return r;
    };
  }
  const bookings = server.bookings as unknown as Methods;
  for (const name of ['bookNow', 'extend', 'end', 'checkIn'] as const) {
    const real = (bookings[name] as Methods[string]).bind(bookings);
    bookings[name] = (...a: unknown[]) => {
      arrived++;
      return real(...a);
    };
  }
  return { writes: () => writes, arrived: () => arrived, open };
}

interface Case {
  verb: 'book' | 'extend' | 'end' | 'checkin';
  start: string;
  seed: CalendarEvent[];
  http: (base: string) => Promise<{ status: number; json: unknown }>;
  check: (server: Server) => void;
}

const key = { 'idempotency-key': 'retry-1' };
const cases: Case[] = [
  {
    verb: 'book',
    start: '10:02',
    seed: [],
    http: (base) => api(base, 'POST', '/api/v1/meetings', { room: 'ada', durationMins: 30 }, key),
    check: (s) => assert.equal(s.store.events.listForRoom('ada').length, 1, 'one meeting booked'),
  },
  {
    verb: 'extend',
    start: '10:30',
    seed: [meeting('m', '10:00', '11:00', { checkInRequired: false })],
    http: (base) => api(base, 'PATCH', `/api/v1/meetings/${meetingId('ada', 'm')}`, { extendMins: 15 }, key),
    check: (s) => assert.equal(s.store.events.get('ada', 'm')?.end, at('11:15'), 'extended by 15 minutes once'),
  },
  {
    verb: 'end',
    start: '10:30',
    seed: [meeting('m', '10:00', '11:00', { checkInRequired: false }), meeting('n', '10:15', '12:00', { checkInRequired: false })],
    http: (base) => api(base, 'PATCH', `/api/v1/meetings/${meetingId('ada', 'n')}`, { end: 'now' }, key),
    check: (s) => {
      assert.equal(s.store.events.get('ada', 'n')?.end, at('10:30'));
      assert.equal(s.store.events.get('ada', 'm')?.end, at('11:00'), 'no second meeting ended');
    },
  },
  {
    verb: 'checkin',
    start: '10:03',
    seed: [meeting('m', '10:00', '11:00')],
    http: (base) => api(base, 'POST', `/api/v1/meetings/${meetingId('ada', 'm')}/checkin`, undefined, key),
    check: (s) => assert.equal(s.store.events.get('ada', 'm')?.checkedInAt, at('10:03')),
  },
];

for (const c of cases) {
  test(`over HTTP: ${N} concurrent ${c.verb} requests with one Idempotency-Key act once`, async (t) => {
    const clock = new FakeClock(at(c.start));
    const { server, base, cleanup } = await startTestServer({ clock, seed: new Map([['ada', c.seed]]) });
    t.after(cleanup);
    const slow = slowAfterCommit(server);
    const replies = Array.from({ length: N }, () => c.http(base));
    await until(() => slow.arrived() === N, `${N} requests at the booking rules`);
    slow.open();
    const answers = await Promise.all(replies);
    assert.equal(slow.writes(), 1, 'one calendar write');
    for (const a of answers) {
      assert.ok(a.status < 300, `answered ${a.status}: ${JSON.stringify(a.json)}`);
      assert.deepEqual(a.json, answers[0]?.json, 'every caller gets the first answer');
    }
    c.check(server);
  });

  test(`over MQTT: one ${c.verb} request delivered ${N} times (QoS 1 redelivery) acts once`, async (t) => {
    const clock = new FakeClock(at(c.start));
    const { server, cleanup } = await startTestServer({ clock, seed: new Map([['ada', c.seed]]) });
    const id = 'door-1';
    const secret = 'device-secret-of-door-1-for-the-idempotency-test';
    server.store.devices.getOrCreatePending(id, null, null);
    server.store.devices.approve(id);
    server.store.devices.assignRoom(id, 'ada');
    server.store.devices.setSecretHash(id, sha256Hex(secret));
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${server.mqttPort}`, { clientId: id, username: id, password: secret, reconnectPeriod: 0 });
    t.after(async () => {
      await client.endAsync();
      await cleanup();
    });
    const responses: DeviceResponse[] = [];
    client.on('message', (topic, payload) => {
      if (topic.includes('/response/')) responses.push(JSON.parse(payload.toString('utf8')) as DeviceResponse);
    });
    await client.subscribeAsync(`doorplate/devices/${id}/response/+`, { qos: 1 });
    const slow = slowAfterCommit(server);
    const body = JSON.stringify({ transaction: 'tx-redelivered', pressedAt: new Date(clock.now()).toISOString(), expiresAt: new Date(clock.now() + 60_000).toISOString(), ...(c.verb === 'book' ? { durationMins: 30 } : {}) });
    for (let i = 0; i < N; i++) await client.publishAsync(`doorplate/devices/${id}/request/${c.verb}`, body, { qos: 1 });
    await until(() => slow.arrived() === N, `${N} deliveries at the booking rules`);
    slow.open();
    await until(() => responses.length === N, `${N} responses`);
    assert.equal(slow.writes(), 1, 'one calendar write');
    for (const r of responses) {
      assert.equal(r.status, 'ok', JSON.stringify(r));
      assert.deepEqual(r, responses[0], 'every delivery gets the first answer');
    }
    c.check(server);
  });
}

test('over HTTP: GET /api/v1/meetings reads what the panels show, with stale', async (t) => {
  const clock = new FakeClock(at('09:30'));
  const { server, base, cleanup } = await startTestServer({
    clock,
    seed: new Map([['ada', [meeting('x', '09:00', '10:00', { checkInRequired: false }), meeting('y', '09:00', '11:00', { checkInRequired: false }), meeting('z', '12:00', '13:00')]]]),
  });
  t.after(cleanup);
  const got = (await api(base, 'GET', '/api/v1/meetings?room=ada')).json as Json & { current: Json; next: Json[] };
  const shown = server.publisher.snapshot('ada')?.state;
  assert.equal(got.current.eventId, shown?.current?.id);
  assert.equal(got.current.eventId, 'y');
  assert.equal(got.busyUntil, shown?.busyUntil);
  assert.equal(got.stale, false);
  assert.deepEqual(got.next.map((e) => e.eventId), ['z']);
  await server.publisher.setStale('ada', true);
  assert.equal(((await api(base, 'GET', '/api/v1/meetings?room=ada')).json as Json).stale, true);
});
