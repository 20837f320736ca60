import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../../shared/clock.js';
import { parseConfig } from '../../shared/config/load.js';
import { silentLogger } from '../../shared/logger.js';
import { SimDevice, SIM_BUTTONS } from '../../cli/demo/sim-device.js';
import { startDynsecMosquitto } from '../helpers/mosquitto-dynsec.js';
import { ENROLL_TOKEN, api, startTestServer } from '../helpers/server.js';
import { until } from '../helpers/wait.js';
import { at, meeting } from '../server/bookings/world.js';
import { tryConnect } from '../server/broker/helpers.js';

/**
 * The real display agent on Mosquitto (`broker.url`, dynamic security): it enrolls with the site
 * token, gets its secret sealed to its key, logs in with it, shows its room, books with a button,
 * follows a room move, and is shut out when revoked. Nothing but the two peers' own contract is
 * involved: Mosquitto checks every login and every delivery itself.
 */
test('the display agent on Mosquitto: enroll, approve, show the room, book, move, revoke', async (t) => {
  const clock = new FakeClock(at('09:50'));
  const mosquitto = await startDynsecMosquitto();
  const dataDir = mkdtempSync(join(tmpdir(), 'doorplate-mosq-agent-'));
  const { server, base, cleanup } = await startTestServer({
    clock,
    dataDir,
    config: { broker: { url: mosquitto.url, username: mosquitto.admin.username, password: mosquitto.admin.password }, devices: [{ id: 'door-m' }] },
    seed: new Map([['ada', [meeting('m12', '12:00', '13:00')]]]),
  });
  const port = Number(new URL(mosquitto.url).port);
  const credentialsFile = join(dataDir, 'devices', 'door-m.json');
  const config = parseConfig({
    site: { timeZone: 'Europe/Berlin' },
    edge: { deviceId: 'door-m', server: { host: '127.0.0.1', port }, credentialsFile, enrollmentToken: ENROLL_TOKEN },
  });
  const display = new SimDevice({ config, model: 'epd7in5_V2', roomId: 'ada', clock, logger: silentLogger() });
  t.after(async () => {
    await display.stop().catch(() => undefined);
    await cleanup();
    await mosquitto.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const seen = (): string => JSON.stringify({ phase: display.edge.agent.phase, room: display.edge.lastView?.roomName, status: display.edge.lastView?.state.status });
  const shows = (what: string, ok: () => boolean): Promise<void> => until(ok, `${what} (display: ${seen()})`);

  await display.start();
  await until(() => server.store.devices.get('door-m')?.status === 'pending', 'the display pending on the server');
  assert.ok(server.store.devices.get('door-m')?.enrollSealKey, 'bound to the key of its hello');

  assert.equal((await api(base, 'POST', '/api/v1/devices/door-m/approve')).status, 200);
  assert.equal((await api(base, 'PUT', '/api/v1/devices/door-m/room', { room: 'ada' })).status, 200);
  await shows('Ada, free', () => display.edge.agent.phase === 'online' && display.edge.lastView?.roomName === 'Ada Lovelace' && display.edge.lastView.state.status === 'free');
  await until(() => server.store.devices.get('door-m')?.secretConfirmed === true, 'the secret confirmed by the display');
  // The secret the display keeps is the password Mosquitto was given: it works on its own.
  const kept = JSON.parse(readFileSync(credentialsFile, 'utf8')) as { secret: string };
  const login = { username: 'door-m', password: kept.secret, clientId: 'door-m', reconnectPeriod: 0 };

  // Book now with the button: the request and its answer go through Mosquitto.
  const book = SIM_BUTTONS.find((b) => b.name === 'book')?.pin ?? -1;
  display.gpio.inject(book, 0);
  clock.advance(100);
  display.gpio.inject(book, 1);
  clock.advance(600);
  await until(() => server.store.events.listForRoom('ada').some((e) => e.id !== 'm12' && e.status !== 'cancelled'), 'a booking from the button');
  await shows('Ada, busy', () => display.edge.lastView?.state.status === 'busy');

  assert.equal((await api(base, 'PUT', '/api/v1/devices/door-m/room', { room: 'grace' })).status, 200);
  await shows('Grace, free', () => display.edge.lastView?.roomName === 'Grace Hopper' && display.edge.lastView.state.status === 'free');

  assert.equal((await api(base, 'DELETE', '/api/v1/devices/door-m')).status, 204);
  await shows('no longer online', () => display.edge.agent.phase !== 'online');
  assert.equal((await tryConnect(mosquitto.url, login)).ok, false, 'Mosquitto refuses the revoked secret');
  assert.equal((await tryConnect(mosquitto.url, { username: 'enroll:door-m', password: ENROLL_TOKEN, clientId: 'door-m' })).ok, false, 'and its enrolling account is gone');
});
