import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../shared/clock.js';
import { ADMIN_TOKEN, api, startTestServer } from '../../helpers/server.js';
import { until } from '../../helpers/wait.js';
import { SseReader } from './sse-reader.js';

type Json = Record<string, unknown>;
interface ChangeData {
  id: number;
  kind: string;
  roomId: string | null;
  payload: { state?: { status: string }; agenda?: { events: unknown[] } };
}
interface SnapshotData {
  reason: string;
  detail?: string;
  id: number;
  rooms: Array<{ id: string; state: { status: string } | null; agenda: { events: unknown[] } | null }>;
  devices: unknown[];
}

const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

test('live stream: snapshot, live changes, resume with Last-Event-ID, resync, heartbeats', async (t) => {
  // 10:07 in Berlin on a Monday.
  const clock = new FakeClock('2026-03-02T09:07:00Z');
  const { server, base, cleanup } = await startTestServer({ clock });
  const readers: SseReader[] = [];
  t.after(async () => {
    for (const r of readers) r.close();
    await cleanup();
  });
  const open = async (query = '', headers: Record<string, string> = auth): Promise<SseReader> => {
    const r = await SseReader.open(`${base}/api/v1/stream${query}`, headers);
    readers.push(r);
    return r;
  };
  /** Waits until the server appended the changes of a request (publishing happens after the answer). */
  const settled = async (after: number): Promise<number> => {
    await until(() => server.store.changes.latestId() > after, 'the change to be logged');
    return server.store.changes.latestId();
  };

  await t.test('needs the admin token, in the header or as access_token', async () => {
    const none = await open('', {});
    assert.equal(none.status, 401);
    assert.equal((JSON.parse(none.body ?? '{}') as { error: Json }).error.code, 'UNAUTHORIZED');
    const wrong = await open('?access_token=nope', {});
    assert.equal(wrong.status, 401);
    const viaQuery = await open(`?access_token=${ADMIN_TOKEN}`, {});
    assert.equal(viaQuery.status, 200);
    assert.match(viaQuery.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.equal((await viaQuery.next('the snapshot')).event, 'snapshot');
    viaQuery.close();
  });

  let lastSeen = 0;
  await t.test('the first event is a snapshot carrying the latest change id', async () => {
    const s = await open();
    const snap = await s.nextJson<SnapshotData>('the snapshot');
    assert.equal(snap.event, 'snapshot');
    assert.equal(snap.data.reason, 'initial');
    assert.equal(snap.data.id, server.store.changes.latestId());
    assert.equal(snap.id, String(snap.data.id));
    assert.deepEqual(snap.data.rooms.map((r) => [r.id, r.state?.status]), [['ada', 'free'], ['grace', 'free']]);
    assert.ok(snap.data.rooms.every((r) => Array.isArray(r.agenda?.events)));
    assert.deepEqual(snap.data.devices, []);

    // A booking through the REST API reaches the open stream as a room change with its id.
    const before = server.store.changes.latestId();
    const booked = await api(base, 'POST', '/api/v1/meetings', { room: 'ada', title: 'Stand-up' });
    assert.equal(booked.status, 201);
    const ch = await s.nextJson<ChangeData>('the booking');
    assert.equal(ch.event, 'room');
    assert.equal(ch.data.kind, 'room');
    assert.equal(ch.data.roomId, 'ada');
    assert.ok(ch.data.id > before);
    assert.equal(ch.id, String(ch.data.id));
    assert.equal(ch.data.payload.state?.status, 'busy');
    assert.equal(ch.data.payload.agenda?.events.length, 1);
    lastSeen = ch.data.id;
    s.close();
  });

  await t.test('a client that reconnects with Last-Event-ID gets exactly the changes it missed, in order', async () => {
    let latest = server.store.changes.latestId();
    assert.equal(latest, lastSeen);
    // Changes while nobody listens: two bookings and an extension, in two rooms.
    assert.equal((await api(base, 'POST', '/api/v1/meetings', { room: 'grace', durationMins: 15 })).status, 201);
    latest = await settled(latest);
    assert.equal((await api(base, 'POST', '/api/v1/meetings', { room: 'ada', start: '2026-03-02T12:00:00Z', end: '2026-03-02T13:00:00Z', title: 'Review' })).status, 201);
    latest = await settled(latest);
    const cur = ((await api(base, 'GET', '/api/v1/meetings?room=ada')).json as { current: { id: string } }).current;
    assert.equal((await api(base, 'PATCH', `/api/v1/meetings/${encodeURIComponent(cur.id)}`, { extendMins: 15 })).status, 200);
    latest = await settled(latest);
    const missed = server.store.changes.since(lastSeen);
    assert.ok(missed.length >= 3, `expected at least 3 missed changes, got ${missed.length}`);

    const s = await open('', { ...auth, 'last-event-id': String(lastSeen) });
    const got: ChangeData[] = [];
    for (let i = 0; i < missed.length; i++) got.push((await s.nextJson<ChangeData>(`missed change ${i + 1}`)).data);
    assert.deepEqual(
      got.map((c) => [c.id, c.kind, c.roomId]),
      missed.map((c) => [c.id, c.kind, c.roomId]),
    );
    assert.deepEqual(got.map((c) => c.payload), missed.map((c) => c.payload));

    // Nothing else was queued: the next event is the next change made now, not a snapshot or a repeat.
    const cancel = await api(base, 'DELETE', `/api/v1/meetings/${encodeURIComponent(cur.id)}`);
    assert.ok(cancel.status === 200 || cancel.status === 204, JSON.stringify(cancel.json));
    const next = await s.nextJson<ChangeData>('the change made after resuming');
    assert.equal(next.data.id, latest + 1);
    assert.equal(next.data.roomId, 'ada');
    lastSeen = next.data.id;
    s.close();
  });

  await t.test('?since= resumes the same way; the latest id means nothing was missed', async () => {
    const latest = server.store.changes.latestId();
    const s = await open(`?since=${latest}`);
    const later = await api(base, 'POST', '/api/v1/meetings', { room: 'ada', start: '2026-03-02T14:00:00Z', end: '2026-03-02T14:30:00Z', title: 'Later' });
    assert.equal(later.status, 201, JSON.stringify(later.json));
    const next = await s.nextJson<ChangeData>('the next change');
    assert.equal(next.event, 'room');
    assert.equal(next.data.id, latest + 1);
    s.close();
    const again = await open(`?since=${latest}`);
    assert.equal((await again.nextJson<ChangeData>('the one missed change')).data.id, latest + 1);
    again.close();
  });

  await t.test('an id older than the kept log, newer than the latest, or not an id gets a resync snapshot', async () => {
    const old = lastSeen - 1;
    server.store.changes.prune({ maxCount: 1 });
    const oldest = server.store.changes.oldestId();
    assert.ok(oldest === null || old < oldest - 1, `change ${old} should be gone (oldest kept: ${oldest})`);
    for (const [id, detail] of [
      [String(old), /older than the kept log/],
      [String(server.store.changes.latestId() + 5), /newer than the latest/],
      ['abc', /not a change id/],
    ] as const) {
      const s = await open('', { ...auth, 'last-event-id': id });
      const snap = await s.nextJson<SnapshotData>(`the resync snapshot for ${id}`);
      assert.equal(snap.event, 'snapshot');
      assert.equal(snap.data.reason, 'resync');
      assert.match(snap.data.detail ?? '', detail);
      assert.equal(snap.data.id, server.store.changes.latestId());
      // The snapshot shows the room as the log has it: free again since the stand-up was cancelled.
      assert.equal(snap.data.rooms.find((r) => r.id === 'ada')?.state?.status, 'free');
      s.close();
    }
  });

  await t.test('heartbeats are comment lines every 15 s of the clock', async () => {
    const s = await open();
    await s.next('the snapshot');
    clock.advance(15_000);
    assert.match(await s.nextComment('the first heartbeat'), /^heartbeat 2026-03-02T09:07:15/);
    clock.advance(15_000);
    assert.match(await s.nextComment('the second heartbeat'), /^heartbeat 2026-03-02T09:07:30/);
    assert.deepEqual(s.queuedEvents(), []);
    s.close();
  });

  await t.test('the log is pruned on the clock: changes older than the kept age go', async () => {
    const before = server.store.changes.latestId();
    assert.ok(server.store.changes.oldestId() !== null);
    // The next day: everything logged yesterday is past the 24 h default.
    await clock.advanceAsync(25 * 3_600_000);
    const oldest = server.store.changes.oldestId();
    assert.ok(oldest === null || oldest > before, `oldest ${oldest} should be after ${before}`);
    const s = await open('', { ...auth, 'last-event-id': String(before - 1) });
    assert.equal((await s.nextJson<SnapshotData>('the resync snapshot')).data.reason, 'resync');
    s.close();
  });

  await t.test('stopping the server ends open streams', async () => {
    const s = await open();
    await s.next('the snapshot');
    assert.ok(server.streams.size >= 1);
    server.streams.stop();
    const end = await s.nextJson<{ reason: string }>('the end event');
    assert.equal(end.event, 'end');
    assert.equal(end.data.reason, 'shutdown');
    await s.waitEnd();
  });
});

test('live stream: a rotated admin token ends its streams at once', async (t) => {
  const clock = new FakeClock('2026-03-02T09:07:00Z');
  const { server, base, dataDir, cleanup } = await startTestServer({ clock });
  t.after(cleanup);
  const a = await SseReader.open(`${base}/api/v1/stream`, auth);
  const b = await SseReader.open(`${base}/api/v1/stream?access_token=${ADMIN_TOKEN}`);
  t.after(() => {
    a.close();
    b.close();
  });
  await a.next('snapshot a');
  await b.next('snapshot b');

  const rotated = await api(base, 'POST', '/api/v1/admin-token/rotate');
  assert.equal(rotated.status, 201);
  const token = (rotated.json as { token: string }).token;
  assert.match(token, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(rotated.headers.get('cache-control'), 'no-store');

  for (const s of [a, b]) {
    const end = await s.nextJson<{ reason: string }>('the end event');
    assert.equal(end.event, 'end');
    assert.equal(end.data.reason, 'unauthorized');
    await s.waitEnd();
  }
  // The old token opens nothing; the new one works and is what the token file now holds.
  assert.equal((await api(base, 'GET', '/api/v1/rooms')).status, 401);
  assert.equal((await SseReader.open(`${base}/api/v1/stream`, auth)).status, 401);
  assert.equal((await api(base, 'GET', '/api/v1/rooms', undefined, { authorization: `Bearer ${token}` })).status, 200);
  const { readFileSync } = await import('node:fs');
  assert.equal(readFileSync(`${dataDir}/admin-token`, 'utf8').trim(), token);
  assert.notEqual(server.store.settings.get('admin-token-hash'), null);
  assert.equal(server.adminToken, token);

  // A stream opened with the new token lives on across heartbeats, and the server method ends it too.
  const c = await SseReader.open(`${base}/api/v1/stream`, { authorization: `Bearer ${token}` });
  t.after(() => c.close());
  assert.equal((await c.next('snapshot c')).event, 'snapshot');
  clock.advance(15_000);
  assert.match(await c.nextComment('a heartbeat'), /^heartbeat/);
  server.rotateAdminToken();
  const end = await c.nextJson<{ reason: string }>('the end event');
  assert.equal(end.data.reason, 'unauthorized');
});
