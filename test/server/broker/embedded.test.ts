import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Identity } from '../../../server/broker/acl.js';
import { hashPassword, sha256Hex } from '../../../server/security/secrets.js';
import { silentLogger } from '../../../shared/logger.js';
import { Inbox, closed, mustConnect, subscribeCodes, tryConnect } from './helpers.js';
import { PREFIX, startBrokerRig, type BrokerRig } from './broker-rig.js';
import { EmbeddedBroker } from '../../../server/broker/embedded-broker.js';

const TOKEN = 'site-enrollment-token-0123456789abcdef';

const rig = (): Promise<BrokerRig> =>
  startBrokerRig(
    [
      ['d1', 'secret-d1', 'r1'],
      ['d2', 'secret-d2', 'r2'],
    ],
    (dir) => (dir.enrollmentHash = sha256Hex(TOKEN)),
  );

test('a device publishes its own hello and the server receives it', async () => {
  const r = await rig();
  try {
    let resolve!: (m: { device: string; payload: string }) => void;
    const got = new Promise<{ device: string; payload: string }>((r) => (resolve = r));
    await r.server.subscribe('deviceHello', {}, (params, payload) => resolve({ device: params.device, payload: payload.toString() }));
    const d1 = await r.device('d1', 'secret-d1');
    await d1.publishAsync('doorplate/devices/d1/hello', 'hi from d1', { qos: 1 });
    assert.deepEqual(await got, { device: 'd1', payload: 'hi from d1' });
  } finally {
    await r.close();
  }
});

test("a device cannot publish another device's hello: the broker drops it and closes the connection", async () => {
  const r = await rig();
  try {
    const seen: string[] = [];
    let genuine!: () => void;
    const genuineArrived = new Promise<void>((resolve) => (genuine = resolve));
    await r.server.subscribe('deviceHello', {}, (params, payload) => {
      seen.push(`${params.device}:${payload.toString()}`);
      if (payload.toString() === 'genuine') genuine();
    });
    const d1 = await r.device('d1', 'secret-d1');
    const gone = closed(d1);
    d1.publish('doorplate/devices/d2/hello', 'forged', { qos: 0 });
    await gone;
    // A message that went through the broker after the refusal: the forged one would be before it.
    const d2 = await r.device('d2', 'secret-d2');
    await d2.publishAsync('doorplate/devices/d2/hello', 'genuine', { qos: 1 });
    await genuineArrived;
    assert.deepEqual(seen, ['d2:genuine']);
    assert.equal(r.broker.stats().refused.publish, 1);
  } finally {
    await r.close();
  }
});

test("a device cannot subscribe to another room's state (SUBACK 0x80) but reads its own room's retained state", async () => {
  const r = await rig();
  try {
    await r.raw.publishAsync('doorplate/rooms/r1/state', 'state of r1', { qos: 1, retain: true });
    await r.raw.publishAsync('doorplate/rooms/r2/state', 'state of r2', { qos: 1, retain: true });
    const d1 = await r.device('d1', 'secret-d1');
    const inbox = new Inbox(d1);
    const granted = await subscribeCodes(d1, ['doorplate/rooms/r2/state', 'doorplate/rooms/+/state', 'doorplate/#', 'doorplate/rooms/r1/state']);
    assert.deepEqual(granted, [128, 128, 128, 1]);
    assert.equal((await inbox.waitFor('doorplate/rooms/r1/state')).payload, 'state of r1');
    assert.equal(d1.connected, true, 'a refused filter does not end the connection');
    assert.equal(inbox.has('doorplate/rooms/r2/state'), false);
  } finally {
    await r.close();
  }
});

