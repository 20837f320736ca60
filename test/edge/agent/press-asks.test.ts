import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RequestSchema } from '../../../shared/api/index.js';
import { parseConfig } from '../../../shared/config/load.js';
import { buttonActions } from '../../../edge/hal/hardware-from-config.js';
import { deviceConfig, makeAgent, readPicture, SECRET, serverView, startBroker, startServerClient, waitFor, type TestServer } from './harness.js';

function requests(server: TestServer, verb: string): Array<ReturnType<typeof RequestSchema.parse>> {
  return server.on(`doorplate/devices/dev-1/request/${verb}`).map((m) => RequestSchema.parse(JSON.parse(m.text)));
}

test('an extend press asks for the first extend step of the config; a hold of book asks for until the next meeting', async (t) => {
  const broker = await startBroker(0, new Map([['dev-1', SECRET]]));
  const server = await startServerClient(broker.port);
  const rig = makeAgent(broker.port);
  t.after(async () => {
    await rig.agent.stop();
    await server.close();
    await broker.close();
  });
  await server.publish('deviceConfig', { device: 'dev-1' }, deviceConfig('room-a', { extendStepsMins: [45, 90], defaultDurationMins: 15 }));
  await server.publish('roomState', { room: 'room-a' }, serverView('room-a', [], rig.clock.now()).state);
  await rig.agent.start();
  await waitFor(() => readPicture(rig.agent.lastPicture)?.status === 'free', 'free');

  rig.actions.press('extend');
  const [extend] = await waitFor(() => requests(server, 'extend').length === 1 && requests(server, 'extend'), 'the extend request');
  assert.equal(extend?.durationMins, 45);
  assert.equal(extend?.untilNext, undefined);

  rig.actions.press('book-until-next', 'book');
  const [book] = await waitFor(() => requests(server, 'book').length === 1 && requests(server, 'book'), 'the book request');
  assert.equal(book?.untilNext, true);
  assert.equal(book?.durationMins, undefined, 'no length: the server ends it at the next meeting');

  // A new config's steps apply to the next press.
  await server.client.publishAsync('doorplate/devices/dev-1/response/extend', JSON.stringify({ transaction: extend?.transaction, status: 'ok' }));
  // Answered, the extend leaves the booking as the one waiting, shown as a plain booking.
  await waitFor(() => rig.agent.lastView?.pending === 'book', 'the extend answered');
  await server.publish('deviceConfig', { device: 'dev-1' }, deviceConfig('room-a', { extendStepsMins: [10], roomName: 'Room A, renamed' }));
  await waitFor(() => rig.agent.lastView?.roomName === 'Room A, renamed', 'the new config');
  rig.actions.press('extend');
  const second = await waitFor(() => requests(server, 'extend')[1], 'a second extend request');
  assert.equal(second.durationMins, 10);
});

test('button gestures from the config: a book button holds to "until the next meeting" unless told otherwise', () => {
  const buttons = parseConfig({
    edge: {
      buttons: [
        { name: 'book', pin: 5, action: 'book' },
        { name: 'book2', pin: 6, action: 'book', hold: 'book' },
        { name: 'extend', pin: 13, action: 'extend' },
        { name: 'end', pin: 19, action: 'end', hold: 'checkin' },
      ],
    },
  }).edge.buttons;
  assert.deepEqual(buttons.map(buttonActions), [
    { press: 'book', hold: 'book-until-next' },
    { press: 'book', hold: 'book' },
    { press: 'extend' },
    { press: 'end', hold: 'checkin' },
  ]);
  assert.throws(() => parseConfig({ edge: { buttons: [{ name: 'b', pin: 5, action: 'book', hold: 'forever' }] } }), /edge\.buttons\.0\.hold: /);
});
