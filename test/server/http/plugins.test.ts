import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { injectableApp } from '../../helpers/http-context.js';
import { ADMIN_TOKEN } from '../../helpers/server.js';

const bearer = { authorization: `Bearer ${ADMIN_TOKEN}` };

/** A concrete URL for a route pattern (`:id` -> `x`). */
const concrete = (url: string): string => url.replace(/:[a-zA-Z]+/g, 'x');

test('HTTP plugins over a memory store (inject, no socket): public routes, one admin guard on /api/v1', async (t) => {
  const h = await injectableApp();
  t.after(h.close);

  await t.test('public routes answer without a token', async () => {
    for (const url of ['/healthz', '/metrics', '/', '/display/ada']) {
      const r = await h.app.inject({ method: 'GET', url });
      assert.equal(r.statusCode, 200, url);
    }
  });

  await t.test('every /api/v1 route needs the token, and takes it from the header', async () => {
    const admin = h.routes.filter((r) => r.url.startsWith('/api/v1/'));
    assert.ok(admin.length >= 15, `the admin routes were seen (${admin.length})`);
    for (const r of admin) {
      const res = await h.app.inject({ method: r.method as 'GET', url: concrete(r.url) });
      assert.equal(res.statusCode, 401, `${r.method} ${r.url} without a token`);
      assert.equal(res.json<{ error: { code: string } }>().error.code, 'UNAUTHORIZED');
    }
    const ok = await h.app.inject({ method: 'GET', url: '/api/v1/rooms', headers: bearer });
    assert.equal(ok.statusCode, 200);
    assert.deepEqual(ok.json<{ rooms: Array<{ id: string }> }>().rooms.map((r) => r.id), ['ada', 'grace']);
  });

  await t.test('?access_token= is refused on every admin route but the stream, even with the right token', async () => {
    const admin = h.routes.filter((r) => r.url.startsWith('/api/v1/'));
    assert.deepEqual(admin.filter((r) => r.tokenInQuery).map((r) => r.url), ['/api/v1/stream'], 'only the stream takes it');
    for (const r of admin.filter((x) => !x.tokenInQuery)) {
      const res = await h.app.inject({ method: r.method as 'GET', url: `${concrete(r.url)}?access_token=${ADMIN_TOKEN}` });
      assert.equal(res.statusCode, 401, `${r.method} ${r.url}`);
      assert.match(res.json<{ error: { message: string } }>().error.message, /access_token is taken only by the event streams/);
      // Not even together with a valid header: a token in a URL ends up in proxies' and browsers' histories.
      const both = await h.app.inject({ method: r.method as 'GET', url: `${concrete(r.url)}?access_token=${ADMIN_TOKEN}`, headers: bearer });
      assert.equal(both.statusCode, 401, `${r.method} ${r.url} with a header too`);
    }
  });

  await t.test('a booking through the routes reaches the room and the MQTT side', async () => {
    const before = h.published.length;
    const r = await h.app.inject({ method: 'POST', url: '/api/v1/meetings', headers: bearer, payload: { room: 'ada' } });
    assert.equal(r.statusCode, 201, r.body);
    const room = await h.app.inject({ method: 'GET', url: '/api/v1/rooms/ada', headers: bearer });
    assert.equal(room.json<{ state: { status: string } }>().state.status, 'busy');
    assert.ok(h.published.slice(before).some((p) => p.name === 'roomState'), 'the new state was published');
  });
});

test('HTTP plugins: a refusal with access_token in its URL logs no token', async (t) => {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
  const secret = `${ADMIN_TOKEN}`;
  const h = await injectableApp({ log: pino({ level: 'debug' }, sink) });
  t.after(h.close);

  const refusals = [
    { method: 'GET', url: `/api/v1/rooms?access_token=${secret}` },
    { method: 'GET', url: `/api/v1/rooms/nope?access_token=${secret}` },
    { method: 'GET', url: `/nowhere?access_token=${secret}` },
    { method: 'POST', url: `/api/v1/meetings?access_token=${secret}&x=1`, payload: '{not json' },
    { method: 'GET', url: `/api/v1/meetings?room=nope&access_token=${secret}`, headers: bearer },
  ] as const;
  for (const r of refusals) {
    const res = await h.app.inject({ ...r, headers: { 'content-type': 'application/json', ...('headers' in r ? r.headers : {}) } });
    assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${r.url}: ${res.statusCode}`);
  }
  const logged = lines.join('');
  assert.ok(lines.length >= 4, `the refusals were logged (${lines.length} lines)`);
  assert.match(logged, /"url":"\/api\/v1\/rooms\?\[redacted\]"/);
  assert.equal(logged.includes(secret), false, 'the token is in no log line');
});
