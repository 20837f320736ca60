import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeToStream } from 'mqtt-packet';
import { FakeClock } from '../../shared/clock.js';
import { MqttJsTransport } from '../../edge/agent/mqtt-transport.js';
import { ServerClient } from '../../server/broker/server-client.js';
import { EmbeddedBroker } from '../../server/broker/embedded-broker.js';

// Each MQTT adapter turns the packet writer's number cache off (6.5 MB of heap per process).
const adapters: Array<[string, () => unknown]> = [
  ['the edge transport', () => new MqttJsTransport({ clock: new FakeClock(0) })],
  ['the server client', () => new ServerClient({ url: 'mqtt://127.0.0.1:1', prefix: 'p', username: 'u', password: 'x', clientId: 'c' })],
  ['the embedded broker', () => new EmbeddedBroker({ host: '127.0.0.1', port: 0, prefix: 'p', directory: {} as never /* never asked: nothing connects */ })],
];

for (const [name, make] of adapters) {
  test(`${name} writes MQTT numbers without the cache of every two-byte number`, () => {
    writeToStream.cacheNumbers = true;
    make();
    assert.equal(writeToStream.cacheNumbers, false);
  });
}
