import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type ClientHttp2Session } from 'node:http2';
import { request } from 'node:https';
import { FakeClock } from '../../../shared/clock.js';
import { ADMIN_TOKEN, api, startTestServer } from '../../helpers/server.js';

interface H2Response {
  status: number;
  headers: Record<string, unknown>;
  text: () => string;
  /** Resolves once the body so far satisfies `done` (bounded, so a broken path fails with a message). */
  until: (done: (text: string) => boolean, what: string) => Promise<void>;
  close: () => void;
}

/** An HTTP/2 GET whose body keeps accumulating (event streams never end by themselves). */
function h2Get(session: ClientHttp2Session, path: string): Promise<H2Response> {
  return new Promise((resolve, reject) => {
    const req = session.request({ ':path': path, authorization: `Bearer ${ADMIN_TOKEN}`, accept: 'text/event-stream' });
    let body = '';
    let wake: () => void = () => undefined;
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      wake();
    });
    req.on('error', reject);
    req.on('response', (h) =>
      resolve({
        status: Number(h[':status']),
        headers: h,
        text: () => body,
        until: async (done, what) => {
          const deadline = Date.now() + 10_000;
          while (!done(body)) {
            const left = deadline - Date.now();
            if (left <= 0) throw new Error(`timed out waiting for ${what}`);
            await new Promise<void>((r) => {
              const t = setTimeout(r, left);
              wake = () => {
                clearTimeout(t);
                r();
              };
            });
          }
        },
        close: () => req.close(),
      }),
    );
  });
}

test('HTTPS with HTTP/2: many event streams on one connection, HTTP/1.1 still answered', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'doorplate-h2-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
  const ca = readFileSync(cert);

  const clock = new FakeClock('2026-03-02T09:07:00Z');
  const { server, cleanup } = await startTestServer({ clock, config: { server: { http: { host: '127.0.0.1', port: 0, tls: { key, cert } } } } });
  t.after(cleanup);
  const origin = `https://127.0.0.1:${server.httpPort}`;

  const session = connect(origin, { ca });
  t.after(() => session.close());
  await new Promise<void>((resolve, reject) => session.once('connect', () => resolve()).once('error', reject));
  assert.equal(session.alpnProtocol, 'h2');

  // Three streams at once on the one connection, each starting with its snapshot.
  const streams = await Promise.all([1, 2, 3].map(() => h2Get(session, '/api/v1/stream')));
  for (const s of streams) {
    assert.equal(s.status, 200);
    assert.match(String(s.headers['content-type']), /^text\/event-stream/);
    await s.until((text) => /event: snapshot\ndata: .*\n\n/.test(text), 'the snapshot');
    assert.match(s.text(), /^retry: \d+\n\n/);
    assert.match(s.text(), /event: snapshot\ndata: \{"reason":"initial"/);
  }
  assert.equal(server.streams.size, 3);

  // Heartbeats and changes reach every stream over HTTP/2 too.
  clock.advance(15_000);
  for (const s of streams) await s.until((text) => text.includes(': heartbeat 2026-03-02T09:07:15'), 'a heartbeat');
  const notice = await new Promise<number>((resolve, reject) => {
    const req = session.request({ ':method': 'POST', ':path': '/api/v1/notify', authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' });
    req.on('response', (h) => resolve(Number(h[':status'])));
    req.on('error', reject);
    req.end(JSON.stringify({ name: 'h2', message: 'Over HTTP/2', toAll: true }));
  });
  assert.equal(notice, 201);
  for (const s of streams) await s.until((text) => text.includes('event: notify\n') && text.includes('Over HTTP/2'), 'the notify change');
  for (const s of streams) s.close();

  // The kiosk page comes over HTTP/2 as well.
  const page = await h2Get(session, '/display/ada');
  assert.equal(page.status, 200);
  await page.until((text) => text.includes('</html>'), 'the whole page');
  assert.match(page.text(), /<title>Ada Lovelace<\/title>/);

  // An HTTP/1.1 client (no ALPN h2) is still answered.
  const h1 = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(`${origin}/api/v1/rooms`, { ca, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
  assert.equal(h1.status, 200);
  assert.deepEqual((JSON.parse(h1.body) as { rooms: Array<{ id: string }> }).rooms.map((r) => r.id), ['ada', 'grace']);
  // Plain HTTP is not served on the TLS port.
  await assert.rejects(api(`http://127.0.0.1:${server.httpPort}`, 'GET', '/healthz'));
});
