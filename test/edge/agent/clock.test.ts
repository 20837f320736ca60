import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deviceConfig, makeAgent, meeting, SECRET, serverView, startBroker, startServerClient, waitFor } from './harness.js';

const EVENTS = [meeting('m1', '2026-03-02T10:00:00Z', '2026-03-02T11:00:00Z')];

for (const minuteClock of [true, false]) {
  test(`printed clock: ${minuteClock ? 'redrawn at each minute' : 'not printed on a panel that only refreshes in full'}`, async (t) => {
    const broker = await startBroker(0, new Map([['dev-1', SECRET]]));
    const server = await startServerClient(broker.port);
    const rig = makeAgent(broker.port, { minuteClock });
    t.after(async () => {
      await rig.agent.stop();
      await server.close();
      await broker.close();
    });
    // 08:00:20; the room is free until 10:00, so nothing but the clock changes for two hours.
    rig.clock.advance(20_000);
    const v = serverView('room-a', EVENTS, rig.clock.now());
    await server.publish('roomState', { room: 'room-a' }, v.state);
    await server.publish('roomAgenda', { room: 'room-a' }, v.agenda);
    await server.publish('deviceConfig', { device: 'dev-1' }, deviceConfig('room-a'));
    await rig.agent.start();
    await waitFor(() => rig.agent.lastView !== null, 'the first picture');
    assert.equal(rig.agent.lastView?.showClock, minuteClock);
    const first = rig.sink.pictures.length;

    rig.clock.advance(40_000); // 08:01:00
    rig.clock.advance(60_000); // 08:02:00
    if (minuteClock) {
      await waitFor(() => rig.sink.pictures.length >= first + 2, 'a redraw at each whole minute');
      assert.equal(rig.agent.lastView?.now, Date.parse('2026-03-02T08:02:00Z'));
    } else {
      await rig.agent.settled();
      assert.equal(rig.sink.pictures.length, first, 'no redraw for the clock alone');
    }
  });
}

async function atEightPm(t: { after(fn: () => Promise<void>): void }) {
  const broker = await startBroker(0, new Map([['dev-1', SECRET]]));
  const server = await startServerClient(broker.port);
  const rig = makeAgent(broker.port, { minuteClock: false });
  t.after(async () => {
    await rig.agent.stop();
    await server.close();
    await broker.close();
  });
  // 20:00 in Berlin, no more meetings today: the next change is midnight.
  rig.clock.advance(11 * 3_600_000);
  const v = serverView('room-a', [], rig.clock.now());
  await server.publish('serverAvailability', {}, 'online');
  await server.publish('roomState', { room: 'room-a' }, v.state);
  await server.publish('roomAgenda', { room: 'room-a' }, v.agenda);
  await server.publish('deviceConfig', { device: 'dev-1' }, deviceConfig('room-a'));
  await rig.agent.start();
  await waitFor(() => rig.agent.lastView !== null && rig.agent.phase === 'online', 'the first picture, online');
  await rig.agent.settled();
  return { rig, server, midnight: Date.parse(v.state.nextChangeAt ?? '') };
}

test('online, the server brings each boundary: the agent arms no timer of its own and draws once', async (t) => {
  const { rig, server, midnight } = await atEightPm(t);
  assert.equal(rig.clock.pending(), 0, 'no boundary timer beside the server\'s');
  const before = rig.sink.pictures.length;
  rig.clock.advance(midnight - rig.clock.now() + 1);
  await rig.agent.settled();
  assert.equal(rig.sink.pictures.length, before, 'no redraw of its own at midnight');
  // The server publishes the day's new state at midnight: that is the one redraw.
  await server.publish('roomState', { room: 'room-a' }, serverView('room-a', [], rig.clock.now()).state);
  await waitFor(() => (rig.agent.lastView?.now ?? 0) >= midnight, 'the redraw at midnight');
  await rig.agent.settled();
  assert.equal(rig.sink.pictures.length, before + 1);
});

test('offline, the local recompute alone redraws at the next boundary, local midnight included', async (t) => {
  const { rig, server, midnight } = await atEightPm(t);
  await server.publish('serverAvailability', {}, 'offline');
  await waitFor(() => rig.agent.lastView?.offline === true, 'the offline mark');
  await rig.agent.settled();
  assert.equal(rig.clock.pending(), 1, 'one timer: the recompute at midnight');
  const before = rig.sink.pictures.length;
  rig.clock.advance(midnight - rig.clock.now() + 1);
  await waitFor(() => rig.sink.pictures.length > before, 'a redraw at midnight');
  await rig.agent.settled();
  assert.equal(rig.sink.pictures.length, before + 1);
  assert.ok((rig.agent.lastView?.now ?? 0) >= midnight);
  assert.equal(rig.agent.roomState?.local, true);
});
