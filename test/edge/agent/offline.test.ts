import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DISPLAY_RECONNECT } from '../../../shared/backoff.js';
import { deviceConfig, makeAgent, meeting, readPicture, SECRET, serverView, startBroker, startServerClient, untilOnline, waitFor } from './harness.js';

const EVENTS = [meeting('m1', '2026-03-02T08:30:00Z', '2026-03-02T09:00:00Z'), meeting('m2', '2026-03-02T10:00:00Z', '2026-03-02T11:00:00Z')];

test('server offline: the state is recomputed locally at each boundary, with the offline mark', async (t) => {
  const broker = await startBroker(0, new Map([['dev-1', SECRET]]));
  const server = await startServerClient(broker.port);
  const rig = makeAgent(broker.port);
  t.after(async () => {
    await rig.agent.stop();
    await server.close();
    await broker.close();
  });
  const { state, agenda } = serverView('room-a', EVENTS, rig.clock.now());
  assert.equal(state.nextChangeAt, '2026-03-02T08:30:00.000Z');
  await server.publish('serverAvailability', {}, 'online');
  await server.publish('deviceConfig', { device: 'dev-1' }, deviceConfig('room-a'));
  await server.publish('roomAgenda', { room: 'room-a' }, agenda);
  await server.publish('roomState', { room: 'room-a' }, state);
  await rig.agent.start();
  await waitFor(() => readPicture(rig.agent.lastPicture)?.status === 'free' && rig.agent.lastView?.agenda.length === 2, 'free with its agenda');
  // While the server is there, the device sets no boundary timer of its own.
  await rig.clock.advanceAsync(31 * 60_000);
  assert.equal(readPicture(rig.agent.lastPicture)?.status, 'free');
  assert.equal(rig.agent.roomState?.local, false);

  await server.publish('serverAvailability', {}, 'offline');
  await waitFor(() => readPicture(rig.agent.lastPicture)?.offline === true, 'the offline mark');
  // The published state's boundary (08:30) has passed: the device recomputes at once.
  await waitFor(() => readPicture(rig.agent.lastPicture)?.status === 'busy', 'local busy');
  assert.equal(rig.agent.roomState?.local, true);
  assert.equal(rig.agent.roomState?.state.nextChangeAt, '2026-03-02T09:00:00.000Z');
  assert.equal(rig.light.color, 'red');

  await rig.clock.advanceAsync(29 * 60_000); // 09:00
  await waitFor(() => readPicture(rig.agent.lastPicture)?.status === 'free', 'local free at 09:00');
  assert.equal(readPicture(rig.agent.lastPicture)?.offline, true);
  assert.equal(rig.agent.roomState?.state.freeUntil, '2026-03-02T10:00:00.000Z');
  assert.equal(rig.light.color, 'green');

  // Back: the server's state wins, whatever the device computed.
  await server.publish('serverAvailability', {}, 'online');
  const fromServer = serverView('room-a', [...EVENTS, meeting('m3', '2026-03-02T09:00:00Z', '2026-03-02T09:30:00Z')], rig.clock.now()).state;
  await server.publish('roomState', { room: 'room-a' }, fromServer);
  await waitFor(() => readPicture(rig.agent.lastPicture)?.status === 'busy' && readPicture(rig.agent.lastPicture)?.offline === false, 'server state');
  assert.equal(rig.agent.roomState?.local, false);
  // No local recompute left: time passing changes nothing until the server says so. (The
  // panel may be redrawn at the boundary for its printed day; the picture stays the same.)
  const before = rig.sink.pictures.length;
  const shown = rig.sink.pictures.at(-1)?.picture.data.toString();
  await rig.clock.advanceAsync(40 * 60_000);
  assert.equal(rig.agent.roomState?.local, false);
  assert.ok(rig.sink.pictures.slice(before).every((p) => p.picture.data.toString() === shown));
});

test('broker restart: reconnect with backoff and catch up on retained state', async (t) => {
  const accounts = new Map([['dev-1', SECRET]]);
  let broker = await startBroker(0, accounts);
  const port = broker.port;
  let server = await startServerClient(port);
  const rig = makeAgent(port);
  t.after(async () => {
    await rig.agent.stop();
    await server.close();
    await broker.close();
  });
  const first = serverView('room-a', EVENTS, rig.clock.now());
  await server.publish('deviceConfig', { device: 'dev-1' }, deviceConfig('room-a'));
  await server.publish('roomAgenda', { room: 'room-a' }, first.agenda);
  await server.publish('roomState', { room: 'room-a' }, first.state);
  await rig.agent.start();
  await waitFor(() => readPicture(rig.agent.lastPicture)?.status === 'free', 'free');

  await server.close();
  await broker.close();
  await waitFor(() => rig.agent.phase === 'connecting', 'the agent to notice');
  await waitFor(() => readPicture(rig.agent.lastPicture)?.offline === true, 'offline mark after the broker left');
  assert.deepEqual(rig.reconnects, [[1, 500]]);

  // Attempts while the broker is down fail and back off: 500, 1000, 2000 ms (jitter fixed at 1/2).
  await rig.clock.advanceAsync(500);
  await waitFor(() => rig.reconnects.length === 2, 'second backoff');
  await rig.clock.advanceAsync(1000);
  await waitFor(() => rig.reconnects.length === 3, 'third backoff');
  assert.deepEqual(rig.reconnects, [[1, 500], [2, 1000], [3, 2000]]);

  // Meanwhile the device keeps the panel right on its own (08:30: m1 starts), and the attempts
  // go on, doubling up to the cap (the displays' policy, halved by the fixed jitter).
  await rig.clock.advanceAsync(30 * 60_000);
  await waitFor(() => readPicture(rig.agent.lastPicture)?.status === 'busy', 'local busy');
  assert.ok(rig.reconnects.length > 8);
  rig.reconnects.forEach(([attempt, delay], i) => {
    assert.equal(attempt, i + 1);
    assert.equal(delay, Math.min(DISPLAY_RECONNECT.capMs / 2, 500 * 2 ** i));
  });

  // The broker comes back on the same port; the server republishes its retained topics, with news.
  broker = await startBroker(port, accounts);
  server = await startServerClient(port);
  const news = serverView('room-a', [meeting('m1', '2026-03-02T08:30:00Z', '2026-03-02T09:00:00Z', { status: 'cancelled' }), EVENTS[1]!], rig.clock.now());
  await server.publish('deviceConfig', { device: 'dev-1' }, deviceConfig('room-a', { roomName: 'Blue room' }));
  await server.publish('roomAgenda', { room: 'room-a' }, news.agenda);
  await server.publish('roomState', { room: 'room-a' }, news.state);
  // The next attempt is at most one capped delay away; an attempt still failing against the old
  // socket may need one more.
  await untilOnline(rig);
  assert.equal(rig.agent.phase, 'online');
  await waitFor(() => {
    const p = readPicture(rig.agent.lastPicture);
    return p?.status === 'free' && p.offline === false && p.room === 'Blue room';
  }, 'caught up with the retained state');
  assert.equal(broker.connects.filter((c) => c === 'dev-1').length, 1);
  await waitFor(() => server.on('doorplate/devices/dev-1/hello').length === 1, 'a new hello');
});
