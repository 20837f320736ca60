import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RequestSchema, ResponseSchema } from '../../../shared/api/index.js';
import { ERROR_SHOW_MS } from '../../../edge/agent/press-handler.js';
import { ERROR_FLASH_MS, OK_FLASH_MS } from '../../../edge/agent/led-feedback.js';
import { deviceConfig, makeAgent, meeting, readPicture, SECRET, serverView, startBroker, startServerClient, untilOnline, waitFor, type Rig, type TestServer } from './harness.js';

const EVENTS = [meeting('m2', '2026-03-02T10:00:00Z', '2026-03-02T11:00:00Z')];

async function online(t: { after(fn: () => Promise<void>): void }): Promise<{ rig: Rig; server: TestServer; port: number; broker: Awaited<ReturnType<typeof startBroker>> }> {
  const broker = await startBroker(0, new Map([['dev-1', SECRET]]));
  const server = await startServerClient(broker.port);
  const rig = makeAgent(broker.port);
  t.after(async () => {
    await rig.agent.stop();
    await server.close();
    await broker.close();
  });
  const { state, agenda } = serverView('room-a', EVENTS, rig.clock.now());
  await server.publish('deviceConfig', { device: 'dev-1' }, deviceConfig('room-a', { requestTtlSecs: 45, defaultDurationMins: 15 }));
  await server.publish('roomAgenda', { room: 'room-a' }, agenda);
  await server.publish('roomState', { room: 'room-a' }, state);
  await rig.agent.start();
  await waitFor(() => readPicture(rig.agent.lastPicture)?.status === 'free', 'free');
  return { rig, server, port: broker.port, broker };
}

function requests(server: TestServer, verb = '+'): Array<{ verb: string; body: ReturnType<typeof RequestSchema.parse> }> {
  return server
    .on('doorplate/devices/dev-1/request/')
    .filter((m) => verb === '+' || m.topic.endsWith(`/${verb}`))
    .map((m) => ({ verb: m.topic.split('/').at(-1) ?? '', body: RequestSchema.parse(JSON.parse(m.text)) }));
}

test('a press becomes a request with a transaction and an expiry; the LED blinks, acknowledges, then follows the state', async (t) => {
  const { rig, server } = await online(t);
  assert.deepEqual([rig.light.color, rig.light.pattern], ['green', 'steady']);

  rig.actions.press('book', 'left');
  assert.deepEqual([rig.light.color, rig.light.pattern], ['green', 'blink'], 'instant feedback');
  const [req] = await waitFor(() => requests(server, 'book').length === 1 && requests(server, 'book'), 'the book request');
  assert.ok(req);
  assert.match(req.body.transaction, /^[A-Za-z0-9_-]{16,}$/);
  assert.equal(req.body.pressedAt, '2026-03-02T08:00:00.000Z');
  assert.equal(req.body.expiresAt, '2026-03-02T08:00:45.000Z');
  assert.equal(req.body.durationMins, 15);
  await waitFor(() => rig.agent.lastView?.pending === 'book', 'the pending mark');

  // A second press of the same verb while the first waits does not make a second booking.
  rig.actions.press('book', 'left');
  await rig.agent.settled();

  // A response for another transaction changes nothing.
  await server.client.publishAsync('doorplate/devices/dev-1/response/book', JSON.stringify({ transaction: 'someone-elses-1', status: 'ok' }));
  const booked = serverView('room-a', [meeting('b1', '2026-03-02T08:00:00Z', '2026-03-02T08:15:00Z', { bookedVia: 'panel' }), ...EVENTS], rig.clock.now()).state;
  await server.client.publishAsync('doorplate/devices/dev-1/response/book', JSON.stringify(ResponseSchema.parse({ transaction: req.body.transaction, status: 'ok', data: { eventId: 'b1' } })));
  await waitFor(() => rig.light.pattern === 'steady', 'the acknowledgement');
  assert.equal(rig.light.color, 'green');
  assert.equal(requests(server, 'book').length, 1);
  await server.publish('roomState', { room: 'room-a' }, booked);
  await waitFor(() => readPicture(rig.agent.lastPicture)?.status === 'busy', 'busy');
  assert.equal(rig.light.color, 'green', 'the acknowledgement lasts its moment');
  await rig.clock.advanceAsync(OK_FLASH_MS);
  assert.deepEqual([rig.light.color, rig.light.pattern], ['red', 'steady']);
  assert.equal(rig.agent.lastView?.pending, null);
  assert.ok(rig.sink.pictures.some((p) => p.urgent), 'the answer to a press is drawn urgently');
});

