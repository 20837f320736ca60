import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplicationError, decode, FeedSchema } from '../../../server/replication/protocol.js';
import { contents, entriesSince, HASH, openStore, snapshotOf, writeSome } from './helpers.js';
import { event } from '../store/helpers.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../../../shared/clock.js';
import { Store } from '../../../server/store/store.js';
import { MIGRATIONS } from '../../../server/store/migrations/index.js';

test('every change is captured in commit order, and replaying it gives the same tables', () => {
  const leader = openStore();
  const standby = openStore();
  standby.replica.applySnapshot(snapshotOf(leader, 1));
  const id = leader.replication.storeId();
  assert.deepEqual(standby.replication.cursor(), { storeId: id, seq: 0 });

  writeSome(leader, 1);
  leader.events.upsert('ada', event({ id: 'ev-1', title: 'Renamed' }));
  leader.devices.revoke('pi-1');
  leader.events.remove('ada', 'ev-1');
  leader.settings.delete('k-1');
  const seq = standby.replica.applyEntries(entriesSince(leader, id, 0));
  assert.equal(seq, leader.replication.head());
  assert.deepEqual(contents(standby), contents(leader));
  // Applied changes are not captured again on the standby.
  assert.equal(standby.replication.head(), 0);
});

test('a snapshot then increments; a resumed standby goes on from its cursor', () => {
  const leader = openStore();
  writeSome(leader, 1);
  const standby = openStore();
  writeSome(standby, 9); // its own state is replaced entirely
  standby.replica.applySnapshot(snapshotOf(leader, 3));
  assert.deepEqual(contents(standby), contents(leader));
  const id = leader.replication.storeId();

  writeSome(leader, 2);
  const first = entriesSince(leader, id, standby.replication.cursor()?.seq ?? -1);
  standby.replica.applyEntries({ ...first, entries: first.entries.slice(0, 2) });
  // Reconnect: resume from where it stopped.
  const cursor = standby.replication.cursor();
  assert.ok(cursor);
  standby.replica.applyEntries(entriesSince(leader, id, cursor.seq));
  assert.deepEqual(contents(standby), contents(leader));
  assert.equal(standby.devices.get('pi-2')?.secretHash, HASH);
});

test('a batch that does not follow on, or from another history, is refused and nothing applied', () => {
  const leader = openStore();
  const standby = openStore();
  standby.replica.applySnapshot(snapshotOf(leader, 1));
  writeSome(leader, 1);
  const id = leader.replication.storeId();
  const all = entriesSince(leader, id, 0);
  const before = contents(standby);
  assert.throws(() => standby.replica.applyEntries({ ...all, after: 1, entries: all.entries.slice(1) }), /after: the batch follows .*@1 but this store is at .*@0/);
  assert.throws(() => standby.replica.applyEntries({ ...all, storeId: 'f'.repeat(32) }), ReplicationError);
  assert.deepEqual(contents(standby), before);
});

test('a new leader history (store id) needs a snapshot; applying one gives the standby a new store id and an empty log', () => {
  const a = openStore();
  writeSome(a, 1);
  const b = openStore();
  b.replica.applySnapshot(snapshotOf(a));
  const ownId = b.replication.storeId();
  const c = openStore();
  writeSome(c, 5);
  const cId = c.replication.storeId();
  assert.throws(() => b.replica.applyEntries(entriesSince(c, cId, 0)), /after:/);
  b.replica.applySnapshot(snapshotOf(c));
  assert.deepEqual(contents(b), contents(c));
  assert.notEqual(b.replication.storeId(), ownId);
  assert.equal(b.replication.oldest(), null);
  assert.deepEqual(b.replication.cursor(), { storeId: cId, seq: c.replication.head() });
  // A store that starts to serve forgets whose history it followed.
  b.replication.forgetCursor();
  assert.equal(b.replication.cursor(), null);
});

test('malformed payloads are refused with path: message, and a row with a wrong column applies nothing', () => {
  assert.throws(() => decode(FeedSchema, 'nope', 'feed'), /^ReplicationError: feed: not JSON/);
  assert.throws(
    () => decode(FeedSchema, JSON.stringify({ kind: 'entries', storeId: 'x', after: -1, entries: [] }), 'feed'),
    (e: unknown) => e instanceof ReplicationError && /feed\.storeId: must be 32 hex digits/.test(e.message) && /feed\.after: /.test(e.message),
  );
  assert.throws(() => decode(FeedSchema, JSON.stringify({ kind: 'entries', storeId: 'a'.repeat(32), after: 0, entries: [{ seq: 1, tbl: 'sqlite_master', op: 'insert', row: {} }] }), 'feed'), /feed\.entries\.0\.tbl: /);

  const leader = openStore();
  const standby = openStore();
  standby.replica.applySnapshot(snapshotOf(leader, 1));
  writeSome(leader, 1);
  const msg = entriesSince(leader, leader.replication.storeId(), 0);
  const bad = msg.entries.map((e, i) => (i === 3 ? { ...e, row: { ...e.row, evil: 1 } } : e));
  const before = contents(standby);
  assert.throws(() => standby.replica.applyEntries({ ...msg, entries: bad }), /^ReplicationError: entries\.3\.row: \w+ has no column evil$/);
  const missing = msg.entries.map((e, i) => (i === 0 ? { ...e, row: {} } : e));
  assert.throws(() => standby.replica.applyEntries({ ...msg, entries: missing }), /entries\.0\.row: column \w+ of \w+ is missing/);
  assert.deepEqual(contents(standby), before);
});

