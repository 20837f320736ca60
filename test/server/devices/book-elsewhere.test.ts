import { test } from 'node:test';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { FakeClock } from '../../../shared/clock.js';
import type { DeviceResponse, Notify } from '../../../shared/api/payloads.js';
import { sha256Hex } from '../../../server/security/secrets.js';
import { startTestServer } from '../../helpers/server.js';
import { until } from '../../helpers/wait.js';
import { at, meeting } from '../bookings/world.js';

type Server = Awaited<ReturnType<typeof startTestServer>>['server'];

async function device(server: Server, id: string, room: string): Promise<{ client: mqtt.MqttClient; responses: Map<string, DeviceResponse>; notices: Notify[] }> {
  const secret = `device-secret-of-${id}-for-the-elsewhere-test`;
  server.store.devices.getOrCreatePending(id, null, null);
  server.store.devices.approve(id);
  server.store.devices.assignRoom(id, room);
  server.store.devices.setSecretHash(id, sha256Hex(secret));
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${server.mqttPort}`, { clientId: id, username: id, password: secret, reconnectPeriod: 0 });
  const responses = new Map<string, DeviceResponse>();
  const notices: Notify[] = [];
  client.on('message', (topic, payload) => {
    const body = JSON.parse(payload.toString('utf8')) as unknown;
    if (topic.includes('/response/')) responses.set((body as DeviceResponse).transaction, body as DeviceResponse);
    else if (topic.endsWith(`/notify/devices/${id}`)) notices.push(body as Notify);
  });
  await client.subscribeAsync([`doorplate/devices/${id}/response/+`, `doorplate/notify/devices/${id}`], { qos: 1 });
  return { client, responses, notices };
}

for (const on of [true, false]) {
  test(`a hold of book at a busy room ${on ? 'books the nearest free room (switch on)' : 'is refused (switch off)'}`, async (t) => {
    // 10:07 in Berlin: Ada is busy until 11:00; Grace (floor 1) and Alan (floor 2) are free.
    const clock = new FakeClock(at('10:07'));
    const { server, cleanup } = await startTestServer({
      clock,
      seed: new Map([
        ['ada', [meeting('a1', '10:00', '11:00', { checkInRequired: false })]],
        ['grace', [meeting('g1', '12:00', '13:00')]],
      ]),
      config: {
        site: { timeZone: 'Europe/Berlin', booking: { holdBooksFreeRoom: on } },
        rooms: [
          { id: 'ada', name: 'Ada Lovelace', group: '1', order: 1 },
          { id: 'alan', name: 'Alan Turing', group: '2', order: 2 },
          { id: 'grace', name: 'Grace Hopper', group: '1', order: 3 },
        ],
      },
    });
    const d = await device(server, 'door-a', 'ada');
    t.after(async () => {
      await d.client.endAsync();
      await cleanup();
    });
    const ask = async (extra: Record<string, unknown>, transaction: string): Promise<DeviceResponse> => {
      const body = { transaction, pressedAt: new Date(clock.now()).toISOString(), expiresAt: new Date(clock.now() + 60_000).toISOString(), ...extra };
      await d.client.publishAsync('doorplate/devices/door-a/request/book', JSON.stringify(body), { qos: 1 });
      await until(() => d.responses.has(transaction), 'the answer');
      return d.responses.get(transaction) as DeviceResponse;
    };
    assert.deepEqual(server.publisher.snapshot('ada')?.state.freeRooms?.map((r) => r.room), ['grace', 'alan']);

    // A short press is refused as before, whatever the switch.
    assert.equal((await ask({}, 'tx-press-1')).error?.code, 'ROOM_BUSY');
    const held = await ask({ untilNext: true }, 'tx-hold-1');
    if (!on) {
      assert.equal(held.error?.code, 'ROOM_BUSY');
      assert.equal(server.store.events.listForRoom('grace').length, 1);
      return;
    }
    assert.equal(held.status, 'ok', JSON.stringify(held.error));
    assert.equal(held.data?.room, 'grace');
    const booked = server.store.events.listForRoom('grace').find((e) => e.id !== 'g1');
    assert.equal(booked?.start, at('10:07'));
    assert.equal(booked?.end, at('12:00'), 'until that room’s next meeting');
    await until(() => d.notices.length > 0, 'the line on the panel');
    assert.match(d.notices[0]?.message ?? '', /Grace Hopper/);
    // The same press again (a retry) books nothing more.
    d.responses.delete('tx-hold-1');
    const again = await ask({ untilNext: true }, 'tx-hold-1');
    assert.equal(again.status, 'ok', JSON.stringify(again.error));
    assert.equal(server.store.events.listForRoom('grace').length, 2);
  });
}
