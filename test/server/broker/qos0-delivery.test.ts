import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IPublishPacket, MqttClient } from 'mqtt';
import type { PayloadOf } from '../../../shared/api/topics.js';
import { createRequire } from 'node:module';
import { closed, mustConnect } from './helpers.js';
import { SERVER_PASSWORD, startBrokerRig, type BrokerRig } from './broker-rig.js';

/**
 * QoS 0 deliveries, which the embedded broker writes itself (server/broker/qos0-delivery.ts):
 * a room's state and agenda go out at QoS 0 (shared/api/topics.ts), so these are the
 * deliveries every display of a room gets.
 */
const numbers = createRequire(import.meta.url)('mqtt-packet/numbers.js') as { cache: Record<number, Buffer> };

const rig = (): Promise<BrokerRig> =>
  startBrokerRig([
    ['d1', 'secret-d1', 'r1'],
    ['d2', 'secret-d2', 'r1'],
  ]);

interface Received {
  topic: string;
  payload: string;
  qos: number;
  retain: boolean;
}

/** Every message a client gets, with its QoS and retain flag as they came on the wire. */
/** The rig's two displays of room r1, connected, with what each receives recorded. */
async function bothDisplays(r: BrokerRig): Promise<{ d1: MqttClient; d2: MqttClient; got1: ReturnType<typeof record>; got2: ReturnType<typeof record> }> {
  const d1 = await r.device('d1', 'secret-d1');
  const d2 = await r.device('d2', 'secret-d2');
  return { d1, d2, got1: record(d1), got2: record(d2) };
}

function record(client: MqttClient): { all: Received[]; next(topic: string): Promise<Received> } {
  const all: Received[] = [];
  const waiters: Array<{ topic: string; resolve: (m: Received) => void }> = [];
  client.on('message', (topic, payload, packet: IPublishPacket) => {
    const m = { topic, payload: payload.toString('utf8'), qos: packet.qos, retain: packet.retain };
    all.push(m);
    const i = waiters.findIndex((w) => w.topic === topic);
    if (i >= 0) waiters.splice(i, 1)[0]?.resolve(m);
  });
  return { all, next: (topic) => new Promise((resolve) => waiters.push({ topic, resolve })) };
}

const agenda = (events: number): PayloadOf<'roomAgenda'> => ({
  room: 'r1',
  timeZone: 'UTC',
  from: '2026-03-02T00:00:00.000Z',
  to: '2026-03-03T00:00:00.000Z',
  events: Array.from({ length: events }, (_, i) => ({ id: `api:${i}`, start: '2026-03-02T09:00:00.000Z', end: '2026-03-02T09:30:00.000Z', title: `m${i}`, organizer: null, status: 'confirmed', private: false, checkInRequired: false, checkedInAt: null, allDay: false })),
});

test("the server sends a room's agenda at QoS 0; every display gets the same bytes, retained only when read at subscribe", async () => {
  const r = await rig();
  try {
    const { d1, d2, got1, got2 } = await bothDisplays(r);
    const topic = 'doorplate/rooms/r1/agenda';
    await r.server.publish('roomAgenda', { room: 'r1' }, agenda(1));
    const retained = got1.next(topic);
    await d1.subscribeAsync(topic, { qos: 1 });
    const kept = await retained;
    assert.deepEqual({ ...kept, payload: JSON.parse(kept.payload) as unknown }, { topic, payload: agenda(1), qos: 0, retain: true });
    await d2.subscribeAsync(topic, { qos: 1 });
    const live1 = got1.next(topic);
    const live2 = got2.next(topic);
    await r.server.publish('roomAgenda', { room: 'r1' }, agenda(2));
    const [m1, m2] = await Promise.all([live1, live2]);
    assert.deepEqual({ ...m1, payload: JSON.parse(m1.payload) as unknown }, { topic, payload: agenda(2), qos: 0, retain: false });
    assert.deepEqual(m2, m1);
    // Serialized by the lean writer: the library's cache of every two-byte number (6.5 MB) stays unbuilt.
    assert.equal(Object.keys(numbers.cache).length, 0);
  } finally {
    await r.close();
  }
});

test('a client whose subscriptions overlap gets a QoS 0 message once', async () => {
  const r = await rig();
  try {
    const reader = await mustConnect(`mqtt://127.0.0.1:${r.broker.port}`, { clientId: 'doorplate-server-reader', username: '$server', password: SERVER_PASSWORD });
    const got = record(reader);
    await reader.subscribeAsync(['doorplate/#', 'doorplate/rooms/+/state', 'doorplate/rooms/r1/state'], { qos: 0 });
    const first = got.next('doorplate/rooms/r1/state');
    await r.raw.publishAsync('doorplate/rooms/r1/state', 'once', { qos: 0 });
    await first;
    // A later message from the same publisher: by the time it arrives, a second copy of the first would have.
    const marker = got.next('doorplate/rooms/r2/state');
    await r.raw.publishAsync('doorplate/rooms/r2/state', 'marker', { qos: 0 });
    await marker;
    assert.deepEqual(got.all.filter((m) => m.topic === 'doorplate/rooms/r1/state'), [{ topic: 'doorplate/rooms/r1/state', payload: 'once', qos: 0, retain: false }]);
    reader.end(true);
  } finally {
    await r.close();
  }
});

test('a display moved to another room stops receiving the old room at QoS 0 at once; a revoked one gets nothing more', async () => {
  const r = await rig();
  try {
    const { d1, d2, got1, got2 } = await bothDisplays(r);
    const old = 'doorplate/rooms/r1/state';
    await d1.subscribeAsync([old, 'doorplate/notify/devices/d1'], { qos: 1 });
    await d2.subscribeAsync([old], { qos: 1 });

    r.dir.addDevice('d1', 'secret-d1', 'r2');
    r.broker.refreshDevice('d1');
    const seen2 = got2.next(old);
    await r.raw.publishAsync(old, 'busy', { qos: 0 });
    await seen2;
    // d1 reads its own notify topic after the state, from the same publisher: had the state been sent to it, it came first.
    const note = got1.next('doorplate/notify/devices/d1');
    await r.raw.publishAsync('doorplate/notify/devices/d1', 'moved', { qos: 0 });
    await note;
    assert.deepEqual(got1.all.filter((m) => m.topic === old), []);

    const gone = closed(d2);
    r.dir.addDevice('d2', 'secret-d2', 'r1', 'revoked');
    r.broker.refreshDevice('d2');
    // Published right after the revocation, while its socket may still be open: nothing may reach it.
    const after = r.raw.publishAsync(old, 'free', { qos: 0 });
    await gone;
    await after;
    assert.deepEqual(
      got2.all.filter((m) => m.topic === old).map((m) => m.payload),
      ['busy'],
    );
  } finally {
    await r.close();
  }
});
