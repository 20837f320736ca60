import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HelloSchema } from '../../../shared/api/index.js';
import { deviceConfig, PANEL, makeAgent, meeting, readPicture, SECRET, serverView, startBroker, startServerClient, waitFor } from './harness.js';

const EVENTS = [meeting('m1', '2026-03-02T08:30:00Z', '2026-03-02T09:00:00Z'), meeting('m2', '2026-03-02T10:00:00Z', '2026-03-02T11:00:00Z')];

test('connect: hello, retained online, and the last will after an abrupt close', async (t) => {
  const broker = await startBroker(0, new Map([['dev-1', SECRET]]));
  const server = await startServerClient(broker.port);
  const rig = makeAgent(broker.port);
  t.after(async () => {
    await rig.agent.stop();
    await server.close();
    await broker.close();
  });
  await rig.agent.start();

  const hello = await waitFor(() => server.on('doorplate/devices/dev-1/hello')[0], 'the hello');
  const parsed = HelloSchema.parse(JSON.parse(hello.text));
  assert.equal(parsed.enrolling, false);
  assert.equal(parsed.model, 'Raspberry Pi Zero 2 W Rev 1.0');
  assert.deepEqual(parsed.panel, { model: 'png', width: PANEL.width, height: PANEL.height, colors: 'bw' });
  assert.deepEqual(parsed.buttons, ['book', 'end']);
  assert.equal(parsed.versions.node, process.version);
  assert.equal(parsed.address, '192.0.2.10');

  // A client that subscribes later sees the availability as a retained message.
  const inspector = await startServerClient(broker.port, 'inspector-1', 'doorplate/devices/dev-1/availability');
  const online = await waitFor(() => inspector.received[0], 'retained availability');
  assert.deepEqual([online.text, online.retain], ['online', true]);
  await inspector.close();

  broker.dropClient('dev-1');
  await waitFor(() => server.on('doorplate/devices/dev-1/availability').some((m) => m.text === 'offline'), 'the last will');
  const inspector2 = await startServerClient(broker.port, 'inspector-2', 'doorplate/devices/dev-1/availability');
  const offline = await waitFor(() => inspector2.received[0], 'retained will');
  assert.deepEqual([offline.text, offline.retain], ['offline', true]);
  await inspector2.close();

  // The agent comes back after its (fake-clock) backoff and says online again.
  assert.deepEqual(rig.reconnects[0], [1, 500]);
  await rig.clock.advanceAsync(500);
  await waitFor(() => broker.connects.filter((c) => c === 'dev-1').length === 2, 'the reconnect');
  await waitFor(() => server.on('doorplate/devices/dev-1/availability').at(-1)?.text === 'online', 'online again');
});

test('config: applied, room state shown, subscription switched on reassignment', async (t) => {
  const broker = await startBroker(0, new Map([['dev-1', SECRET]]));
  const server = await startServerClient(broker.port);
  const rig = makeAgent(broker.port);
  t.after(async () => {
    await rig.agent.stop();
    await server.close();
    await broker.close();
  });
  const now = rig.clock.now();
  rig.clock.advance(40 * 60_000); // 08:40: m1 is on, the early meeting is over
  const a = serverView('room-a', [meeting('m0', '2026-03-02T07:00:00Z', '2026-03-02T07:30:00Z'), ...EVENTS], rig.clock.now());
  assert.equal(a.agenda.events.length, 3);
  const b = serverView('room-b', [], now);
  await server.publish('roomState', { room: 'room-a' }, a.state);
  await server.publish('roomAgenda', { room: 'room-a' }, a.agenda);
  await server.publish('roomState', { room: 'room-b' }, b.state);
  await server.publish('deviceConfig', { device: 'dev-1' }, deviceConfig('room-a'));

  await rig.agent.start();
  await waitFor(() => readPicture(rig.agent.lastPicture)?.status === 'busy', 'room-a busy on the panel');
  assert.equal(readPicture(rig.agent.lastPicture)?.room, 'Room room-a');
  assert.equal(rig.light.color, 'red');
  assert.equal(rig.agent.lastView?.offline, false);
  assert.deepEqual(rig.agent.lastView?.agenda.map((e) => e.id), ['m1', 'm2'], 'only meetings that have not ended');

  const roomTopics = (room: string): string[] => [`doorplate/rooms/${room}/state`, `doorplate/rooms/${room}/agenda`, `doorplate/notify/rooms/${room}`];
  const base = ['doorplate/devices/dev-1/config', 'doorplate/devices/dev-1/response/+', 'doorplate/notify/all', 'doorplate/notify/devices/dev-1', 'doorplate/server/availability'];
  assert.deepEqual([...(broker.subscriptions.get('dev-1') ?? [])].sort(), [...base, ...roomTopics('room-a')].sort());

  await server.publish('deviceConfig', { device: 'dev-1' }, deviceConfig('room-b'));
  await waitFor(() => readPicture(rig.agent.lastPicture)?.room === 'Room room-b', 'room-b on the panel');
  await waitFor(() => !broker.subscriptions.get('dev-1')?.has('doorplate/rooms/room-a/state'), 'room-a unsubscribed');
  assert.deepEqual([...(broker.subscriptions.get('dev-1') ?? [])].sort(), [...base, ...roomTopics('room-b')].sort());
  assert.equal(readPicture(rig.agent.lastPicture)?.status, 'free');
  assert.equal(rig.light.color, 'green');

  // room-a's topics are no longer followed: a new state there changes nothing.
  const pictures = rig.sink.pictures.length;
  await server.publish('roomState', { room: 'room-a' }, serverView('room-a', EVENTS, now + 35 * 60_000).state);
  await server.publish('notifyDevice', { device: 'dev-1' }, { name: 'n', message: 'Fire drill at 10', from: 'facilities', expiresAt: null });
  await waitFor(() => readPicture(rig.agent.lastPicture)?.notice === 'Fire drill at 10', 'the notice');
  assert.ok(rig.sink.pictures.slice(pictures).every((p) => readPicture(p.picture)?.room === 'Room room-b'));
  assert.equal(readPicture(rig.agent.lastPicture)?.status, 'free');
});