test('the log is pruned by count; a cursor behind the oldest entry cannot resume', () => {
  const leader = openStore();
  for (let i = 0; i < 5; i++) leader.settings.set(`k${i}`, 'v');
  assert.equal(leader.replication.head(), 5);
  assert.equal(leader.replication.reaches(0), true);
  leader.replication.prune(2);
  assert.equal(leader.replication.oldest(), 4);
  assert.equal(leader.replication.reaches(2), false);
  assert.equal(leader.replication.reaches(3), true);
  assert.equal(leader.replication.reaches(5), true);
  assert.equal(leader.replication.reaches(6), false);
  assert.equal(leader.replication.head(), 5);
});

test('the position the election compares: the epoch of the history held and the seq reached, recorded with each apply', () => {
  const leader = openStore();
  const standby = openStore();
  assert.equal(standby.replication.position(), null, 'a store that never followed nor served knows none');
  writeSome(leader, 1);
  standby.replica.applySnapshot(snapshotOf(leader), 4);
  const id = leader.replication.storeId();
  assert.deepEqual(standby.replication.position(), { epoch: 4, seq: leader.replication.head() });

  const before = leader.replication.head();
  writeSome(leader, 2);
  standby.replica.applyEntries(entriesSince(leader, id, before), 4);
  assert.ok(leader.replication.head() > before);
  assert.deepEqual(standby.replication.position(), { epoch: 4, seq: leader.replication.head() });

  // A batch refused leaves the position where it was.
  assert.throws(() => standby.replica.applyEntries({ ...entriesSince(leader, id, 0), after: 0 }, 5), /after:/);
  assert.deepEqual(standby.replication.position(), { epoch: 4, seq: leader.replication.head() });

  // The same leader leading again under a later epoch: its history goes on, under that epoch.
  const again = leader.replication.head();
  writeSome(leader, 3);
  standby.replica.applyEntries(entriesSince(leader, id, again), 6);
  assert.deepEqual(standby.replication.position(), { epoch: 6, seq: leader.replication.head() });

  // It starts to serve under epoch 7: its position is its own head from now on.
  standby.replication.forgetCursor(7);
  assert.deepEqual(standby.replication.position(), { epoch: 7, seq: 0 });
  writeSome(standby, 8);
  assert.ok(standby.replication.head() > 0);
  assert.deepEqual(standby.replication.position(), { epoch: 7, seq: standby.replication.head() });

  // Outside a fleet (no epoch known) it has no position.
  standby.replication.forgetCursor();
  assert.equal(standby.replication.position(), null);
});

test('the outbox moves with the lead: a write sent but not marked done is due on the copy, with the same provider id; a done one stays done', () => {
  const leader = openStore();
  const standby = openStore();
  standby.replica.applySnapshot(snapshotOf(leader, 1));
  const id = leader.replication.storeId();
  writeSome(leader, 1);
  // The old leader enqueued two writes; it sent both, then died before marking the second done.
  const sent = leader.outbox.enqueue({ kind: 'google.write', roomId: 'ada', payload: { op: 'insert', eventId: 'dpclientchosen1' }, notBefore: 0 });
  const inFlight = leader.outbox.enqueue({ kind: 'google.write', roomId: 'ada', payload: { op: 'insert', eventId: 'dpclientchosen2' }, notBefore: 0 });
  leader.outbox.markDone(sent);
  standby.replica.applyEntries(entriesSince(leader, id, 0));
  assert.equal(standby.outbox.get(sent)?.state, 'done', 'not sent again');
  const due = standby.outbox.due(Number.MAX_SAFE_INTEGER, 100, 'google.write');
  assert.deepEqual(
    due.map((i) => [i.id, i.kind, i.payload]),
    [[inFlight, 'google.write', { op: 'insert', eventId: 'dpclientchosen2' }]],
    'sent again once by the new leader, under the id the provider already knows (the provider answers "exists", and it is marked done)',
  );
});

test('a migration that drops a replicated column runs: capture is set aside while migrating, then made for the new columns', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'doorplate-capture-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'store.db');
  const clock = new FakeClock('2026-03-02T08:00:00Z');
  const first = Store.open({ path, clock });
  writeSome(first, 1);
  first.close();
  const dropEtag = { version: MIGRATIONS.length + 1, name: 'drop-etag', up: 'ALTER TABLE events DROP COLUMN etag;' };
  const next = Store.open({ path, clock, migrations: [...MIGRATIONS, dropEtag] });
  try {
    next.events.remove('ada', 'ev-1');
    const captured = next.replication.head();
    assert.ok(captured > 0, 'changes after the migration are captured');
  } finally {
    next.close();
  }
});
