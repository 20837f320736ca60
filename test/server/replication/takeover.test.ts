import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parseConfig } from '../../../shared/config/load.js';
import { SystemClock } from '../../../shared/clock.js';
import { silentLogger } from '../../../shared/logger.js';
import { standbyPart } from '../../../server/replication/standby-part.js';
import { sha256Hex } from '../../../server/security/secrets.js';
import { api, startTestServer } from '../../helpers/server.js';
import { until } from '../../helpers/wait.js';
import { mustConnect } from '../broker/helpers.js';

interface FleetView {
  replication: { on: boolean; waits: Record<string, number>; standbys: Array<{ id: string; connected: boolean; syncing: boolean; lagEntries: number }> };
}

/**
 * A real leader (server, embedded broker, HTTP) and a real standby following it over MQTT;
 * then the leader stops and a server starts on the standby's store, as a new leader would.
 */
test('takeover: a booking answered by the leader is in the standby store at once, and a server on that store serves it, with the devices\' secrets', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'doorplate-takeover-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const secretFile = join(dir, 'fleet-secret');
  writeFileSync(secretFile, 'a-fleet-secret-for-this-test-0123456789\n');
  const node = { fleetSecret: { file: secretFile } };
  const leader = await startTestServer({ config: { node }, dataDir: join(dir, 'a') });
  let leaderUp = true;
  t.after(async () => {
    if (leaderUp) await leader.cleanup();
  });

  const standbyConfig = parseConfig({ site: { timeZone: 'Europe/Berlin' }, rooms: [{ id: 'ada', name: 'Ada Lovelace' }, { id: 'grace', name: 'Grace Hopper' }], server: { dataDir: join(dir, 'b') }, node });
  const standby = standbyPart({ config: standbyConfig, nodeId: 'b', leader: () => ({ url: `mqtt://127.0.0.1:${leader.server.mqttPort}`, epoch: 3 }), clock: new SystemClock(), log: silentLogger() });
  await standby.start(new AbortController().signal);
  let standbyUp = true;
  t.after(async () => {
    if (standbyUp) await standby.stop();
  });
  const fleet = async (): Promise<FleetView> => (await api(leader.base, 'GET', '/api/v1/fleet')).json as FleetView;
  await until(async () => (await fleet()).replication.standbys.some((s) => s.id === 'b' && s.connected && !s.syncing), 'b to follow the leader', 10_000);
  // What b reports to the election: the epoch of the leader it follows, and how far it applied.
  const synced = standby.position();
  assert.ok(synced && synced.epoch === 3 && synced.seq <= leader.server.store.replication.head(), JSON.stringify(synced));

  // A display enrolled at the leader: its secret's hash is replicated.
  const store = leader.server.store;
  store.transaction(() => {
    store.devices.getOrCreatePending('pi-1', { model: 'Pi' }, '127.0.0.1');
    store.devices.approve('pi-1');
    store.devices.assignRoom('pi-1', 'ada');
    store.devices.setSecretHash('pi-1', sha256Hex('secret-of-pi-1'));
  });
  const booked = await api(leader.base, 'POST', '/api/v1/meetings', { room: 'ada', durationMins: 30, title: 'Replicated' });
  assert.equal(booked.status, 201, JSON.stringify(booked.json));
  const { id, eventId } = (booked.json as { meeting: { id: string; eventId: string } }).meeting;

  // The answer waited for the standby: the booking is in its store now, not eventually.
  const copy = new Database(join(dir, 'b', 'doorplate.db'), { readonly: true });
  try {
    assert.deepEqual(copy.prepare('SELECT title FROM events WHERE room_id = ? AND id = ?').all('ada', eventId), [{ title: 'Replicated' }]);
  } finally {
    copy.close();
  }
  assert.ok(((await fleet()).replication.waits.acked ?? 0) >= 1, 'the answer waited for an ack');
  const advanced = standby.position();
  assert.ok(advanced && advanced.epoch === 3 && advanced.seq > synced.seq, `the position advanced past ${synced.seq} as b applied: ${JSON.stringify(advanced)}`);

  // The leader goes; a server starts on the standby's store.
  await standby.stop();
  standbyUp = false;
  await leader.cleanup();
  leaderUp = false;
  const next = await startTestServer({ config: { node }, dataDir: join(dir, 'b') });
  t.after(() => next.cleanup());
  const meetings = await api(next.base, 'GET', '/api/v1/meetings?room=ada');
  assert.equal((meetings.json as { current: { id: string } | null }).current?.id, id, 'the booking, same id');
  const device = await mustConnect(`mqtt://127.0.0.1:${next.server.mqttPort}`, { clientId: 'pi-1', username: 'pi-1', password: 'secret-of-pi-1', reconnectPeriod: 0 });
  try {
    const state = new Promise<string>((resolve) => device.on('message', (_topic, payload) => resolve(payload.toString())));
    await device.subscribeAsync('doorplate/rooms/ada/state', { qos: 1 });
    assert.equal((JSON.parse(await state) as { status: string }).status, 'busy', 'the new leader republished the room state from the copy');
  } finally {
    await device.endAsync(true);
  }
});
