import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../shared/clock.js';
import { api, startTestServer } from '../../helpers/server.js';

type Json = Record<string, unknown>;

test('REST: health, auth, rooms, book now, conflicts, idempotency, bad input', async (t) => {
  // 10:07 in Berlin on a Monday.
  const clock = new FakeClock('2026-03-02T09:07:00Z');
  const { server, base, cleanup } = await startTestServer({ clock });
  t.after(cleanup);

  await t.test('healthz is public and reports its parts', async () => {
    const r = await fetch(`${base}/healthz`);
    assert.equal(r.status, 200);
    const j = (await r.json()) as { ok: boolean; checks: Record<string, { ok: boolean }> };
    assert.equal(j.ok, true);
    assert.deepEqual(Object.keys(j.checks).sort(), ['broker', 'mqtt', 'provider', 'store']);
  });

  await t.test('admin routes need the token', async () => {
    assert.equal((await fetch(`${base}/api/v1/rooms`)).status, 401);
    const wrong = await fetch(`${base}/api/v1/rooms`, { headers: { authorization: 'Bearer nope' } });
    assert.equal(wrong.status, 401);
    assert.deepEqual(((await wrong.json()) as Json).error, { code: 'UNAUTHORIZED', message: 'a valid bearer token is required' });
  });

  await t.test('rooms list with their state', async () => {
    const r = await api(base, 'GET', '/api/v1/rooms');
    assert.equal(r.status, 200);
    const rooms = (r.json as { rooms: Array<{ id: string; state: { status: string } }> }).rooms;
    assert.deepEqual(rooms.map((x) => x.id), ['ada', 'grace']);
    assert.equal(rooms[0]?.state.status, 'free');
    assert.equal((await api(base, 'GET', '/api/v1/rooms/nope')).status, 404);
  });

  await t.test('book now ends on a 15-minute mark and turns the room busy', async () => {
    const r = await api(base, 'POST', '/api/v1/meetings', { room: 'ada' });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    const m = (r.json as { meeting: { start: string; end: string; id: string } }).meeting;
    assert.equal(m.start, '2026-03-02T09:07:00.000Z');
    // 10:07 + 30 min = 10:37, nearest mark 10:30 (Berlin) = 09:30Z.
    assert.equal(m.end, '2026-03-02T09:30:00.000Z');
    assert.match(m.id, /^ada~/);
    const st = await api(base, 'GET', '/api/v1/meetings?room=ada');
    assert.equal((st.json as Json).busyNow, true);
    assert.equal(((st.json as Json).current as Json).id, m.id);
  });

  await t.test('a busy room answers 409 with the reason', async () => {
    const r = await api(base, 'POST', '/api/v1/meetings', { room: 'ada' });
    assert.equal(r.status, 409);
    assert.equal(((r.json as Json).error as Json).code, 'ROOM_BUSY');
  });

  await t.test('the same Idempotency-Key books once', async () => {
    const a = await api(base, 'POST', '/api/v1/meetings', { room: 'grace', durationMins: 15 }, { 'idempotency-key': 'k-1' });
    const b = await api(base, 'POST', '/api/v1/meetings', { room: 'grace', durationMins: 15 }, { 'idempotency-key': 'k-1' });
    assert.equal(a.status, 201);
    assert.equal(b.status, 201);
    assert.deepEqual(a.json, b.json);
    assert.equal(b.headers.get('idempotent-replayed'), 'true');
    const other = await api(base, 'POST', '/api/v1/meetings', { room: 'grace', durationMins: 30 }, { 'idempotency-key': 'k-1' });
    assert.equal(other.status, 422);
    const events = server.store.events.listForRoom('grace').filter((e) => e.status !== 'cancelled');
    assert.equal(events.length, 1);
  });

  await t.test('book later refuses an overlap with the conflicting meeting', async () => {
    const r = await api(base, 'POST', '/api/v1/meetings', { room: 'ada', start: '2026-03-02T09:15:00Z', end: '2026-03-02T10:00:00Z', title: 'Planning' });
    assert.equal(r.status, 409);
    assert.ok((((r.json as Json).error as Json).details as Json).conflicting);
    const ok = await api(base, 'POST', '/api/v1/meetings', { room: 'ada', start: '2026-03-02T11:00:00Z', end: '2026-03-02T12:00:00Z', title: 'Planning' });
    assert.equal(ok.status, 201);
  });

  await t.test('extend, end early, cancel', async () => {
    const cur = ((await api(base, 'GET', '/api/v1/meetings?room=ada')).json as { current: { id: string } }).current;
    const ext = await api(base, 'PATCH', `/api/v1/meetings/${encodeURIComponent(cur.id)}`, { extendMins: 30 });
    assert.equal(ext.status, 200, JSON.stringify(ext.json));
    assert.equal(((ext.json as Json).meeting as Json).end, '2026-03-02T10:00:00.000Z');
    clock.advance(10 * 60_000);
    const end = await api(base, 'PATCH', `/api/v1/meetings/${encodeURIComponent(cur.id)}`, { end: 'now' });
    assert.equal(((end.json as Json).meeting as Json).end, '2026-03-02T09:17:00.000Z');
    const later = ((await api(base, 'GET', '/api/v1/meetings?room=ada')).json as { next: Array<{ id: string }> }).next[0];
    assert.ok(later);
    assert.equal((await api(base, 'DELETE', `/api/v1/meetings/${encodeURIComponent(later.id)}`)).status, 204);
    assert.equal((await api(base, 'DELETE', '/api/v1/meetings/ada~nothing')).status, 404);
  });

  await t.test('malformed bodies are refused with what and where, and the server keeps running', async () => {
    const bad = await api(base, 'POST', '/api/v1/meetings', '{"room": ');
    assert.equal(bad.status, 400);
    assert.equal(((bad.json as Json).error as Json).code, 'BAD_REQUEST');
    const schema = await api(base, 'POST', '/api/v1/meetings', { room: 'ada', durationMins: 3 });
    assert.equal(schema.status, 400);
    assert.match(String(((schema.json as Json).error as Json).message), /body\.durationMins/);
    const extra = await api(base, 'POST', '/api/v1/meetings', { room: 'ada', surprise: true });
    assert.equal(extra.status, 400);
    const arr = await api(base, 'PUT', '/api/v1/devices/x/room', [1, 2]);
    assert.equal(arr.status, 400);
    const badId = await api(base, 'POST', '/api/v1/devices/a%2Fb/approve');
    assert.equal(badId.status, 400);
    const q = await api(base, 'GET', '/api/v1/meetings');
    assert.equal(q.status, 400);
    assert.match(String(((q.json as Json).error as Json).message), /query\.room/);
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
  });

  await t.test('metrics in Prometheus text', async () => {
    const r = await fetch(`${base}/metrics`);
    const text = await r.text();
    const rooms = [...text.matchAll(/^doorplate_rooms\{status="[a-z-]+"\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
    assert.equal(rooms, 2, 'every room counted under one status');
    assert.match(text, /^# TYPE doorplate_mqtt_clients gauge$/m);
  });
});
