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
