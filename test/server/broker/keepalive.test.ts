import { test } from 'node:test';
import assert from 'node:assert/strict';
import mqttPacket from 'mqtt-packet';
import { EmbeddedBroker } from '../../../server/broker/embedded-broker.js';
import { silentLogger } from '../../../shared/logger.js';
import { Inbox, MemoryDirectory, mustConnect } from './helpers.js';
import { rawClient } from './raw-mqtt.js';

const SERVER_PASSWORD = 'server-internal-password-0123456789';

test('a display that goes silent is dropped after its keepalive and its will says offline', { timeout: 20_000 }, async () => {
  const dir = new MemoryDirectory(SERVER_PASSWORD);
  dir.addDevice('d1', 'secret-d1', 'r1');
  const broker = new EmbeddedBroker({ host: '127.0.0.1', port: 0, prefix: 'doorplate', directory: dir, logger: silentLogger() });
  await broker.start();
  const server = await mustConnect(`mqtt://127.0.0.1:${broker.port}`, { clientId: 'doorplate-server-k', username: '$server', password: SERVER_PASSWORD });
  try {
    const inbox = new Inbox(server);
    await server.subscribeAsync('doorplate/devices/+/availability', { qos: 1 });
    const dead = await rawClient(broker.port);
    dead.socket.write(
      mqttPacket.generate({
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 4,
        clean: true,
        keepalive: 1,
        clientId: 'd1',
        username: 'd1',
        password: Buffer.from('secret-d1'),
        will: { topic: 'doorplate/devices/d1/availability', payload: Buffer.from('offline'), qos: 1, retain: true },
      }),
    );
    await dead.waitFor('connack');
    assert.equal(broker.stats().byKind.device, 1);
    // It sends nothing more, not even a PINGREQ: the broker gives up on it.
    await inbox.waitFor('doorplate/devices/d1/availability', 'offline');
    assert.equal(broker.stats().byKind.device, 0);
  } finally {
    server.end(true);
    await broker.stop();
  }
});
