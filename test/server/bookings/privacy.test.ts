import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type MqttClient } from 'mqtt';
import { FakeClock } from '../../../shared/clock.js';
import type { CalendarEvent, PrivacyMode } from '../../../shared/model/event.js';
import { sha256Hex } from '../../../server/security/secrets.js';
import { api, startTestServer } from '../../helpers/server.js';
import { until } from '../../helpers/wait.js';
import { at, meeting } from './world.js';

type Json = Record<string, unknown>;

const TITLE = 'Board: reorganisation';
const ORGANIZER = 'ceo@example.com';
const PRIVATE_TITLE = 'Doctor appointment';
const PRIVATE_ORGANIZER = 'bob@example.com';

const ROOMS: Array<{ id: string; privacy: PrivacyMode }> = [
  { id: 'ada', privacy: 'full' },
  { id: 'grace', privacy: 'organizer' },
  { id: 'hedy', privacy: 'private' },
];

function expected(mode: PrivacyMode): { title: string | null; organizer: string | null } {
  return { title: mode === 'full' ? TITLE : null, organizer: mode === 'private' ? null : ORGANIZER };
}

/** What may leave the server for a room: the title and organizer only as its mode allows; a private event never. */
function assertNoLeak(mode: PrivacyMode, where: string, value: unknown): void {
  const text = JSON.stringify(value);
  if (mode !== 'full') assert.equal(text.includes(TITLE), false, `${where}: title leaked`);
  if (mode === 'private') assert.equal(text.includes(ORGANIZER), false, `${where}: organizer leaked`);
  assert.equal(text.includes(PRIVATE_TITLE), false, `${where}: a private event's title leaked`);
  assert.equal(text.includes(PRIVATE_ORGANIZER), false, `${where}: a private event's organizer leaked`);
}

function seed(): Map<string, CalendarEvent[]> {
  const events = (): CalendarEvent[] => [
    meeting('now', '10:00', '10:30', { title: TITLE, organizer: ORGANIZER }),
    meeting('later', '11:00', '12:00', { title: TITLE, organizer: ORGANIZER }),
    meeting('secret', '12:00', '12:30', { title: PRIVATE_TITLE, organizer: PRIVATE_ORGANIZER, private: true }),
  ];
  return new Map(ROOMS.map((r) => [r.id, events()]));
}

