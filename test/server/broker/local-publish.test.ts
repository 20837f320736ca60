import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EmbeddedBroker } from '../../../server/broker/embedded-broker.js';
import { ServerClient } from '../../../server/broker/server-client.js';
import { silentLogger } from '../../../shared/logger.js';
import { Inbox, MemoryDirectory, mustConnect } from './helpers.js';
import type { ServerBus } from '../../../server/bus.js';
import { embeddedAccounts } from '../../../server/broker/broker-accounts.js';
import { accountsFirst } from '../../../server/parts/accounts-part.js';

/** The server on the embedded broker hands its messages to the broker in its process (ServerClient's `local`). */
const PREFIX = 'doorplate';
const SERVER_PASSWORD = 'server-internal-password-0123456789';

test('through the broker in its process the server retains, delivers and clears as over its connection, and keeps its order', async () => {
  const dir = new MemoryDirectory(SERVER_PASSWORD);
  dir.addDevice('d1', 'secret-d1', 'r1');
  const broker = new EmbeddedBroker({ host: '127.0.0.1', port: 0, prefix: PREFIX, directory: dir, logger: silentLogger() });
  await broker.start();
  const url = `mqtt://127.0.0.1:${broker.port}`;
  const handed: string[] = [];
  const local = { publishLocal: (topic: string, payload: Buffer, opts: { qos: 0 | 1; retain: boolean }) => (handed.push(topic), broker.publishLocal(topic, payload, opts)) };
  const server = new ServerClient({ url, prefix: PREFIX, username: '$server', password: SERVER_PASSWORD, clientId: 'doorplate-server', local, logger: silentLogger() });
  const device = await mustConnect(url, { clientId: 'd1', username: 'd1', password: 'secret-d1' });
  try {
    await assert.rejects(server.publish('notifyAll', {}, { name: 'n', message: 'early', from: 'admin', expiresAt: null }), /not started/);
    await server.start();
    const inbox = new Inbox(device);
    await device.subscribeAsync(['doorplate/notify/all', 'doorplate/notify/devices/d1'], { qos: 1 });
    for (let i = 0; i < 5; i++) await server.publish('notifyAll', {}, { name: 'n', message: `m${i}`, from: 'admin', expiresAt: null });
    await server.publish('notifyDevice', { device: 'd1' }, { name: 'n', message: 'last', from: 'admin', expiresAt: null });
    await inbox.waitFor('doorplate/notify/devices/d1');
    assert.deepEqual(
      inbox.messages.filter((m) => m.topic === 'doorplate/notify/all').map((m) => (JSON.parse(m.payload) as { message: string }).message),
      ['m0', 'm1', 'm2', 'm3', 'm4'],
    );

    // Retained: a late reader gets it; cleared: the next one does not.
    const agenda = { room: 'r1', timeZone: 'UTC', from: '2026-03-02T00:00:00.000Z', to: '2026-03-03T00:00:00.000Z', events: [] };
    await server.publish('roomAgenda', { room: 'r1' }, agenda);
    const late = await mustConnect(url, { clientId: 'd1', username: 'd1', password: 'secret-d1' });
    const lateInbox = new Inbox(late);
    await late.subscribeAsync('doorplate/rooms/r1/agenda', { qos: 1 });
    assert.deepEqual(JSON.parse((await lateInbox.waitFor('doorplate/rooms/r1/agenda')).payload), agenda);
    await server.clearRetained('roomAgenda', { room: 'r1' });
    late.end(true);
    const later = await mustConnect(url, { clientId: 'd1', username: 'd1', password: 'secret-d1' });
    const laterInbox = new Inbox(later);
    await later.subscribeAsync(['doorplate/rooms/r1/agenda', 'doorplate/notify/devices/d1'], { qos: 1 });
    await server.publish('notifyDevice', { device: 'd1' }, { name: 'n', message: 'after the clear', from: 'admin', expiresAt: null });
    await laterInbox.waitFor('doorplate/notify/devices/d1');
    assert.equal(laterInbox.has('doorplate/rooms/r1/agenda'), false);
    later.end(true);
    assert.equal(handed.length, 9, 'every contract message went through the broker in the process');

    await assert.rejects(broker.publishLocal('$SYS/forged', Buffer.from('x'), { qos: 0, retain: false }), /not allowed/);
  } finally {
    device.end(true);
    await server.stop();
    await broker.stop();
  }
});

test('a device\'s config goes out only after the broker holds its new rights (the embedded identity, an external account)', async () => {
  const order: string[] = [];
  const bus = {
    publish: async (name: string, params: { device?: string }) => void order.push(`publish ${name} ${params.device ?? ''}`),
    clearRetained: async () => undefined,
    subscribe: async () => undefined,
  } as unknown as ServerBus;
  const accounts = { ...embeddedAccounts, beforeConfig: async (id: string) => void order.push(`account ${id}`) };
  const first = accountsFirst(bus, () => accounts, (id) => order.push(`identity ${id}`));
  await first.publish('deviceConfig', { device: 'door-m' }, {} as never);
  await first.publish('roomState', { room: 'grace' }, null as never);
  assert.deepEqual(order, ['identity door-m', 'account door-m', 'publish deviceConfig door-m', 'publish roomState ']);
});
