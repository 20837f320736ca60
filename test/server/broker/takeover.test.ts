import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MqttClient } from 'mqtt';
import { EmbeddedBroker } from '../../../server/broker/embedded-broker.js';
import { ServerClient } from '../../../server/broker/server-client.js';
import { hashPassword, sha256Hex } from '../../../server/security/secrets.js';
import { enrollmentKeyHash, withKey } from '../../../shared/api/enrollment-key.js';
import { silentLogger } from '../../../shared/logger.js';
import { MemoryDirectory, mustConnect, tryConnect } from './helpers.js';

/**
 * A copy of the site enrollment token (or nothing at all) must not take any connected client's
 * place: for each kind of identity, a takeover attempt is refused and the holder stays.
 */
const SERVER_PASSWORD = 'server-internal-password-0123456789';
const TOKEN = 'site-enrollment-token-0123456789abcdef';
const KEY = 'K'.repeat(43);
const ATTACKER_KEY = 'A'.repeat(43);

async function rig(): Promise<{ broker: EmbeddedBroker; dir: MemoryDirectory; url: string; clients: MqttClient[]; close(): Promise<void> }> {
  const dir = new MemoryDirectory(SERVER_PASSWORD);
  dir.devices.set('d1', { status: 'approved', secretHash: sha256Hex('secret-d1'), roomId: 'r1', secretConfirmed: true, enrollKeyHash: enrollmentKeyHash(KEY) });
  dir.devices.set('p1', { status: 'pending', secretHash: null, roomId: null, enrollKeyHash: enrollmentKeyHash(KEY) });
  dir.enrollmentHash = sha256Hex(TOKEN);
  dir.anonymous = true;
  dir.inspectorList = [
    { username: 'ops', passwordHash: await hashPassword('ops-pw', { N: 1024, r: 8, p: 1 }) },
    { username: 'dev', passwordHash: await hashPassword('dev-pw', { N: 1024, r: 8, p: 1 }) },
  ];
  const broker = new EmbeddedBroker({ host: '127.0.0.1', port: 0, prefix: 'doorplate', directory: dir, logger: silentLogger() });
  await broker.start();
  const clients: MqttClient[] = [];
  return {
    broker,
    dir,
    url: `mqtt://127.0.0.1:${broker.port}`,
    clients,
    async close() {
      for (const c of clients) c.end(true);
      await broker.stop();
    },
  };
}

/** The holder is still connected and still works: it gets its own message back. */
async function stillThere(c: MqttClient, topic: string, publisher: MqttClient): Promise<void> {
  assert.equal(c.connected, true);
  const got = new Promise<void>((resolve) => c.on('message', (t) => t === topic && resolve()));
  await c.subscribeAsync(topic, { qos: 1 });
  await publisher.publishAsync(topic, 'still here', { qos: 1 });
  await got;
  assert.equal(c.connected, true);
}

test('an enrolled display: enroll:<id> with the token, with or without a key, is refused and the display stays', async () => {
  const r = await rig();
  try {
    const d1 = await mustConnect(r.url, { clientId: 'd1', username: 'd1', password: withKey('secret-d1', KEY) });
    const server = await mustConnect(r.url, { clientId: 'doorplate-server-t', username: '$server', password: SERVER_PASSWORD });
    r.clients.push(d1, server);
    for (const password of [TOKEN, withKey(TOKEN, ATTACKER_KEY), withKey(TOKEN, KEY)]) {
      const attempt = await tryConnect(r.url, { clientId: 'd1', username: 'enroll:d1', password });
      assert.deepEqual(attempt, { ok: false, code: 5 });
    }
    // Its secret without its key is no use either.
    assert.deepEqual(await tryConnect(r.url, { clientId: 'd1', username: 'd1', password: 'secret-d1' }), { ok: false, code: 4 });
    await stillThere(d1, 'doorplate/rooms/r1/state', server);
  } finally {
    await r.close();
  }
});

test('a pending display: only the holder of its key enrolls under its id, connected or not', async () => {
  const r = await rig();
  try {
    const p1 = await mustConnect(r.url, { clientId: 'p1', username: 'enroll:p1', password: withKey(TOKEN, KEY) });
    const server = await mustConnect(r.url, { clientId: 'doorplate-server-t', username: '$server', password: SERVER_PASSWORD });
    r.clients.push(server);
    for (const password of [TOKEN, withKey(TOKEN, ATTACKER_KEY)]) {
      assert.deepEqual(await tryConnect(r.url, { clientId: 'p1', username: 'enroll:p1', password }), { ok: false, code: 5 });
    }
    await stillThere(p1, 'doorplate/devices/p1/enrollment', server);
    p1.end(true);
    // While it is away, too.
    assert.deepEqual(await tryConnect(r.url, { clientId: 'p1', username: 'enroll:p1', password: withKey(TOKEN, ATTACKER_KEY) }), { ok: false, code: 5 });
    const back = await tryConnect(r.url, { clientId: 'p1', username: 'enroll:p1', password: withKey(TOKEN, KEY) });
    assert.equal(back.ok, true);
    if (back.ok) r.clients.push(back.client);
  } finally {
    await r.close();
  }
});

test("the server's connection: its random client id is refused to every other login and it stays connected", async () => {
  const r = await rig();
  try {
    const clientId = `doorplate-server-${'x'.repeat(6)}${Math.random().toString(36).slice(2)}`;
    const server = new ServerClient({ url: r.url, prefix: 'doorplate', username: '$server', password: SERVER_PASSWORD, clientId, logger: silentLogger() });
    await server.start();
    let dropped = false;
    server.on('disconnected', () => (dropped = true));
    try {
      const attempts = [
        { clientId, username: 'ops', password: 'ops-pw' },
        { clientId, username: undefined, password: undefined },
        { clientId, username: 'enroll:d7', password: TOKEN },
        { clientId: 'doorplate-server-guess', username: 'ops', password: 'ops-pw' },
      ];
      for (const a of attempts) assert.deepEqual(await tryConnect(r.url, a), { ok: false, code: 2 });
      assert.equal(dropped, false);
      assert.equal(server.connected, true);
      assert.equal(r.broker.stats().byKind.server, 1);
    } finally {
      await server.stop();
    }
  } finally {
    await r.close();
  }
});

test('an inspector: another inspector or an anonymous client cannot take its client id', async () => {
  const r = await rig();
  try {
    const ops = await mustConnect(r.url, { clientId: 'ops-laptop', username: 'ops', password: 'ops-pw' });
    const server = await mustConnect(r.url, { clientId: 'doorplate-server-t', username: '$server', password: SERVER_PASSWORD });
    r.clients.push(ops, server);
    assert.deepEqual(await tryConnect(r.url, { clientId: 'ops-laptop', username: 'dev', password: 'dev-pw' }), { ok: false, code: 2 });
    assert.deepEqual(await tryConnect(r.url, { clientId: 'ops-laptop' }), { ok: false, code: 2 });
    await stillThere(ops, 'doorplate/rooms/r1/state', server);
  } finally {
    await r.close();
  }
});