test('a device moved to another room stops receiving the old room, even though it stays subscribed', async () => {
  const r = await rig();
  try {
    const d1 = await r.device('d1', 'secret-d1');
    const inbox = new Inbox(d1);
    await d1.subscribeAsync(['doorplate/rooms/r1/state', 'doorplate/notify/devices/d1'], { qos: 1 });
    await r.server.publish('notifyDevice', { device: 'd1' }, { name: 'n', message: 'first', from: 'admin', expiresAt: null });
    await inbox.waitFor('doorplate/notify/devices/d1');
    const raw = r.raw;
    await raw.publishAsync('doorplate/rooms/r1/state', 'before the move', { qos: 1 });
    await inbox.waitFor('doorplate/rooms/r1/state', 'before the move');

    r.dir.addDevice('d1', 'secret-d1', 'r2');
    r.broker.refreshDevice('d1');
    await raw.publishAsync('doorplate/rooms/r1/state', 'after the move', { qos: 1 });
    await r.server.publish('notifyDevice', { device: 'd1' }, { name: 'n', message: 'second', from: 'admin', expiresAt: null });
    await inbox.waitFor('doorplate/notify/devices/d1', JSON.stringify({ name: 'n', message: 'second', from: 'admin', expiresAt: null }));
    assert.equal(inbox.has('doorplate/rooms/r1/state', 'after the move'), false);
  } finally {
    await r.close();
  }
});

test('an enrolling device may only publish its hello and read its enrollment reply', async () => {
  const r = await rig();
  try {
    const hellos: string[] = [];
    let arrived!: () => void;
    const helloArrived = new Promise<void>((resolve) => (arrived = resolve));
    await r.server.subscribe('deviceHello', {}, (params) => {
      hellos.push(params.device);
      arrived();
    });
    const requests: string[] = [];
    await r.server.subscribe('deviceRequest', {}, (params) => void requests.push(params.verb));

    const e = await mustConnect(r.url, { clientId: 'd9', username: 'enroll:d9', password: TOKEN });
    r.clients.push(e);
    const inbox = new Inbox(e);
    const granted = await subscribeCodes(e, ['doorplate/devices/d9/enrollment', 'doorplate/devices/d9/config', 'doorplate/notify/all']);
    assert.deepEqual(granted, [1, 128, 128]);
    await e.publishAsync('doorplate/devices/d9/hello', '{}', { qos: 1 });
    await helloArrived;
    assert.deepEqual(hellos, ['d9']);

    await r.server.publish('deviceEnrollment', { device: 'd9' }, { status: 'pending' });
    assert.equal((await inbox.waitFor('doorplate/devices/d9/enrollment')).payload, '{"status":"pending"}');

    const gone = closed(e);
    e.publish('doorplate/devices/d9/request/book', '{}', { qos: 0 });
    await gone;
    assert.deepEqual(requests, []);
  } finally {
    await r.close();
  }
});

test('enrollment is refused with a wrong token, a foreign client id, or when closed', async () => {
  const r = await rig();
  try {
    assert.deepEqual(await tryConnect(r.url, { clientId: 'd9', username: 'enroll:d9', password: 'wrong-token-wrong-token' }), { ok: false, code: 4 });
    assert.deepEqual(await tryConnect(r.url, { clientId: 'd1', username: 'enroll:d9', password: TOKEN }), { ok: false, code: 2 });
    r.dir.enrollmentHash = null;
    assert.deepEqual(await tryConnect(r.url, { clientId: 'd9', username: 'enroll:d9', password: TOKEN }), { ok: false, code: 5 });
  } finally {
    await r.close();
  }
});

test('bad credentials are refused with CONNACK 4, a wrong client id with 2', async () => {
  const r = await rig();
  try {
    assert.deepEqual(await tryConnect(r.url, { clientId: 'd1', username: 'd1', password: 'not-the-secret' }), { ok: false, code: 4 });
    assert.deepEqual(await tryConnect(r.url, { clientId: 'd7', username: 'd7', password: 'whatever' }), { ok: false, code: 4 });
    assert.deepEqual(await tryConnect(r.url, { clientId: 'x', username: '$server', password: 'nope' }), { ok: false, code: 4 });
    assert.deepEqual(await tryConnect(r.url, { clientId: 'd2', username: 'd1', password: 'secret-d1' }), { ok: false, code: 2 });
    assert.equal(r.broker.stats().refused.connect, 4);
  } finally {
    await r.close();
  }
});

