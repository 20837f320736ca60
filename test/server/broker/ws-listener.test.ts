import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { EmbeddedBroker } from '../../../server/broker/embedded-broker.js';
import { silentLogger } from '../../../shared/logger.js';
import { Inbox, MemoryDirectory, mustConnect, subscribeCodes, tryConnect } from './helpers.js';

/** MQTT over WebSocket (mqtt.js `ws://`): the same logins and the same access rules as on TCP. */
const SERVER_PASSWORD = 'server-internal-password-0123456789';
const SECRET = 'secret-of-d1-0123456789abcdef0123456789';
let broker: EmbeddedBroker;
let dir: MemoryDirectory;
let ws: string;

before(async () => {
  dir = new MemoryDirectory(SERVER_PASSWORD);
  dir.addDevice('d1', SECRET, 'r1');
  broker = new EmbeddedBroker({ host: '127.0.0.1', port: 0, ws: { port: 0 }, prefix: 'doorplate', directory: dir, logger: silentLogger() });
  await broker.start();
  ws = `ws://127.0.0.1:${broker.wsPort ?? 0}/mqtt`;
});

after(async () => {
  await broker.stop();
});

test('the WebSocket listener is off unless configured', async () => {
  const plain = new EmbeddedBroker({ host: '127.0.0.1', port: 0, prefix: 'doorplate', directory: dir, logger: silentLogger() });
  await plain.start();
  assert.equal(plain.wsPort, null);
  await plain.stop();
});

test('a device over WebSocket reads its room and nothing else; a wrong secret is refused', async () => {
  assert.equal((await tryConnect(ws, { username: 'd1', password: 'wrong-secret', clientId: 'd1' })).ok, false);
  const device = await mustConnect(ws, { username: 'd1', password: SECRET, clientId: 'd1', reconnectPeriod: 0 });
  const inbox = new Inbox(device);
  assert.deepEqual(await subscribeCodes(device, ['doorplate/rooms/r1/state', 'doorplate/rooms/r2/state', 'doorplate/#']), [1, 0x80, 0x80]);
  const server = await mustConnect(`mqtt://127.0.0.1:${broker.port}`, { username: '$server', password: SERVER_PASSWORD, clientId: 'server', reconnectPeriod: 0 });
  await server.publishAsync('doorplate/rooms/r1/state', '{"status":"free"}', { qos: 1, retain: true });
  assert.equal((await inbox.waitFor('doorplate/rooms/r1/state')).payload, '{"status":"free"}');
  device.end(true);
  server.end(true);
});

test('anonymous inspection over WebSocket follows the same loopback rule', async () => {
  dir.anonymous = false;
  assert.equal((await tryConnect(ws, { clientId: 'look' })).ok, false);
  dir.anonymous = true;
  const look = await mustConnect(ws, { clientId: 'look', reconnectPeriod: 0 });
  assert.deepEqual(await subscribeCodes(look, ['doorplate/#', '#']), [1, 0x80]);
  look.end(true);
});
