import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EmbeddedBroker } from '../../../server/broker/embedded-broker.js';
import { ServerClient, ServerClientError } from '../../../server/broker/server-client.js';
import { decodePayload } from '../../../shared/api/topics.js';
import { silentLogger } from '../../../shared/logger.js';
import { Inbox, MemoryDirectory, mustConnect } from './helpers.js';

const SERVER_PASSWORD = 'server-internal-password-0123456789';
const STATE_TOPIC = 'doorplate/server/availability';

async function withBroker(fn: (b: EmbeddedBroker, dir: MemoryDirectory, url: string) => Promise<void>): Promise<void> {
  const dir = new MemoryDirectory(SERVER_PASSWORD);
  dir.anonymous = true;
  dir.addDevice('d1', 'secret-of-d1', 'r1');
  const broker = new EmbeddedBroker({ host: '127.0.0.1', port: 0, prefix: 'doorplate', directory: dir, logger: silentLogger() });
  await broker.start();
  try {
    await fn(broker, dir, `mqtt://127.0.0.1:${broker.port}`);
  } finally {
    await broker.stop();
  }
}

function serverClient(url: string, password = SERVER_PASSWORD): ServerClient {
  return new ServerClient({ url, prefix: 'doorplate', username: '$server', password, clientId: 'doorplate-server', reconnectPeriodMs: 50, logger: silentLogger() });
}

const NOTIFY = { name: 'fire-drill', message: 'Fire drill at 11:00', from: 'facilities', expiresAt: null };

test('publishes online retained on connect; retained contract topics stay for late readers', async () => {
  await withBroker(async (_b, _dir, url) => {
    const sc = serverClient(url);
    await sc.start();
    try {
      await sc.publish('deviceConfig', { device: 'd1' }, {
        room: 'r1',
        roomName: 'Room 1',
        timeZone: 'Europe/Berlin',
        locale: 'en',
        privacy: 'full',
        bookDurationsMins: [15, 30],
        defaultDurationMins: 30,
        checkIn: { enabled: true, opensBeforeMins: 5, closesAfterMins: 10 },
        extendStepsMins: [15, 30],
        requestTtlSecs: 60,
      });
      const late = await mustConnect(url, { clientId: 'late-reader' });
      const inbox = new Inbox(late);
      await late.subscribeAsync(['doorplate/devices/d1/config', STATE_TOPIC], { qos: 1 });
      const config = await inbox.waitFor('doorplate/devices/d1/config');
      const decoded = decodePayload('deviceConfig', config.payload);
      assert.equal(decoded.ok && decoded.value.room, 'r1');
      assert.equal((await inbox.waitFor(STATE_TOPIC)).payload, 'online');
      assert.ok(inbox.messages.every((m) => m.retain));
      late.end(true);
    } finally {
      await sc.stop();
    }
  });
});

test('refuses a payload that does not match its schema before anything is sent', async () => {
  await withBroker(async (_b, _dir, url) => {
    const sc = serverClient(url);
    await sc.start();
    try {
      // @ts-expect-error a notify message without its text is not a valid payload
      await assert.rejects(sc.publish('notifyAll', {}, { name: 'x', from: 'y', expiresAt: null }));
    } finally {
      await sc.stop();
    }
  });
});

test('the last will sets offline when the connection dies; reconnecting restores online and subscriptions', async () => {
  await withBroker(async (broker, _dir, url) => {
    const sc = serverClient(url);
    await sc.start();
    const watcher = await mustConnect(url, { clientId: 'watcher' });
    try {
      const inbox = new Inbox(watcher);
      await watcher.subscribeAsync(STATE_TOPIC, { qos: 1 });
      await inbox.waitFor(STATE_TOPIC, 'online');

      const hellos: string[] = [];
      let gotHello!: () => void;
      const helloArrived = new Promise<void>((resolve) => (gotHello = resolve));
      await sc.subscribe('deviceHello', {}, (params) => {
        hellos.push(params.device);
        gotHello();
      });

      const reconnected = new Promise<void>((resolve) => sc.once('connected', resolve));
      // Closed from the broker's side without a DISCONNECT packet: the will applies.
      assert.equal(broker.disconnectClientId('doorplate-server'), true);
      await inbox.waitFor(STATE_TOPIC, 'offline');
      const afterOffline = inbox.messages.length;
      await reconnected;
      await inbox.waitFor(STATE_TOPIC, 'online', afterOffline);

      const device = await mustConnect(url, { clientId: 'd1', username: 'd1', password: 'secret-of-d1' });
      await device.publishAsync('doorplate/devices/d1/hello', '{}', { qos: 1 });
      await helloArrived;
      assert.deepEqual(hellos, ['d1']);
      device.end(true);
    } finally {
      await sc.stop();
      watcher.end(true);
    }
  });
});

test('a clean stop publishes offline retained', async () => {
  await withBroker(async (_b, _dir, url) => {
    const sc = serverClient(url);
    await sc.start();
    await sc.stop();
    const reader = await mustConnect(url, { clientId: 'reader' });
    const inbox = new Inbox(reader);
    await reader.subscribeAsync(STATE_TOPIC, { qos: 1 });
    assert.equal((await inbox.waitFor(STATE_TOPIC)).payload, 'offline');
    reader.end(true);
  });
});

test('subscribe with fixed parameters only calls the handler for matching topics; unsubscribe stops it', async () => {
  await withBroker(async (_b, _dir, url) => {
    const sc = serverClient(url);
    await sc.start();
    try {
      const seen: string[] = [];
      let done!: () => void;
      const second = new Promise<void>((resolve) => (done = resolve));
      const unsubscribe = await sc.subscribe('notifyRoom', { room: 'r1' }, (params, payload) => {
        seen.push(`${params.room}:${JSON.parse(payload.toString()).message}`);
        if (seen.length === 2) done();
      });
      await sc.publish('notifyRoom', { room: 'r2' }, NOTIFY);
      await sc.publish('notifyRoom', { room: 'r1' }, NOTIFY);
      await sc.publish('notifyRoom', { room: 'r1' }, { ...NOTIFY, message: 'second' });
      await second;
      assert.deepEqual(seen, ['r1:Fire drill at 11:00', 'r1:second']);
      await unsubscribe();
      await sc.publish('notifyRoom', { room: 'r1' }, { ...NOTIFY, message: 'third' });
      // A fresh subscription proves the broker has delivered 'third' by now.
      let sawThird!: () => void;
      const third = new Promise<void>((resolve) => (sawThird = resolve));
      await sc.subscribe('notifyAll', {}, () => sawThird());
      await sc.publish('notifyAll', {}, NOTIFY);
      await third;
      assert.equal(seen.length, 2);
    } finally {
      await sc.stop();
    }
  });
});

test('start rejects with a clear error when the broker refuses the credentials', async () => {
  await withBroker(async (_b, _dir, url) => {
    const sc = serverClient(url, 'wrong-password');
    await assert.rejects(sc.start(), (err: unknown) => err instanceof ServerClientError && /as \$server failed/.test(err.message));
  });
});
