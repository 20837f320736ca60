import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { WebhookServer, type WebhookRequest } from '../../../server/webhooks/webhook-server.js';
import { selfSignedCert } from '../providers/google/tls.js';
import { until } from '../../helpers/wait.js';

function post(url: string, ca: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', ca, headers: { 'content-length': String(Buffer.byteLength(body)), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('webhook listener: fastify over HTTPS with the API\'s error contract; bodies as sent; no query string in its logs', async (t) => {
  const tls = selfSignedCert();
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
  const seen: WebhookRequest[] = [];
  let afterRan = 0;
  const hooks = new WebhookServer({
    host: '127.0.0.1',
    port: 0,
    keyPath: tls.keyPath,
    certPath: tls.certPath,
    log: pino({ level: 'debug' }, sink),
    routes: {
      '/webhooks/echo': (req) => {
        seen.push(req);
        return { status: 202, after: async () => void afterRan++ };
      },
      '/webhooks/validate': (req) => ({ status: 200, body: req.query.get('validationToken') ?? '', contentType: 'text/plain' }),
      '/webhooks/broken': () => {
        throw new Error('the handler broke');
      },
    },
  });
  await hooks.start();
  t.after(async () => {
    await hooks.stop();
    tls.cleanup();
  });
  const base = `https://127.0.0.1:${hooks.port}`;

  // A JSON body reaches the handler as its exact text (it is verified on those bytes).
  const json = '{ "value": [ {"clientState": "s"} ] }';
  assert.equal((await post(`${base}/webhooks/echo?x=1`, tls.cert, json, { 'content-type': 'application/json' })).status, 202);
  assert.equal(seen[0]?.body, json);
  assert.equal(seen[0]?.query.get('x'), '1');
  // Google's notifications have no body at all.
  assert.equal((await post(`${base}/webhooks/echo`, tls.cert, '')).status, 202);
  assert.equal(seen[1]?.body, '');
  await until(() => afterRan === 2, 'the work after each answer');

  const v = await post(`${base}/webhooks/validate?validationToken=${encodeURIComponent('a b&c')}`, tls.cert, '');
  assert.deepEqual([v.status, v.type.startsWith('text/plain'), v.text], [200, true, 'a b&c']);

  const missing = await post(`${base}/webhooks/nowhere`, tls.cert, '');
  assert.equal(missing.status, 404);
  assert.equal((JSON.parse(missing.text) as { error: { code: string } }).error.code, 'NOT_FOUND');

  const broken = await post(`${base}/webhooks/broken?validationToken=secret-in-url`, tls.cert, '');
  assert.equal(broken.status, 500);
  assert.deepEqual(JSON.parse(broken.text), { error: { code: 'INTERNAL', message: 'internal error' } });

  const big = await post(`${base}/webhooks/echo`, tls.cert, 'x'.repeat(1_000_001), { 'content-type': 'application/json' });
  assert.equal(big.status, 413);
  assert.equal((JSON.parse(big.text) as { error: { code: string } }).error.code, 'PAYLOAD_TOO_LARGE');

  const logged = lines.join('');
  assert.match(logged, /the handler broke/);
  assert.equal(logged.includes('secret-in-url'), false, 'no query string in a log line');
});
