import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import mqtt from 'mqtt';
import { FakeClock } from '../../shared/clock.js';
import { sha256Hex } from '../../server/security/secrets.js';
import { api, startTestServer } from '../helpers/server.js';
import { until } from '../helpers/wait.js';

/** A logger whose lines the test can read. */
function capturingLogger(): { logger: pino.Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { logger: pino({ level: 'debug' }, sink), lines };
}

const GARBAGE: Array<[string, string]> = [
  ['not JSON', '{"oops'],
  ['JSON of the wrong shape', '{"model": 42}'],
  ['an array', '[1,2,3]'],
  ['empty', ''],
  ['binary', '\u0000\u0001\u00ff'],
];

test('malformed device messages are refused with a logged reason; the server keeps running', async (t) => {
  const clock = new FakeClock('2026-03-02T09:07:00Z');
  const { logger, lines } = capturingLogger();
  const { server, base, cleanup } = await startTestServer({ clock, logger });
  t.after(cleanup);

  // A device that is approved, assigned and holds its secret.
  const secret = 'device-secret-for-the-bad-input-test-000000';
  server.store.devices.getOrCreatePending('door-x', null, null);
  server.store.devices.approve('door-x');
  server.store.devices.assignRoom('door-x', 'ada');
  server.store.devices.setSecretHash('door-x', sha256Hex(secret));
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${server.mqttPort}`, { clientId: 'door-x', username: 'door-x', password: secret, reconnectPeriod: 0 });
  t.after(() => client.endAsync());
  const responses: string[] = [];
  await client.subscribeAsync('doorplate/devices/door-x/response/+');
  client.on('message', (_topic, payload) => responses.push(payload.toString()));

  const topics = ['hello', 'availability', 'request/book', 'request/extend', 'request/end', 'request/checkin'].map((s) => `doorplate/devices/door-x/${s}`);
  const before = server.devices.refusedCount();
  let sent = 0;
  for (const topic of topics) {
    for (const [, payload] of GARBAGE) {
      // Plain words are valid availability payloads only when they are `online` / `offline`.
      await client.publishAsync(topic, payload, { qos: 1 });
      sent++;
    }
  }
  await until(() => server.devices.refusedCount() - before === sent, `${sent} refusals`);
  const refusals = lines.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('refused '));
  assert.equal(refusals.length, sent);
  for (const r of refusals) {
    assert.equal(r.device, 'door-x');
    assert.match(String(r.reason), /: /, 'the reason says where: `path: message`');
  }
  assert.ok(refusals.some((r) => /payload: not JSON/.test(String(r.reason))));
  assert.ok(refusals.some((r) => /^model: /.test(String(r.reason))));
  assert.equal(responses.length, 0, 'nothing acted on a malformed request');

  // An expired request is refused, not replayed.
  await client.publishAsync('doorplate/devices/door-x/request/book', JSON.stringify({ transaction: 'tx-expired-0001', pressedAt: '2026-03-02T08:00:00Z', expiresAt: '2026-03-02T08:01:00Z' }), { qos: 1 });
  await until(() => responses.length === 1, 'the refusal of the expired request');
  assert.equal((JSON.parse(responses[0] ?? '{}') as { error: { code: string } }).error.code, 'REQUEST_EXPIRED');
  assert.equal(server.store.events.listForRoom('ada').length, 0);

  // Still running: a valid request books the room.
  await client.publishAsync('doorplate/devices/door-x/request/book', JSON.stringify({ transaction: 'tx-valid-00001', pressedAt: '2026-03-02T09:07:00Z', expiresAt: '2026-03-02T09:08:00Z' }), { qos: 1 });
  await until(() => responses.length === 2, 'the answer to the valid request');
  assert.equal((JSON.parse(responses[1] ?? '{}') as { status: string }).status, 'ok');
  assert.equal((await fetch(`${base}/healthz`)).status, 200);
});

const ROUTES: Array<{ method: string; path: string; body?: string; status: number; where?: RegExp }> = [
  { method: 'POST', path: '/api/v1/meetings', body: '{"room":', status: 400 },
  { method: 'POST', path: '/api/v1/meetings', body: '[]', status: 400, where: /body/ },
  { method: 'POST', path: '/api/v1/meetings', body: '{"room":"ada","durationMins":"long"}', status: 400, where: /body\.durationMins/ },
  { method: 'POST', path: '/api/v1/meetings', body: '{"room":"ada","start":"tomorrow","end":"later","title":"x"}', status: 400, where: /body\.start/ },
  { method: 'POST', path: '/api/v1/meetings', body: '{"room":"nowhere"}', status: 404 },
  { method: 'PATCH', path: '/api/v1/meetings/ada~x', body: '{"extendMins":', status: 400 },
  { method: 'PATCH', path: '/api/v1/meetings/ada~x', body: '{"extendMins":-5}', status: 400, where: /body\.extendMins/ },
  { method: 'PATCH', path: '/api/v1/meetings/no-separator', body: '{"end":"now"}', status: 404 },
  { method: 'DELETE', path: '/api/v1/meetings/ada~nothing', status: 404 },
  { method: 'POST', path: '/api/v1/meetings/ada~nothing/checkin', body: '{', status: 400 },
  { method: 'GET', path: '/api/v1/meetings', status: 400, where: /query\.room/ },
  { method: 'GET', path: '/api/v1/meetings?room=nowhere', status: 404 },
  { method: 'GET', path: '/api/v1/rooms/nowhere', status: 404 },
  { method: 'GET', path: '/api/v1/devices/bad%20id', status: 400, where: /params\.id/ },
  { method: 'POST', path: '/api/v1/devices/nobody/approve', status: 404 },
  { method: 'PUT', path: '/api/v1/devices/nobody/room', body: '{"room":', status: 400 },
  { method: 'PUT', path: '/api/v1/devices/nobody/room', body: '{"room":5}', status: 400, where: /body\.room/ },
  { method: 'DELETE', path: '/api/v1/devices/bad%2Fid', status: 400 },
  { method: 'POST', path: '/api/v1/meetings', body: `{"room":"ada","title":"${'x'.repeat(70_000)}"}`, status: 413 },
];

test('malformed REST bodies, queries and ids are refused with what and where', async (t) => {
  const { logger, lines } = capturingLogger();
  const { base, cleanup } = await startTestServer({ logger });
  t.after(cleanup);
  for (const r of ROUTES) {
    const res = await api(base, r.method, r.path, r.body);
    assert.equal(res.status, r.status, `${r.method} ${r.path} ${r.body?.slice(0, 40) ?? ''}`);
    const err = (res.json as { error?: { code: string; message: string } }).error;
    assert.ok(err?.code && err.message, `${r.method} ${r.path}: an error body`);
    if (r.where) assert.match(err.message, r.where);
  }
  assert.ok(lines.filter((l) => String(l.msg).startsWith('refused')).length >= ROUTES.length, 'each refusal is logged');
  assert.equal((await fetch(`${base}/healthz`)).status, 200);
});
