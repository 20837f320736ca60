import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Store } from '../../../server/store/store.js';
import { FakeClock } from '../../../shared/clock.js';
import { isDoorplateError } from '../../../shared/errors.js';

function open(): { store: Store; clock: FakeClock } {
  const clock = new FakeClock('2026-03-02T08:00:00Z');
  const store = Store.open({ path: ':memory:', clock });
  store.rooms.upsertFromConfig([{ id: 'ada', name: 'Ada Lovelace' }]);
  return { store, clock };
}

test('idempotency: the first answer wins and pruning forgets old ones', () => {
  const { store, clock } = open();
  assert.equal(store.idempotency.get('device:pi-1', 'tx-1'), undefined);
  const first = store.idempotency.put('device:pi-1', 'tx-1', { requestHash: 'h1', statusCode: 201, response: { id: 'bk1' } });
  assert.deepEqual(first, { state: 'done', requestHash: 'h1', statusCode: 201, response: { id: 'bk1' }, createdAt: clock.now() });
  const second = store.idempotency.put('device:pi-1', 'tx-1', { requestHash: 'h2', statusCode: 409, response: null });
  assert.equal(second.requestHash, 'h1');
  assert.equal(store.idempotency.get('device:pi-2', 'tx-1'), undefined, 'keys are per scope');

  clock.advance(60_000);
  store.idempotency.put('api', 'k', { requestHash: 'h3', statusCode: 200, response: [] });
  assert.equal(store.idempotency.prune(clock.now() - 30_000), 1);
  assert.equal(store.idempotency.get('device:pi-1', 'tx-1'), undefined);
  const kept = store.idempotency.get('api', 'k');
  assert.deepEqual(kept?.state === 'done' ? kept.response : undefined, []);
  store.close();
});

test('changes: ids only grow, since() pages, pruning by count and age keeps latestId', () => {
  const { store, clock } = open();
  assert.equal(store.changes.latestId(), 0);
  assert.equal(store.changes.oldestId(), null);
  const ids: number[] = [];
  for (let i = 0; i < 5; i++) {
    ids.push(store.changes.append({ kind: 'room.events', roomId: 'ada', payload: { n: i } }));
    clock.advance(1000);
  }
  ids.push(store.changes.append({ kind: 'device.status', deviceId: 'pi-1' }));
  assert.deepEqual(ids, [1, 2, 3, 4, 5, 6]);
  const page = store.changes.since(2, 2);
  assert.deepEqual(
    page.map((c) => [c.id, c.payload]),
    [
      [3, { n: 2 }],
      [4, { n: 3 }],
    ],
  );
  assert.equal(page[0]?.roomId, 'ada');
  assert.equal(page[0]?.deviceId, null);
  const last = store.changes.since(5)[0];
  assert.deepEqual([last?.kind, last?.deviceId, last?.payload], ['device.status', 'pi-1', null]);

  // Older than 2.5 s at now: ids 1-3 (at 0, 1 s, 2 s after start) go.
  assert.equal(store.changes.prune({ maxAgeMs: 2500 }), 3);
  assert.equal(store.changes.oldestId(), 4);
  assert.equal(store.changes.prune({ maxCount: 1 }), 2);
  assert.equal(store.changes.oldestId(), 6);
  assert.equal(store.changes.prune({ maxCount: 0 }), 1);
  assert.equal(store.changes.oldestId(), null);
  assert.equal(store.changes.latestId(), 6);
  assert.equal(store.changes.append({ kind: 'x' }), 7, 'ids are never reused');
  store.close();
});

test('outbox: due items in order, failures with backoff, give up, retry, done', () => {
  const { store, clock } = open();
  const t0 = clock.now();
  const a = store.outbox.enqueue({ kind: 'mail', roomId: 'ada', payload: { to: 'a@example.com' } });
  const b = store.outbox.enqueue({ kind: 'mail', payload: { to: 'b@example.com' }, notBefore: t0 + 60_000 });
  const c = store.outbox.enqueue({ kind: 'provider-write', payload: {} });
  assert.deepEqual(
    store.outbox.due(t0).map((i) => i.id),
    [a, c],
  );
  assert.deepEqual(
    store.outbox.due(t0, 10, 'mail').map((i) => i.id),
    [a],
  );
  assert.equal(store.outbox.nextDueAt(), t0);

  store.outbox.markFailed(a, 'SMTP 451 try later', t0 + 30_000);
  const failed = store.outbox.get(a);
  assert.deepEqual([failed?.attempts, failed?.lastError, failed?.nextAttemptAt, failed?.state], [1, 'SMTP 451 try later', t0 + 30_000, 'pending']);
  assert.deepEqual(
    store.outbox.due(t0 + 30_000).map((i) => i.id),
    [c, a],
  );

  store.outbox.markDone(c);
  assert.equal(store.outbox.get(c)?.state, 'done');
  assert.equal(store.outbox.get(c)?.doneAt, t0);
  store.outbox.markFailed(c, 'late failure', t0 + 1);
  assert.equal(store.outbox.get(c)?.state, 'done', 'a finished item stays finished');

  store.outbox.markFailed(b, 'mailbox unavailable', null);
  assert.equal(store.outbox.get(b)?.state, 'failed');
  assert.deepEqual(
    store.outbox.list({ state: 'failed' }).map((i) => i.id),
    [b],
  );
  assert.deepEqual(store.outbox.due(t0 + 3_600_000).map((i) => i.id), [a]);
  clock.advance(10);
  store.outbox.retry(b);
  assert.equal(store.outbox.get(b)?.nextAttemptAt, t0 + 10);
  assert.equal(store.outbox.get(b)?.state, 'pending');

  assert.throws(() => store.outbox.markDone(999), (e: unknown) => isDoorplateError(e) && e.code === 'NOT_FOUND');
  assert.equal(store.outbox.remove(a), true);
  assert.equal(store.outbox.pruneDone(t0 + 1), 1);
  assert.deepEqual(
    store.outbox.list().map((i) => i.id),
    [b],
  );
  store.close();
});

