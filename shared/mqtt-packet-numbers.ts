import { createRequire } from 'node:module';
import mqttPacket from 'mqtt-packet';

const require = createRequire(import.meta.url);

/** Lengths below this the packet writer keeps, one Buffer each (mqtt-packet's own bound). */
const CACHED_LENGTHS = 16_384;

let lean = false;

/**
 * The MQTT packet writer (shared by mqtt.js and aedes) keeps by default a Buffer for each of the
 * 65,536 two-byte numbers it may write (packet ids, lengths): 6.5 MB of heap in every process
 * that sends a packet, the edge agent included. Off, each number is written as it comes, a
 * two-byte allocation per packet. Called by every MQTT adapter before its first packet.
 *
 * The writer also keeps the encoded "remaining length" of every packet size below 16 KiB it has
 * written, each a few bytes cut from Node's shared 8 KiB allocation pool: every kept length
 * holds a whole pool slab. A server publishing rooms' states and agendas writes thousands of
 * sizes (440 slabs, 3.5 MB, at 1,000 rooms) and keeps more as sizes vary over the days. The
 * writer is loaded again here with an encoder whose lengths are views of one 32 KiB table, and
 * put where aedes and mqtt.js look it up (`mqttPacket.writeToStream`, at every packet).
 */
export function writePacketNumbersUncached(): void {
  if (!lean) {
    lean = true;
    mqttPacket.writeToStream = writerWithCompactLengths();
  }
  mqttPacket.writeToStream.cacheNumbers = false;
}

function writerWithCompactLengths(): typeof mqttPacket.writeToStream {
  const numbers = require('mqtt-packet/numbers.js') as { genBufVariableByteInt: (n: number) => Buffer };
  const path = require.resolve('mqtt-packet/writeToStream.js');
  const original = numbers.genBufVariableByteInt;
  const table = Buffer.alloc(CACHED_LENGTHS * 2);
  const encoded = new Uint8Array(CACHED_LENGTHS);
  numbers.genBufVariableByteInt = (n: number): Buffer => {
    if (!Number.isInteger(n) || n < 0 || n >= CACHED_LENGTHS) return original(n);
    // Below 16,384 a length takes one or two bytes (7 bits each).
    const size = n < 128 ? 1 : 2;
    if (encoded[n] === 0) {
      table[n * 2] = size === 1 ? n : (n % 128) | 0x80;
      if (size === 2) table[n * 2 + 1] = Math.floor(n / 128);
      encoded[n] = 1;
    }
    return table.subarray(n * 2, n * 2 + size);
  };
  // The writer takes the encoder when it loads: load a fresh copy while ours is in place.
  const previous = require.cache[path];
  delete require.cache[path];
  try {
    return require(path) as typeof mqttPacket.writeToStream;
  } finally {
    numbers.genBufVariableByteInt = original;
    if (previous) require.cache[path] = previous;
  }
}

/**
 * One packet as bytes, written by the lean writer above. mqtt-packet's own `generate` loads the
 * writer with its defaults and so builds the 65,536-Buffer number cache (6.5 MB) on first use.
 */
export function serializePacket(packet: mqttPacket.Packet): Buffer {
  writePacketNumbersUncached();
  const chunks: Buffer[] = [];
  let failure: Error | null = null;
  const sink = {
    write(chunk: Buffer | string): boolean {
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
      return true;
    },
    destroy(err?: Error): void {
      failure = err ?? new Error('mqtt packet: not written');
    },
  };
  mqttPacket.writeToStream(packet, sink as unknown as NodeJS.WritableStream);
  if (failure !== null) throw failure;
  return Buffer.concat(chunks);
}
