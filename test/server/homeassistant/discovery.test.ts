import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { FakeClock } from '../../../shared/clock.js';
import { hashPassword, sha256Hex } from '../../../server/security/secrets.js';
import { startTestServer, type TestConfig } from '../../helpers/server.js';
import { startMosquitto } from '../../helpers/mosquitto.js';
import { freePort, until } from '../../helpers/wait.js';
import { at, meeting } from '../bookings/world.js';
import { HaClient, validateAll } from './ha-client.js';

type Server = Awaited<ReturnType<typeof startTestServer>>['server'];

const ISO_WITH_OFFSET = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:[+-]\d\d:\d\d|Z)$/;
const HA_PASSWORD = 'home-assistant-password-for-tests';

function rooms(ids: string[]): Array<{ id: string; name: string }> {
  const names: Record<string, string> = { ada: 'Ada Lovelace', grace: 'Grace Hopper' };
  return ids.map((id) => ({ id, name: names[id] ?? id }));
}

function liveBookings(server: Server, room: string) {
  return server.store.events.listForRoom(room).filter((e) => e.status !== 'cancelled' && e.title === 'Booked from Home Assistant');
}

async function refusals(server: Server, reason: string): Promise<number> {
  const text = await server.metrics.text();
  const m = new RegExp(`^doorplate_refusals_total\\{source="home_assistant",reason="${reason}"\\} (\\d+)$`, 'm').exec(text);
  return Number(m?.[1] ?? 0);
}

/** An approved display in `room` with its own MQTT login, to press its buttons. */
async function door(server: Server, id: string, room: string): Promise<mqtt.MqttClient> {
  const secret = `device-secret-of-${id}-for-the-ha-test`;
  server.store.devices.getOrCreatePending(id, null, null);
  server.store.devices.approve(id);
  server.store.devices.assignRoom(id, room);
  server.store.devices.setSecretHash(id, sha256Hex(secret));
  return mqtt.connectAsync(`mqtt://127.0.0.1:${server.mqttPort}`, { clientId: id, username: id, password: secret, reconnectPeriod: 0 });
}

