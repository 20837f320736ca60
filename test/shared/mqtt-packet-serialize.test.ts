import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import mqttPacket from 'mqtt-packet';
import { serializePacket } from '../../shared/mqtt-packet-numbers.js';

const require = createRequire(import.meta.url);
const numbers = require('mqtt-packet/numbers.js') as { cache: Record<number, Buffer> };

const PACKETS: mqttPacket.IPublishPacket[] = [0, 5, 127, 128, 431, 16_383, 20_000].flatMap((size) => [
  { cmd: 'publish', topic: 'doorplate/rooms/ada/state', payload: Buffer.alloc(size, 7), qos: 0, retain: false, dup: false },
  { cmd: 'publish', topic: 'doorplate/rooms/grace/agenda', payload: Buffer.alloc(size, 9), qos: 0, retain: true, dup: false },
]);

// One file, its own process: the number cache is checked before anything could have built it.
test('a packet serialized for the QoS 0 delivery: the bytes mqtt-packet generates, without its cache of every two-byte number', () => {
  const ours = PACKETS.map((p) => serializePacket(p));
  assert.equal(Object.keys(numbers.cache).length, 0, 'no number cache built');
  PACKETS.forEach((p, i) => assert.deepEqual(ours[i], mqttPacket.generate(p), `${p.topic} ${p.payload.length} bytes`));
});
