import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Readable } from 'node:stream';
import type { Packet } from 'aedes-persistence';
import { retainedIndexedPersistence } from '../../../server/broker/retained-index.js';

function packet(topic: string, payload: string): Packet {
  return { cmd: 'publish', topic, payload: Buffer.from(payload), qos: 1, retain: true, dup: false, brokerId: 'b', brokerCounter: 1 } as unknown as Packet;
}

async function topics(stream: Readable): Promise<string[]> {
  const out: string[] = [];
  for await (const p of stream) out.push(`${(p as { topic: string }).topic}=${(p as { payload: Buffer }).payload.toString()}`);
  return out.sort();
}

test('retained messages: exact topics by lookup, wildcards by matching, an empty payload deletes', async () => {
  const store = retainedIndexedPersistence();
  const put = (topic: string, payload: string): Promise<unknown> => (store.storeRetained as unknown as (p: Packet) => Promise<unknown>)(packet(topic, payload));
  await put('doorplate/rooms/r1/state', 'busy');
  await put('doorplate/rooms/r2/state', 'free');
  await put('doorplate/rooms/r1/agenda', 'a1');
  await put('doorplate/rooms/r1/state', 'free');

  assert.deepEqual(await topics(store.createRetainedStreamCombi(['doorplate/rooms/r1/state', 'doorplate/rooms/r9/state'])), ['doorplate/rooms/r1/state=free']);
  assert.deepEqual(await topics(store.createRetainedStreamCombi(['doorplate/rooms/+/state'])), ['doorplate/rooms/r1/state=free', 'doorplate/rooms/r2/state=free']);
  assert.deepEqual(await topics(store.createRetainedStreamCombi(['doorplate/rooms/r1/agenda', 'doorplate/rooms/r2/#'])), ['doorplate/rooms/r1/agenda=a1', 'doorplate/rooms/r2/state=free']);

  await put('doorplate/devices/d1/response/7', 'r7');
  await put('doorplate/devices/d1/response/', 'empty level');
  await put('doorplate/devices/d1/response/7/x', 'deeper');
  await put('doorplate/devices/d1/response', 'the parent itself');
  await put('doorplate/devices/d2/response/8', 'r8');
  await put('response', 'no level');
  assert.deepEqual(
    await topics(store.createRetainedStreamCombi(['doorplate/devices/d1/response/+'])),
    ['doorplate/devices/d1/response/7=r7'],
    'a last `+` matches exactly one level under its parent, not an empty one (as the store itself)',
  );
  assert.deepEqual(await topics(store.createRetainedStreamCombi(['doorplate/devices/+/response/+'])), ['doorplate/devices/d1/response/7=r7', 'doorplate/devices/d2/response/8=r8'], 'other wildcards: the store matches, alike');
  await put('doorplate/devices/d1/response/7', '');
  assert.deepEqual(await topics(store.createRetainedStreamCombi(['doorplate/devices/d1/response/+'])), []);
  for (const t of ['doorplate/devices/d1/response/', 'doorplate/devices/d1/response/7/x', 'doorplate/devices/d1/response', 'doorplate/devices/d2/response/8', 'response']) await put(t, '');

  await put('doorplate/rooms/r1/state', '');
  assert.deepEqual(await topics(store.createRetainedStreamCombi(['doorplate/rooms/r1/state'])), []);
  assert.deepEqual(await topics(store.createRetainedStreamCombi(['doorplate/#'])), ['doorplate/rooms/r1/agenda=a1', 'doorplate/rooms/r2/state=free']);
});