/** A logger whose lines the test reads (the reasons of refusals). */
function capturing(): { logger: pino.Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString('utf8').split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

async function start(clock: FakeClock, dataDir: string, roomIds: string[], extra: TestConfig = {}, logger?: pino.Logger) {
  const inspectors = [{ username: 'hass', passwordHash: await hashPassword(HA_PASSWORD, { N: 1024, r: 8, p: 1 }), role: 'homeassistant' }];
  return startTestServer({
    clock,
    dataDir,
    ...(logger ? { logger } : {}),
    seed: new Map(roomIds.includes('grace') ? [['grace', [meeting('noon', '12:00', '13:00', { title: 'Quarterly <b>review</b>' })]]] : []),
    config: { rooms: rooms(roomIds), homeAssistant: { enabled: true, rediscoverMaxDelaySecs: 5, ...(extra.homeAssistant as object) }, broker: { inspectors } },
  });
}

test('Home Assistant on the embedded broker: valid discovery, views with offsets, book button, door events, birth, restart', async (t) => {
  const clock = new FakeClock(at('10:07'));
  const dataDir = mkdtempSync(join(tmpdir(), 'doorplate-ha-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const log = capturing();
  let { server, cleanup } = await start(clock, dataDir, ['ada', 'grace'], {}, log.logger);
  const clients: Array<{ endAsync: () => Promise<unknown> } | HaClient> = [];
  t.after(async () => {
    for (const c of clients) await (c instanceof HaClient ? c.close() : c.endAsync());
    await cleanup();
  });
  const url = `mqtt://127.0.0.1:${server.mqttPort}`;
  const ha = await HaClient.connect(url, { username: 'hass', password: HA_PASSWORD });
  clients.push(ha);

  await until(() => ha.configs().size === 3, 'the server and both rooms announced');
  const ids = validateAll(ha.configs());
  assert.ok(ids.includes('doorplate_room_ada_occupancy') && ids.includes('doorplate_room_grace_book') && ids.includes('doorplate_server_online'));
  const ada = JSON.parse(ha.configs().get('homeassistant/device/doorplate_room_ada/config') ?? '{}') as { dev: { name: string; via_device: string }; availability_topic: string; cmps: Record<string, Record<string, unknown>> };
  assert.equal(ada.dev.name, 'Ada Lovelace');
  assert.equal(ada.dev.via_device, 'doorplate_server');
  assert.equal(ada.availability_topic, 'doorplate/server/availability');
  assert.equal(ada.cmps.doorplate_room_ada_occupancy?.device_class, 'occupancy');
  assert.equal(ada.cmps.doorplate_room_ada_busy_until?.device_class, 'timestamp');
  assert.deepEqual(ada.cmps.doorplate_room_ada_door_button?.event_types, ['book', 'extend', 'end', 'checkin']);
  assert.equal(await ha.waitFor('doorplate/server/availability', (p) => p === 'online', 'the server online'), 'online');

  // Grace: free until noon, then the meeting; times carry Berlin's offset, the title stays text.
  const grace = JSON.parse(await ha.waitFor('doorplate/homeassistant/rooms/grace/state', () => true, "grace's view")) as Record<string, unknown>;
  assert.equal(grace.occupied, 'OFF');
  assert.equal(grace.free_until, '2026-03-02T12:00:00+01:00');
  assert.equal(grace.next_start, '2026-03-02T12:00:00+01:00');
  assert.equal(grace.busy_until, null);
  assert.match(String(grace.free_until), ISO_WITH_OFFSET);

  // A read-only inspector cannot press the button; Home Assistant's account can, once.
  const anonymous = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
  clients.push(anonymous);
  await anonymous.publishAsync('doorplate/homeassistant/rooms/ada/book', 'PRESS', { qos: 0 }).catch(() => undefined);
  await until(() => server.broker?.stats().refused.publish === 1, "the broker refusing the inspector's press");
  await ha.client.publishAsync('doorplate/homeassistant/rooms/ada/book', 'PRESS', { qos: 1 });
  await until(() => liveBookings(server, 'ada').length === 1, 'the press to book ada');
  const view = JSON.parse(await ha.waitFor('doorplate/homeassistant/rooms/ada/state', (p) => p.includes('"occupied":"ON"'), 'ada occupied')) as Record<string, unknown>;
  assert.equal(view.meeting, 'Booked from Home Assistant');
  assert.match(String(view.busy_until), ISO_WITH_OFFSET);
  // A second press while the room is taken is refused with its reason.
  await ha.client.publishAsync('doorplate/homeassistant/rooms/ada/book', 'PRESS', { qos: 1 });
  await until(async () => (await refusals(server, 'room_busy')) === 1, 'the refusal of a busy room');
  assert.equal(liveBookings(server, 'ada').length, 1, 'booked once');
  const refusal = log.lines.find((l) => l.ns === 'server:homeassistant' && l.code === 'ROOM_BUSY');
  assert.ok(refusal, 'the refusal is logged');
  assert.match(String(refusal.msg), /^book from Home Assistant refused: /);
  assert.equal(refusal.room, 'ada');

  // A button pressed at the door arrives as an event.
  const display = await door(server, 'door-a', 'ada');
  clients.push(display);
  const now = clock.now();
  await display.publishAsync('doorplate/devices/door-a/request/extend', JSON.stringify({ transaction: 'tx-ha-1', pressedAt: new Date(now).toISOString(), expiresAt: new Date(now + 60_000).toISOString(), minutes: 15 }), { qos: 1 });
  assert.deepEqual(JSON.parse(await ha.waitFor('doorplate/homeassistant/rooms/ada/button', () => true, 'the door-button event')), { event_type: 'extend' });

  // Home Assistant's birth message: everything announced again after the random wait.
  const announced = () => ha.seen.filter((s) => s.topic === 'homeassistant/device/doorplate_server/config').length;
  const before = announced();
  await ha.client.publishAsync('homeassistant/status', 'online', { qos: 1 });
  await until(async () => {
    await clock.advanceAsync(1000);
    return announced() > before;
  }, 'the announcement after the birth message');

  // A restart announces the same unique_ids.
  await cleanup();
  ({ server, cleanup } = await start(clock, dataDir, ['ada', 'grace']));
  const again = await HaClient.connect(`mqtt://127.0.0.1:${server.mqttPort}`, { username: 'hass', password: HA_PASSWORD });
  clients.push(again);
  await until(() => again.configs().size === 3, 'the announcement after a restart');
  assert.deepEqual(validateAll(again.configs()), ids);
});

test("Home Assistant's own broker (Mosquitto): discovery and views mirrored there, button commands taken from it, a removed room's device removed", async (t) => {
  const mosquitto = await startMosquitto();
  t.after(() => mosquitto.stop());
  const clock = new FakeClock(at('10:07'));
  const dataDir = mkdtempSync(join(tmpdir(), 'doorplate-ha-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const external: TestConfig = { homeAssistant: { url: mosquitto.url } };
  let { server, cleanup } = await start(clock, dataDir, ['ada', 'grace'], external);
  const ha = await HaClient.connect(mosquitto.url);
  t.after(async () => {
    await ha.close();
    await cleanup();
  });

  await until(() => ha.configs().size === 3, 'the announcement on Home Assistant’s broker');
  const ids = validateAll(ha.configs());
  assert.equal(await ha.waitFor('doorplate/server/availability', (p) => p === 'online', 'the server online there'), 'online');
  const grace = JSON.parse(await ha.waitFor('doorplate/homeassistant/rooms/grace/state', () => true, "grace's view there")) as Record<string, unknown>;
  assert.equal(grace.free_until, '2026-03-02T12:00:00+01:00');

  await ha.client.publishAsync('doorplate/homeassistant/rooms/grace/book', 'PRESS', { qos: 1 });
  await until(() => liveBookings(server, 'grace').length === 1, 'the press on Home Assistant’s broker to book grace');
  await ha.waitFor('doorplate/homeassistant/rooms/grace/state', (p) => p.includes('"occupied":"ON"'), 'grace occupied there');

  // Stopped: Home Assistant sees the server offline.
  await cleanup();
  await ha.waitFor('doorplate/server/availability', (p) => p === 'offline', 'the server offline there');

  // Restarted without grace: its device is removed (empty retained config), ada keeps its ids.
  ({ server, cleanup } = await start(clock, dataDir, ['ada'], external));
  await ha.waitFor('homeassistant/device/doorplate_room_grace/config', (p) => p === '', "grace's device removed");
  const fresh = await HaClient.connect(mosquitto.url);
  t.after(() => fresh.close());
  await until(() => fresh.configs().size === 2, 'the retained configs of a site with one room');
  assert.equal(fresh.configs().has('homeassistant/device/doorplate_room_grace/config'), false);
  const adaIds = ids.filter((id) => !id.includes('_grace_'));
  assert.deepEqual(validateAll(fresh.configs()), adaIds);
});

test("Home Assistant's broker down at start: the server starts, and announces once the broker is there", async (t) => {
  const port = await freePort();
  const clock = new FakeClock(at('10:07'));
  const dataDir = mkdtempSync(join(tmpdir(), 'doorplate-ha-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const { server, cleanup } = await start(clock, dataDir, ['ada'], { homeAssistant: { url: `mqtt://127.0.0.1:${port}` } });
  t.after(cleanup);
  assert.equal(server.health().ok, true, 'the server runs without Home Assistant');
  const mosquitto = await startMosquitto(port);
  t.after(() => mosquitto.stop());
  const ha = await HaClient.connect(mosquitto.url);
  t.after(() => ha.close());
  await until(() => ha.configs().size === 2, 'the announcement after Home Assistant’s broker came up', 20_000);
  validateAll(ha.configs());
});