test('malformed config and state payloads are ignored with a logged reason', async (t) => {
  const broker = await startBroker(0, new Map([['dev-1', SECRET]]));
  const server = await startServerClient(broker.port);
  const rig = makeAgent(broker.port);
  t.after(async () => {
    await rig.agent.stop();
    await server.close();
    await broker.close();
  });
  const now = rig.clock.now();
  await server.publish('deviceConfig', { device: 'dev-1' }, deviceConfig('room-a'));
  await server.publish('roomState', { room: 'room-a' }, serverView('room-a', EVENTS, now).state);
  await rig.agent.start();
  await waitFor(() => readPicture(rig.agent.lastPicture)?.status === 'free', 'free state');

  await server.publishRaw('doorplate/devices/dev-1/config', '{"room": "room-b", "timeZone": 7', true);
  await server.publishRaw('doorplate/devices/dev-1/config', JSON.stringify({ ...deviceConfig('room-b'), requestTtlSecs: 1 }), true);
  await server.publishRaw('doorplate/rooms/room-a/state', JSON.stringify({ room: 'room-a', status: 'on fire' }), true);
  const warnings = await waitFor(() => {
    const w = rig.log.filter((l) => l.msg === 'ignored a malformed payload');
    return w.length === 3 && w;
  }, 'three warnings');
  assert.match(String(warnings[0]?.reason), /not JSON/);
  assert.match(String(warnings[1]?.reason), /requestTtlSecs/);
  assert.match(String(warnings[2]?.reason), /status/);

  // Still running, still on room-a, and a valid state still gets through.
  await server.publish('roomState', { room: 'room-a' }, serverView('room-a', EVENTS, now + 31 * 60_000).state);
  await waitFor(() => readPicture(rig.agent.lastPicture)?.status === 'busy', 'the valid state');
  assert.equal(readPicture(rig.agent.lastPicture)?.room, 'Room room-a');
  assert.equal(rig.agent.phase, 'online');
});

test('a refused room subscription is asked for again on the clock, until the broker grants it', async (t) => {
  const broker = await startBroker(0, new Map([['dev-1', SECRET]]));
  const server = await startServerClient(broker.port);
  const rig = makeAgent(broker.port);
  t.after(async () => {
    await rig.agent.stop();
    await server.close();
    await broker.close();
  });
  const b = serverView('room-b', [], rig.clock.now());
  await server.publish('roomState', { room: 'room-b' }, b.state);
  await server.publish('roomAgenda', { room: 'room-b' }, b.agenda);
  // The broker does not grant the new room yet (it has not heard of the move).
  broker.refusedFilters.add('doorplate/rooms/room-b/state');
  await server.publish('deviceConfig', { device: 'dev-1' }, deviceConfig('room-b'));
  await rig.agent.start();
  await waitFor(() => rig.log.some((l) => String(l.msg).startsWith('switching the room subscription failed')), 'the refusal logged');
  assert.notEqual(readPicture(rig.agent.lastPicture)?.status, 'free');

  broker.refusedFilters.clear();
  rig.clock.advance(5_000);
  await waitFor(() => readPicture(rig.agent.lastPicture)?.room === 'Room room-b' && readPicture(rig.agent.lastPicture)?.status === 'free', 'room-b shown after the retry');
  assert.ok(broker.subscriptions.get('dev-1')?.has('doorplate/rooms/room-b/state'));
});
