import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { EmbeddedBroker } from '../../../server/broker/embedded-broker.js';
import { BrokerLimitsSchema } from '../../../shared/config/schema.js';
import { silentLogger } from '../../../shared/logger.js';
import { Inbox, MemoryDirectory, mustConnect } from './helpers.js';
import { connectPacket, rawClient, subscribePacket } from './raw-mqtt.js';

/**
 * A subscriber that stops reading must not hold up anyone else: the other subscribers get every
 * message and the stuck one is dropped. The timeout is generous; a broker that waits for the
 * stuck reader (it used to, for 30 s) runs past it.
 */
const SERVER_PASSWORD = 'server-internal-password-0123456789';
const MESSAGES = 300;
const PAYLOAD = 64 * 1024;

async function start(): Promise<{ broker: EmbeddedBroker; url: string }> {
  const dir = new MemoryDirectory(SERVER_PASSWORD);
  dir.addDevice('d1', 'secret-d1', 'r1');
  dir.addDevice('d2', 'secret-d2', 'r1');
  dir.anonymous = true;
  const limits = BrokerLimitsSchema.parse({ maxQueuedBytes: 256 * 1024 });
  const broker = new EmbeddedBroker({ host: '127.0.0.1', port: 0, prefix: 'doorplate', directory: dir, limits, logger: silentLogger() });
  await broker.start();
  return { broker, url: `mqtt://127.0.0.1:${broker.port}` };
}

/** The server publishes MESSAGES room states (QoS 1, each awaited) and two displays must get all. */
async function flowPastStuckReader(url: string): Promise<void> {
  const server = await mustConnect(url, { clientId: 'doorplate-server-t', username: '$server', password: SERVER_PASSWORD });
  const d1 = await mustConnect(url, { clientId: 'd1', username: 'd1', password: 'secret-d1' });
  const d2 = await mustConnect(url, { clientId: 'd2', username: 'd2', password: 'secret-d2' });
  try {
    const inboxes = [new Inbox(d1), new Inbox(d2)];
    await d1.subscribeAsync('doorplate/rooms/r1/state', { qos: 1 });
    await d2.subscribeAsync('doorplate/rooms/r1/state', { qos: 1 });
    for (let i = 0; i < MESSAGES; i++) {
      const body = Buffer.alloc(PAYLOAD, 0x20);
      body.write(`state ${i}`);
      await server.publishAsync('doorplate/rooms/r1/state', body, { qos: 1 });
    }
    for (const inbox of inboxes) {
      await inbox.waitFor('doorplate/rooms/r1/state', `state ${MESSAGES - 1}`.padEnd(PAYLOAD, ' '));
      const got = inbox.messages.filter((m) => m.topic === 'doorplate/rooms/r1/state').length;
      assert.equal(got, MESSAGES);
    }
  } finally {
    for (const c of [server, d1, d2]) c.end(true);
  }
}

test('an inspector that stops reading its socket is dropped and the displays get every state', { timeout: 20_000 }, async () => {
  const { broker, url } = await start();
  try {
    const stuck = await rawClient(broker.port);
    stuck.socket.write(connectPacket('inspector-stuck'));
    await stuck.waitFor('connack');
    stuck.socket.write(subscribePacket('doorplate/#'));
    await stuck.waitFor('suback');
    stuck.socket.pause();
    await flowPastStuckReader(url);
    // Reading again, it finds the connection closed by the broker.
    stuck.socket.resume();
    await stuck.closed;
    assert.ok(broker.stats().dropped.slowReader >= 1);
  } finally {
    await broker.stop();
  }
});

test('mosquitto_sub piped into a reader that stops reading is dropped; the displays get every state', { timeout: 20_000 }, async () => {
  const { broker, url } = await start();
  const pipe = spawn('/bin/sh', ['-c', `/usr/bin/mosquitto_sub -h 127.0.0.1 -p ${broker.port} -i inspector-pipe -t 'doorplate/#' | sleep 600`], { detached: true, stdio: 'ignore' });
  try {
    // Wait until its subscription is in place: the broker counts it as a connected inspector.
    while (broker.stats().byKind.inspector === 0) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 200));
    await flowPastStuckReader(url);
    while (broker.stats().byKind.inspector > 0) await new Promise((r) => setTimeout(r, 50));
    assert.ok(broker.stats().dropped.slowReader >= 1);
  } finally {
    if (pipe.pid !== undefined) process.kill(-pipe.pid, 'SIGTERM');
    await broker.stop();
  }
});
