import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EmbeddedBroker } from '../../../server/broker/embedded-broker.js';
import { BrokerLimitsSchema, type BrokerLimits } from '../../../shared/config/schema.js';
import { sha256Hex } from '../../../server/security/secrets.js';
import { silentLogger } from '../../../shared/logger.js';
import { MemoryDirectory, mustConnect, tryConnect } from './helpers.js';
import { connectPacket, fixedHeader, pour, rawClient } from './raw-mqtt.js';

const SERVER_PASSWORD = 'server-internal-password-0123456789';
const TOKEN = 'site-enrollment-token-0123456789abcdef';
const MB = 1024 * 1024;

async function start(limits: Partial<BrokerLimits> = {}): Promise<{ broker: EmbeddedBroker; dir: MemoryDirectory; url: string }> {
  const dir = new MemoryDirectory(SERVER_PASSWORD);
  dir.addDevice('d1', 'secret-d1', 'r1');
  dir.enrollmentHash = sha256Hex(TOKEN);
  const broker = new EmbeddedBroker({ host: '127.0.0.1', port: 0, prefix: 'doorplate', directory: dir, limits: BrokerLimitsSchema.parse(limits), logger: silentLogger() });
  await broker.start();
  return { broker, dir, url: `mqtt://127.0.0.1:${broker.port}` };
}

test('a socket announcing a 200 MB CONNECT is dropped after its header, before the body is buffered', async () => {
  const { broker } = await start();
  try {
    const c = await rawClient(broker.port);
    c.socket.write(fixedHeader(1, 200 * MB));
    pour(c.socket, 200 * MB);
    await c.closed;
    assert.equal(c.packets.length, 0, 'no CONNACK for it');
    assert.equal(broker.stats().dropped.overBudget, 1);
  } finally {
    await broker.stop();
  }
});

test('a CONNECT under the limit trickled past the pre-auth byte budget is dropped', async () => {
  const { broker } = await start({ preAuthBytes: 1024 });
  try {
    const c = await rawClient(broker.port);
    // A small CONNECT followed, before its CONNACK, by a flood of other packets.
    c.socket.write(Buffer.concat([connectPacket('d1', 'd1', 'wrong-secret'), Buffer.alloc(4096, 0xc0)]));
    await c.closed;
    assert.equal(broker.stats().dropped.overBudget, 1);
  } finally {
    await broker.stop();
  }
});

test('a first packet that is not a CONNECT closes the connection', async () => {
  const { broker } = await start();
  try {
    const c = await rawClient(broker.port);
    c.socket.write(fixedHeader(3, 10));
    await c.closed;
    assert.equal(broker.stats().dropped.overBudget, 1);
  } finally {
    await broker.stop();
  }
});

test('an authenticated device announcing a 100 MB PUBLISH is dropped; the server may send a full agenda', async () => {
  const { broker, url } = await start();
  try {
    const c = await rawClient(broker.port);
    c.socket.write(connectPacket('d1', 'd1', 'secret-d1'));
    const connack = await c.waitFor('connack');
    assert.equal((connack as { returnCode?: number }).returnCode, 0);
    const topic = Buffer.from('doorplate/devices/d1/hello');
    c.socket.write(Buffer.concat([fixedHeader(3, 2 + topic.length + 100 * MB), Buffer.from([0, topic.length]), topic]));
    pour(c.socket, 100 * MB);
    await c.closed;
    assert.equal(broker.stats().dropped.overBudget, 1);

    const server = await mustConnect(url, { clientId: 'doorplate-server-x', username: '$server', password: SERVER_PASSWORD });
    await server.publishAsync('doorplate/rooms/r1/agenda', Buffer.alloc(512 * 1024, 0x20), { qos: 1 });
    server.end(true);
    assert.equal(broker.stats().dropped.overBudget, 1);
  } finally {
    await broker.stop();
  }
});

test('connections per address and in total are capped; loopback is exempt by default', async () => {
  const capped = await start({ exemptAddresses: [], maxConnectionsPerAddress: 2 });
  try {
    const a = await rawClient(capped.broker.port);
    const b = await rawClient(capped.broker.port);
    const c = await rawClient(capped.broker.port);
    await c.closed;
    assert.equal(capped.broker.stats().dropped.overCap, 1);
    a.socket.destroy();
    await a.closed;
    // A slot freed by a closed socket is taken again.
    const ok = await tryConnect(capped.url, { clientId: 'd1', username: 'd1', password: 'secret-d1' });
    assert.equal(ok.ok, true);
    if (ok.ok) ok.client.end(true);
    b.socket.destroy();
  } finally {
    await capped.broker.stop();
  }
  const open = await start({ maxConnectionsPerAddress: 1, maxConnections: 1 });
  try {
    const a = await rawClient(open.broker.port);
    const b = await rawClient(open.broker.port);
    b.socket.write(connectPacket('d1', 'd1', 'secret-d1'));
    await b.waitFor('connack');
    assert.equal(open.broker.stats().dropped.overCap, 0);
    a.socket.destroy();
    b.socket.destroy();
  } finally {
    await open.broker.stop();
  }
});

test('a connection that does not finish its CONNECT within the time budget is closed', { timeout: 20_000 }, async () => {
  const { broker } = await start({ connectTimeoutSecs: 1 });
  try {
    const c = await rawClient(broker.port);
    // The first bytes of a CONNECT, and then nothing.
    c.socket.write(connectPacket('d1', 'd1', 'secret-d1').subarray(0, 6));
    await c.closed;
    assert.equal(c.packets.length, 0);
  } finally {
    await broker.stop();
  }
});