test('anonymous clients are refused unless loopback inspection is on', async () => {
  const r = await rig();
  try {
    assert.deepEqual(await tryConnect(r.url, { clientId: 'anon' }), { ok: false, code: 5 });
    r.dir.anonymous = true;
    const anon = await mustConnect(r.url, { clientId: 'anon' });
    r.clients.push(anon);
    const [grant] = await anon.subscribeAsync('doorplate/#', { qos: 0 });
    assert.equal(grant?.qos, 0);
    // Taking a device's client id would steal its session: refused.
    assert.deepEqual(await tryConnect(r.url, { clientId: 'd1' }), { ok: false, code: 2 });
  } finally {
    await r.close();
  }
});

test('revoking: disconnect kicks the device, marks it offline, and it is refused with CONNACK 5', async () => {
  const r = await rig();
  try {
    const events: string[] = [];
    const record = (what: string) => (identity: Identity, clientId: string) => events.push(`${what} ${identity.kind} ${clientId}`);
    r.broker.on('clientConnected', record('connected'));
    r.broker.on('clientDisconnected', record('disconnected'));

    const d1 = await r.device('d1', 'secret-d1');
    assert.equal(r.broker.stats().byKind.device, 1);
    const offline = new Promise<string>((resolve) => {
      void r.server.subscribe('deviceAvailability', { device: 'd1' }, (_p, payload) => {
        if (payload.toString() === 'offline') resolve(payload.toString());
      });
    });
    const gone = closed(d1);
    const record1 = r.dir.devices.get('d1');
    assert.ok(record1);
    record1.status = 'revoked';
    assert.equal(r.broker.disconnect('d1'), 1);
    await gone;
    assert.equal(await offline, 'offline');
    assert.deepEqual(await tryConnect(r.url, { clientId: 'd1', username: 'd1', password: 'secret-d1' }), { ok: false, code: 5 });
    assert.equal(r.broker.disconnect('d1'), 0);
    assert.ok(events.includes('connected device d1'));
    assert.ok(events.includes('disconnected device d1'));
    assert.equal(r.broker.stats().byKind.device, 0);
  } finally {
    await r.close();
  }
});

test('an inspector reads doorplate/# and cannot publish', async () => {
  const r = await rig();
  try {
    r.dir.inspectorList = [{ username: 'ops', passwordHash: await hashPassword('ops-password', { N: 1024, r: 8, p: 1 }) }];
    assert.deepEqual(await tryConnect(r.url, { clientId: 'ops-1', username: 'ops', password: 'wrong' }), { ok: false, code: 4 });
    await r.server.publish('serverAvailability', {}, 'online');
    const ops = await mustConnect(r.url, { clientId: 'ops-1', username: 'ops', password: 'ops-password' });
    r.clients.push(ops);
    const inbox = new Inbox(ops);
    const granted = await subscribeCodes(ops, ['doorplate/#', '#', '$SYS/#'], 0);
    assert.deepEqual(granted, [0, 128, 128]);
    assert.equal((await inbox.waitFor('doorplate/server/availability')).payload, 'online');

    const states: string[] = [];
    await r.server.subscribe('roomState', {}, (_p, payload) => void states.push(payload.toString()));
    const gone = closed(ops);
    ops.publish('doorplate/rooms/r1/state', 'forged', { qos: 0, retain: true });
    await gone;

    // The retained value stays absent: a fresh inspector sees no r1 state, only what exists.
    const check = await mustConnect(r.url, { clientId: 'ops-2', username: 'ops', password: 'ops-password' });
    r.clients.push(check);
    const checkInbox = new Inbox(check);
    await check.subscribeAsync(['doorplate/rooms/r1/state', 'doorplate/server/availability'], { qos: 0 });
    await checkInbox.waitFor('doorplate/server/availability');
    assert.equal(checkInbox.has('doorplate/rooms/r1/state'), false);
    assert.deepEqual(states, []);
  } finally {
    await r.close();
  }
});

test('start reports a clear error when the port is taken, and stop is idempotent', async () => {
  const r = await rig();
  try {
    const second = new EmbeddedBroker({ host: '127.0.0.1', port: r.broker.port, prefix: PREFIX, directory: r.dir, logger: silentLogger() });
    await assert.rejects(second.start(), /MQTT listener on 127\.0\.0\.1:\d+: the port is in use/);
    await second.stop();
  } finally {
    await r.close();
    await r.broker.stop();
  }
});
