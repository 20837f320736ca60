import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../shared/clock.js';
import { silentLogger } from '../../../shared/logger.js';
import { MqttJsTransport } from '../../../edge/agent/mqtt-transport.js';
import type { TransportError } from '../../../edge/agent/transport.js';
import { SECRET, startBroker, waitFor } from './harness.js';

test('transport target: asked before every attempt; none known is a failed attempt, then the found server is used', async (t) => {
  const broker = await startBroker(0, new Map([['dev-1', SECRET]]));
  const clock = new FakeClock();
  let found: string | null = null;
  const asked: string[] = [];
  const transport = new MqttJsTransport({
    clock,
    random: () => 0.5,
    logger: silentLogger(),
    target: (configured) => {
      asked.push(configured);
      return found;
    },
  });
  t.after(async () => {
    await transport.end(true);
    await broker.close();
  });
  const errors: TransportError[] = [];
  let connected = false;
  transport.on('error', (e) => errors.push(e));
  transport.on('connect', () => (connected = true));
  transport.connect({ url: 'mqtt://192.0.2.1:1883', clientId: 'dev-1', username: 'dev-1', password: SECRET });
  assert.deepEqual(errors, [{ kind: 'network', message: 'no server found yet' }]);
  assert.equal(connected, false);
  found = `mqtt://127.0.0.1:${broker.port}`;
  clock.advance(60_000);
  await waitFor(() => connected || undefined, 'the connection to the found server');
  assert.deepEqual(asked, ['mqtt://192.0.2.1:1883', 'mqtt://192.0.2.1:1883']);
});

test('transport passwords: a refused password is followed at once by the other, which is kept for every reconnect', async (t) => {
  const broker = await startBroker(0, new Map([['enroll:dev-2', 'plain-token']]));
  const clock = new FakeClock();
  const transport = new MqttJsTransport({ clock, random: () => 0.5, logger: silentLogger() });
  t.after(async () => {
    await transport.end(true);
    await broker.close();
  });
  const errors: TransportError[] = [];
  let connects = 0;
  transport.on('error', (e) => errors.push(e));
  transport.on('connect', () => (connects += 1));
  transport.connect({ url: `mqtt://127.0.0.1:${broker.port}`, clientId: 'dev-2', username: 'enroll:dev-2', password: 'plain-token|with-a-key', altPassword: 'plain-token' });
  // No clock advance: the second password does not wait for a backoff.
  await waitFor(() => connects === 1 || undefined, 'connected with the other password');
  assert.deepEqual(errors.map((e) => e.kind), ['auth']);
  broker.dropClient('dev-2');
  await waitFor(() => errors.length === 2 || transport.connected === false || undefined, 'the drop seen');
  clock.advance(60_000);
  await waitFor(() => connects === 2 || undefined, 'reconnected');
  assert.deepEqual(errors.map((e) => e.kind).filter((k) => k === 'auth'), ['auth'], 'no second refusal: the password that worked was used again');
});

test('transport passwords: when both are refused, the next attempts wait for the backoff (no loop)', async (t) => {
  const broker = await startBroker(0, new Map());
  const clock = new FakeClock();
  const transport = new MqttJsTransport({ clock, random: () => 0.5, logger: silentLogger() });
  t.after(async () => {
    await transport.end(true);
    await broker.close();
  });
  const errors: TransportError[] = [];
  transport.on('error', (e) => errors.push(e));
  transport.connect({ url: `mqtt://127.0.0.1:${broker.port}`, clientId: 'dev-3', username: 'enroll:dev-3', password: 'wrong|key', altPassword: 'wrong' });
  await waitFor(() => errors.length === 2 || undefined, 'both passwords refused once');
  // Without the clock moving, nothing more is tried.
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(errors.length, 2);
  clock.advance(60_000);
  await waitFor(() => errors.length === 3 || undefined, 'a third attempt after the backoff');
});