test('a refused request fast-blinks red and shows its reason for a while', async (t) => {
  const { rig, server } = await online(t);
  rig.actions.press('end');
  const [req] = await waitFor(() => requests(server, 'end').length === 1 && requests(server, 'end'), 'the end request');
  assert.equal(req?.body.durationMins, undefined);
  await server.client.publishAsync(
    'doorplate/devices/dev-1/response/end',
    JSON.stringify({ transaction: req?.body.transaction, status: 'error', error: { code: 'NOTHING_TO_DO', message: 'There is no meeting to end' } }),
  );
  await waitFor(() => readPicture(rig.agent.lastPicture)?.error === 'There is no meeting to end', 'the reason on the panel');
  assert.deepEqual([rig.light.color, rig.light.pattern], ['red', 'fast-blink']);
  await rig.clock.advanceAsync(ERROR_FLASH_MS);
  assert.deepEqual([rig.light.color, rig.light.pattern], ['green', 'steady']);
  await rig.clock.advanceAsync(ERROR_SHOW_MS - ERROR_FLASH_MS);
  await waitFor(() => readPicture(rig.agent.lastPicture)?.error === null, 'the reason cleared');
});

test('a request with no answer by its expiry stops blinking and shows an error', async (t) => {
  const { rig, server } = await online(t);
  rig.actions.press('extend');
  await waitFor(() => requests(server, 'extend').length === 1, 'the request');
  await rig.clock.advanceAsync(44_999);
  assert.equal(rig.light.pattern, 'blink');
  await rig.clock.advanceAsync(1);
  assert.deepEqual([rig.light.color, rig.light.pattern], ['red', 'fast-blink']);
  await waitFor(() => readPicture(rig.agent.lastPicture)?.error === 'no answer from the server', 'the error');
  assert.equal(rig.agent.lastView?.pending, null);
});

test('offline: a press waits for the server until its expiry, and is never sent after it', async (t) => {
  const { rig, server } = await online(t);
  await server.publish('serverAvailability', {}, 'offline');
  await waitFor(() => readPicture(rig.agent.lastPicture)?.offline === true, 'offline');

  // Pressed while the server is away, answered once it is back within the request's life.
  rig.actions.press('checkin');
  assert.equal(rig.light.pattern, 'blink');
  await rig.clock.advanceAsync(20_000);
  await server.publish('serverAvailability', {}, 'online');
  const [sent] = await waitFor(() => requests(server, 'checkin').length === 1 && requests(server, 'checkin'), 'the queued request, sent');
  assert.equal(sent?.body.pressedAt, '2026-03-02T08:00:00.000Z');
  await server.client.publishAsync('doorplate/devices/dev-1/response/checkin', JSON.stringify({ transaction: sent?.body.transaction, status: 'ok' }));
  await waitFor(() => rig.light.pattern === 'steady', 'answered');

  // Pressed while away, and the server returns too late: dropped at its expiry, never replayed.
  await server.publish('serverAvailability', {}, 'offline');
  await waitFor(() => readPicture(rig.agent.lastPicture)?.offline === true, 'offline again');
  rig.actions.press('book');
  await rig.clock.advanceAsync(45_000);
  assert.deepEqual([rig.light.color, rig.light.pattern], ['red', 'fast-blink']);
  await waitFor(() => readPicture(rig.agent.lastPicture)?.error === 'server unreachable', 'the error');
  await server.publish('serverAvailability', {}, 'online');
  await waitFor(() => readPicture(rig.agent.lastPicture)?.offline === false, 'online');
  await rig.agent.settled();
  assert.equal(requests(server, 'book').length, 0);
  assert.ok(rig.log.some((l) => l.msg === 'request expired before the server could be reached; dropped unsent'));
});

test('expired request not sent after the broker comes back', async (t) => {
  const accounts = new Map([['dev-1', SECRET]]);
  const first = await online(t);
  const { rig, port } = first;
  await first.server.close();
  await first.broker.close();
  await waitFor(() => rig.agent.phase === 'connecting', 'disconnected');
  rig.actions.press('book');
  assert.equal(rig.light.pattern, 'blink');
  await rig.clock.advanceAsync(45_000);
  await waitFor(() => readPicture(rig.agent.lastPicture)?.error === 'server unreachable', 'the error');

  const broker = await startBroker(port, accounts);
  const server = await startServerClient(port);
  t.after(async () => {
    await server.close();
    await broker.close();
  });
  await untilOnline(rig);
  assert.equal(rig.agent.phase, 'online');
  await waitFor(() => server.on('doorplate/devices/dev-1/hello').length === 1, 'the hello');
  // A later press goes through, which shows the broker path is live while the old one stayed unsent.
  rig.actions.press('end');
  await waitFor(() => requests(server, 'end').length === 1, 'the new request');
  assert.equal(requests(server, 'book').length, 0);
});