test('privacy modes on every output: MQTT state and agenda, REST answers, device responses', async (t) => {
  // 10:02 in Berlin: "now" is waiting for check-in, "later" and "secret" follow.
  const clock = new FakeClock(at('10:02'));
  const { server, base, cleanup } = await startTestServer({
    clock,
    seed: seed(),
    config: { site: { timeZone: 'Europe/Berlin' }, rooms: ROOMS.map((r) => ({ id: r.id, name: r.id.toUpperCase(), privacy: r.privacy })) },
  });
  const clients: MqttClient[] = [];
  t.after(async () => {
    for (const c of clients) await c.endAsync(true);
    await cleanup();
  });
  const mqttUrl = `mqtt://127.0.0.1:${server.mqttPort}`;

  await t.test('MQTT: retained state and agenda', async () => {
    const inspector = connect(mqttUrl, { reconnectPeriod: 0 });
    clients.push(inspector);
    const seen = new Map<string, Json>();
    inspector.on('message', (topic, payload) => seen.set(topic, JSON.parse(payload.toString()) as Json));
    await inspector.subscribeAsync(['doorplate/rooms/+/state', 'doorplate/rooms/+/agenda']);
    await until(() => seen.size === ROOMS.length * 2, 'every room\'s state and agenda');
    for (const r of ROOMS) {
      const state = seen.get(`doorplate/rooms/${r.id}/state`) as { status: string; current: Json; next: Json };
      const agenda = seen.get(`doorplate/rooms/${r.id}/agenda`) as { events: Json[] };
      assert.equal(state.status, 'awaiting-checkin');
      assert.deepEqual({ title: state.current.title, organizer: state.current.organizer }, expected(r.privacy), `${r.id} state.current`);
      assert.deepEqual({ title: state.next.title, organizer: state.next.organizer }, expected(r.privacy), `${r.id} state.next`);
      const secret = agenda.events.find((e) => e.id === 'secret');
      assert.deepEqual({ title: secret?.title, organizer: secret?.organizer, private: secret?.private }, { title: null, organizer: null, private: true });
      for (const e of agenda.events.filter((x) => x.id !== 'secret')) assert.deepEqual({ title: e.title, organizer: e.organizer }, expected(r.privacy));
      assertNoLeak(r.privacy, `${r.id} state`, state);
      assertNoLeak(r.privacy, `${r.id} agenda`, agenda);
    }
  });

  await t.test('REST: rooms, meetings, book, extend, check in', async () => {
    for (const r of ROOMS) {
      const room = (await api(base, 'GET', `/api/v1/rooms/${r.id}`)).json as { state: { current: Json }; agenda: Json[] };
      assert.deepEqual({ title: room.state.current.title, organizer: room.state.current.organizer }, expected(r.privacy));
      assertNoLeak(r.privacy, `GET /rooms/${r.id}`, room);
      const listed = ((await api(base, 'GET', '/api/v1/rooms')).json as { rooms: Json[] }).rooms.find((x) => x.id === r.id);
      assert.ok(listed);
      assertNoLeak(r.privacy, 'GET /rooms', listed);

      const status = (await api(base, 'GET', `/api/v1/meetings?room=${r.id}`)).json as { current: Json; next: Json[] };
      assert.deepEqual({ title: status.current.title, organizer: status.current.organizer }, expected(r.privacy));
      assert.deepEqual(status.next.map((e) => e.eventId), ['later', 'secret']);
      assert.deepEqual({ title: status.next[0]?.title, organizer: status.next[0]?.organizer }, expected(r.privacy));
      assert.deepEqual({ title: status.next[1]?.title, organizer: status.next[1]?.organizer }, { title: null, organizer: null });
      assertNoLeak(r.privacy, `GET /meetings?room=${r.id}`, status);

      const booked = await api(base, 'POST', '/api/v1/meetings', { room: r.id, start: at('14:00'), end: at('15:00'), title: TITLE, organizer: ORGANIZER });
      assert.equal(booked.status, 201);
      const m = (booked.json as { meeting: Json & { id: string } }).meeting;
      assert.deepEqual({ title: m.title, organizer: m.organizer }, expected(r.privacy));
      assertNoLeak(r.privacy, 'POST /meetings', booked.json);

      const extended = await api(base, 'PATCH', `/api/v1/meetings/${encodeURIComponent(m.id)}`, { extendMins: 15 });
      assert.equal(extended.status, 200);
      assertNoLeak(r.privacy, 'PATCH /meetings', extended.json);
      const conflict = await api(base, 'POST', '/api/v1/meetings', { room: r.id, start: at('14:30'), end: at('15:30'), title: 'x' });
      assert.equal(conflict.status, 409);
      assertNoLeak(r.privacy, '409 answer', conflict.json);

      const checked = await api(base, 'POST', `/api/v1/meetings/${encodeURIComponent(`${r.id}~now`)}/checkin`);
      assert.equal(checked.status, 200, JSON.stringify(checked.json));
      assert.deepEqual({ title: (checked.json as { meeting: Json }).meeting.title }, { title: expected(r.privacy).title });
      assertNoLeak(r.privacy, 'POST checkin', checked.json);
    }
  });

  await t.test('device request responses', async () => {
    for (const r of ROOMS) {
      const id = `door-${r.id}`;
      const secret = `secret-for-${id}-0123456789abcdef`;
      server.store.devices.getOrCreatePending(id, null, null);
      server.store.devices.approve(id);
      server.store.devices.setSecretHash(id, sha256Hex(secret));
      await server.devices.assign(id, r.id);
      const device = connect(mqttUrl, { reconnectPeriod: 0, username: id, password: secret, clientId: id });
      clients.push(device);
      const answers: Json[] = [];
      device.on('message', (_topic, payload) => answers.push(JSON.parse(payload.toString()) as Json));
      await device.subscribeAsync(`doorplate/devices/${id}/response/+`);
      const request = (verb: string, transaction: string) =>
        device.publishAsync(`doorplate/devices/${id}/request/${verb}`, JSON.stringify({ transaction, pressedAt: new Date(clock.now()).toISOString(), expiresAt: new Date(clock.now() + 60_000).toISOString() }), { qos: 1 });
      await request('extend', `extend-${r.id}-0001`);
      await until(() => answers.length === 1, `${id} extend answer`);
      await request('end', `end-${r.id}-00001`);
      await until(() => answers.length === 2, `${id} end answer`);
      for (const a of answers) {
        assert.equal(a.status, 'ok', JSON.stringify(a));
        const meetingOut = (a.data as { meeting: Json }).meeting;
        assert.deepEqual({ title: meetingOut.title, organizer: meetingOut.organizer }, expected(r.privacy));
        assertNoLeak(r.privacy, `${id} response`, a);
      }
    }
  });
});
