import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../shared/clock.js';
import { NoticeBoard } from '../../../edge/agent/notice-board.js';
import { deviceConfig, makeAgent, readPicture, SECRET, serverView, startBroker, startServerClient, waitFor } from './harness.js';

test('the same notice sent again changes nothing; a new expiry or text does', () => {
  const clock = new FakeClock('2026-03-02T08:00:00Z');
  let changes = 0;
  const board = new NoticeBoard(clock, () => changes++);
  const drill = { name: 'd', message: 'Fire drill', from: 'facilities', expiresAt: '2026-03-02T09:00:00Z' };
  assert.equal(board.show(drill), true);
  assert.equal(changes, 1);
  clock.advance(10 * 60_000);
  assert.equal(board.show({ ...drill }), true, 'still shown');
  assert.equal(changes, 1, 'no redraw for a notice already on the panel');
  assert.equal(clock.pending(), 1);
  board.show({ ...drill, expiresAt: '2026-03-02T10:00:00Z' });
  assert.equal(changes, 2);
  clock.advance(50 * 60_000);
  assert.deepEqual(board.notice, { message: 'Fire drill', from: 'facilities' }, 'the later expiry holds');
  clock.advance(60 * 60_000);
  assert.equal(board.notice, null);
  assert.equal(changes, 3);
  assert.equal(clock.pending(), 0);
});

test('the agent subscribes to its topics before its hello, so a notice sent in answer reaches the panel', async (t) => {
  const broker = await startBroker(0, new Map([['dev-1', SECRET]]));
  const server = await startServerClient(broker.port);
  const rig = makeAgent(broker.port);
  t.after(async () => {
    await rig.agent.stop();
    await server.close();
    await broker.close();
  });
  await server.publish('deviceConfig', { device: 'dev-1' }, deviceConfig('room-a'));
  await server.publish('roomState', { room: 'room-a' }, serverView('room-a', [], rig.clock.now()).state);

  // What the device had subscribed when the broker took its hello.
  let atHello: string[] | null = null;
  broker.aedes.on('publish', (packet, client) => {
    if (client?.id !== 'dev-1' || packet.topic !== 'doorplate/devices/dev-1/hello') return;
    atHello = [...(broker.subscriptions.get('dev-1') ?? [])];
    // As the server does: the notices in force, on the device's own topic, right away.
    void server.publish('notifyDevice', { device: 'dev-1' }, { name: 'n', message: 'Fire drill at 10', from: 'facilities', expiresAt: null });
  });

  await rig.agent.start();
  const subscribed = await waitFor(() => atHello, 'the hello');
  for (const topic of ['doorplate/devices/dev-1/config', 'doorplate/notify/devices/dev-1', 'doorplate/notify/all']) {
    assert.ok(subscribed.includes(topic), `${topic} subscribed before the hello`);
  }
  await waitFor(() => readPicture(rig.agent.lastPicture)?.notice === 'Fire drill at 10', 'the notice on the panel');
});