test('settings, sync state, push channels and notices', () => {
  const { store, clock } = open();
  assert.equal(store.settings.get('k'), null);
  store.settings.set('k', 'v1');
  store.settings.set('k', 'v2');
  assert.equal(store.settings.get('k'), 'v2');
  assert.equal(store.settings.delete('k'), true);

  assert.equal(store.syncState.get('ada', 'google'), null);
  store.syncState.set('ada', 'google', 'token-1', { full: true });
  const fullAt = clock.now();
  clock.advance(1000);
  store.syncState.set('ada', 'google', 'token-2');
  assert.deepEqual(store.syncState.get('ada', 'google'), { roomId: 'ada', provider: 'google', token: 'token-2', fullSyncAt: fullAt, updatedAt: clock.now() });
  assert.equal(store.syncState.list('google').length, 1);
  assert.equal(store.syncState.list('microsoft').length, 0);
  assert.equal(store.syncState.clear('ada', 'google'), true);
  assert.equal(store.syncState.get('ada', 'google'), null);

  store.pushChannels.add({ id: 'ch-2', roomId: 'ada', provider: 'google', resourceId: 'res', tokenHash: 'f'.repeat(64), expiresAt: clock.now() + 7_200_000 });
  store.pushChannels.add({ id: 'ch-1', roomId: 'ada', provider: 'google', expiresAt: clock.now() + 3_600_000 });
  assert.deepEqual(
    store.pushChannels.list({ roomId: 'ada' }).map((c) => c.id),
    ['ch-1', 'ch-2'],
  );
  assert.deepEqual(
    store.pushChannels.expiringBefore(clock.now() + 5_000_000).map((c) => c.id),
    ['ch-1'],
  );
  assert.equal(store.pushChannels.setExpiry('ch-1', clock.now() + 9_000_000), true);
  assert.equal(store.pushChannels.get('ch-2')?.resourceId, 'res');
  assert.equal(store.pushChannels.remove('ch-2'), true);
  assert.equal(store.pushChannels.get('ch-2'), null);

  store.notices.add({ id: 'n1', name: 'drill', message: 'Fire drill', from: 'Facilities', targets: { all: false, rooms: ['ada'], devices: [] }, expiresAt: clock.now() + 1000 });
  store.notices.add({ id: 'n2', name: 'info', message: 'Coffee in the kitchen', targets: { all: true, rooms: [], devices: [] } });
  assert.deepEqual(store.notices.get('n1')?.targets, { all: false, rooms: ['ada'], devices: [] });
  assert.equal(store.notices.get('n1')?.from, 'Facilities');
  assert.equal(store.notices.active().length, 2);
  clock.advance(1000);
  assert.deepEqual(
    store.notices.active().map((n) => n.id),
    ['n2'],
  );
  assert.equal(store.notices.pruneExpired(), 1);
  assert.equal(store.notices.remove('n2'), true);
  store.close();
});

test('presence changes are pruned by age, keeping each room the state its report starts in', () => {
  const store = Store.open({ path: ':memory:', clock: new FakeClock() });
  store.rooms.upsertFromConfig([
    { id: 'ada', name: 'Ada' },
    { id: 'grace', name: 'Grace' },
  ]);
  store.presence.record('ada', 1000, 'present');
  store.presence.record('ada', 2000, 'absent');
  store.presence.record('ada', 9000, 'present');
  store.presence.record('grace', 1500, 'present');
  assert.equal(store.presence.pruneBefore(5000), 1, "ada's first change goes; each room's last before the cut stays");
  assert.deepEqual(store.presence.list('ada', 5000, 10_000), [
    { roomId: 'ada', at: 2000, state: 'absent' },
    { roomId: 'ada', at: 9000, state: 'present' },
  ]);
  assert.deepEqual(store.presence.list('grace', 5000, 10_000), [{ roomId: 'grace', at: 1500, state: 'present' }]);
  assert.equal(store.presence.pruneBefore(5000), 0);
  store.close();
});
