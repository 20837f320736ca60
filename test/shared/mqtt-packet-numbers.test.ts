import { test } from 'node:test';
import assert from 'node:assert/strict';
import mqttPacket from 'mqtt-packet';
import { FakeClock } from '../../shared/clock.js';
import { writePacketNumbersUncached } from '../../shared/mqtt-packet-numbers.js';
import { MqttJsTransport } from '../../edge/agent/mqtt-transport.js';
import { ServerClient } from '../../server/broker/server-client.js';
import { EmbeddedBroker } from '../../server/broker/embedded-broker.js';

// Each MQTT adapter turns the packet writer's number cache off (6.5 MB of heap per process).
// aedes and mqtt.js look the writer up on the package's exports at every packet: so does this.
const adapters: Array<[string, () => unknown]> = [
  ['the edge transport', () => new MqttJsTransport({ clock: new FakeClock(0) })],
  ['the server client', () => new ServerClient({ url: 'mqtt://127.0.0.1:1', prefix: 'p', username: 'u', password: 'x', clientId: 'c' })],
  ['the embedded broker', () => new EmbeddedBroker({ host: '127.0.0.1', port: 0, prefix: 'p', directory: {} as never /* never asked: nothing connects */ })],
];

for (const [name, make] of adapters) {
  test(`${name} writes MQTT numbers without the cache of every two-byte number`, () => {
    mqttPacket.writeToStream.cacheNumbers = true;
    make();
    assert.equal(mqttPacket.writeToStream.cacheNumbers, false);
  });
}

const SIZES = [0, 1, 2, 100, 124, 125, 126, 127, 128, 129, 1000, 5000, 16_379, 16_380, 16_383, 16_384, 20_000, 300_000];

function publish(size: number): mqttPacket.IPublishPacket {
  return { cmd: 'publish', topic: 'a/b', payload: Buffer.alloc(size, 7), qos: 0, retain: false, dup: false };
}

test('the lean writer writes every packet size as the library generates it, and keeps no pool slab per size', () => {
  writePacketNumbersUncached();
  const written: Buffer[] = [];
  const stream = { write: (b: Buffer) => written.push(b) > 0 } as unknown as NodeJS.WritableStream;
  for (const size of SIZES) {
    const before = written.length;
    mqttPacket.writeToStream(publish(size), stream);
    // The second chunk written is the encoded remaining length (after the fixed header byte).
    const length = written[before + 1];
    assert.ok(length && length.length <= 4, `size ${size}: a length was written`);
    // Below 16 KiB the writer keeps the length for good: it must be a view of the one shared table,
    // not of an 8 KiB pool slab it would hold forever.
    if (size + 5 < 16_384) assert.equal(length.buffer.byteLength, 32_768, `size ${size}: the length is a view of the shared table`);
  }
  const all = Buffer.concat(written.map((b) => Buffer.from(b)));
  assert.deepEqual(all, Buffer.concat(SIZES.map((s) => mqttPacket.generate(publish(s)))));
  const parsed: number[] = [];
  const parser = mqttPacket.parser();
  parser.on('packet', (p) => parsed.push((p as mqttPacket.IPublishPacket).payload.length));
  parser.parse(all);
  assert.deepEqual(parsed, SIZES);
});
