import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../shared/clock.js';
import { silentLogger } from '../../../shared/logger.js';
import { LeaderFeed } from '../../../server/replication/leader-feed.js';
import { StandbyReplica } from '../../../server/replication/standby-replica.js';
import type { Store } from '../../../server/store/store.js';
import { contents, openStore, writeSome } from './helpers.js';

/**
 * A leader and standbys joined by in-memory queues instead of a broker: every message goes
 * through its JSON encoding, and delivery happens when the test says (`flush`), or is lost
 * while a standby is `down`.
 */
function rig(clock = new FakeClock()) {
  const leaderStore = openStore(clock);
  const queue: Array<() => void> = [];
  const down = new Set<string>();
  const replicas = new Map<string, StandbyReplica>();
  const feed = new LeaderFeed({
    log: leaderStore.replication,
    clock,
    logger: silentLogger(),
    maxBytes: 2000,
    send: (nodeId, msg) => {
      const body = JSON.stringify(msg);
      queue.push(() => {
        if (!down.has(nodeId)) replicas.get(nodeId)?.feed(body);
      });
    },
  });
  const standby = (nodeId: string, store: Store = openStore(clock)) => {
    const replica = new StandbyReplica({
      store,
      clock,
      log: silentLogger(),
      send: (kind, msg) => {
        const body = JSON.stringify(msg);
        queue.push(() => {
          if (!down.has(nodeId)) feed.receive(nodeId, kind, body);
        });
      },
    });
    replicas.set(nodeId, replica);
    return { store, replica };
  };
  const flush = () => {
    for (let i = 0; queue.length > 0 && i < 10_000; i++) queue.shift()?.();
  };
  return { clock, leaderStore, feed, standby, flush, down };
}

test('a joining standby gets a snapshot in chunks, then every new change', () => {
  const r = rig();
  for (let i = 1; i <= 20; i++) writeSome(r.leaderStore, i);
  r.feed.start();
  const b = r.standby('b');
  b.replica.connected();
  r.flush();
  assert.deepEqual(contents(b.store), contents(r.leaderStore));
  assert.ok(b.replica.messagesApplied >= 1);
  writeSome(r.leaderStore, 21);
  r.clock.advance(50);
  r.flush();
  assert.deepEqual(contents(b.store), contents(r.leaderStore));
  assert.deepEqual(r.feed.standbys().map((s) => [s.nodeId, s.connected, s.lagEntries, s.syncing]), [['b', true, 0, false]]);
  r.feed.stop();
});

test('a standby cut off resumes from its cursor without a snapshot', () => {
  const r = rig();
  r.feed.start();
  const b = r.standby('b');
  b.replica.connected();
  r.flush();
  writeSome(r.leaderStore, 1);
  r.clock.advance(50);
  r.flush();
  r.down.add('b');
  writeSome(r.leaderStore, 2);
  r.clock.advance(50);
  r.flush();
  assert.ok((r.feed.standbys()[0]?.lagEntries ?? 0) > 0, 'behind while cut off');
  const ownId = b.store.replication.storeId();
  r.down.delete('b');
  b.replica.connected();
  r.flush();
  assert.deepEqual(contents(b.store), contents(r.leaderStore));
  // No snapshot: a snapshot would have given the standby's store a new id.
  assert.equal(b.store.replication.storeId(), ownId);
  r.feed.stop();
});

test('a booking waits for one standby to hold it; with none connected, or on timeout, it goes on', async () => {
  const r = rig();
  r.feed.start();
  assert.equal(await r.feed.waitReplicated(2000), 'no_standby');
  const b = r.standby('b');
  b.replica.connected();
  r.flush();
  writeSome(r.leaderStore, 1);
  const waiting = r.feed.waitReplicated(2000);
  r.flush();
  assert.equal(await waiting, 'acked');
  r.down.add('b');
  writeSome(r.leaderStore, 2);
  const lost = r.feed.waitReplicated(2000);
  r.flush();
  r.clock.advance(2000);
  assert.equal(await lost, 'timeout');
  // Not heard from for long: no longer counted, a booking no longer waits for it.
  r.clock.advance(20_000);
  assert.equal(r.feed.standbys()[0]?.connected, false);
  assert.equal(await r.feed.waitReplicated(2000), 'no_standby');
  r.feed.stop();
});

test('with a majority asked (3 serving nodes: one standby), a change no standby holds is not acknowledged', async () => {
  const r = rig();
  r.feed.start();
  const alone = r.feed.waitReplicated(2000, 1);
  r.clock.advance(2000);
  assert.equal(await alone, 'no_quorum', 'no standby at all: the leader alone is not a majority');
  const b = r.standby('b');
  b.replica.connected();
  r.flush();
  writeSome(r.leaderStore, 1);
  const held = r.feed.waitReplicated(2000, 1);
  r.flush();
  assert.equal(await held, 'acked');
  // The link is cut: b is still counted as connected, but never acks.
  r.down.add('b');
  writeSome(r.leaderStore, 2);
  const cut = r.feed.waitReplicated(2000, 1);
  r.flush();
  r.clock.advance(2000);
  assert.equal(await cut, 'no_quorum');
  r.feed.stop();
});

test('a standby that followed another leader, or fell behind the pruned log, gets a snapshot', () => {
  const r = rig();
  const other = rig(r.clock);
  writeSome(other.leaderStore, 7);
  other.feed.start();
  const b = other.standby('b');
  b.replica.connected();
  other.flush();
  other.feed.stop();
  assert.deepEqual(contents(b.store), contents(other.leaderStore));

  writeSome(r.leaderStore, 1);
  r.feed.start();
  r.standby('b', b.store).replica.connected();
  r.flush();
  assert.deepEqual(contents(b.store), contents(r.leaderStore));
  assert.equal(b.store.devices.get('pi-7'), null);

  r.down.add('b');
  for (let i = 0; i < 30; i++) r.leaderStore.settings.set(`x${i}`, 'y');
  r.leaderStore.replication.prune(5);
  r.down.delete('b');
  const before = b.store.replication.storeId();
  r.standby('b', b.store).replica.connected();
  r.flush();
  assert.deepEqual(contents(b.store), contents(r.leaderStore));
  assert.notEqual(b.store.replication.storeId(), before, 'resynced by a snapshot');
  r.feed.stop();
});

test('a malformed hello or ack is refused with path: message and changes nothing', () => {
  const r = rig();
  assert.throws(() => r.feed.receive('b', 'hello', '{"storeId":"xyz","seq":-1}'), /hello\.storeId: must be 32 hex digits; hello\.seq: /);
  assert.throws(() => r.feed.receive('b', 'ack', '{"kind":"seq"}'), /ack\.storeId: /);
  assert.deepEqual(r.feed.standbys(), []);
});

test('with two standbys, a booking waits for both: whichever is elected next holds it', async () => {
  const r = rig();
  r.feed.start();
  r.standby('b').replica.connected();
  r.standby('c').replica.connected();
  r.flush();
  r.down.add('c');
  writeSome(r.leaderStore, 1);
  const waiting = r.feed.waitReplicated(2000);
  r.flush();
  r.clock.advance(2000);
  assert.equal(await waiting, 'timeout', 'c did not ack');
  r.down.delete('c');
  r.feed.gone('c');
  writeSome(r.leaderStore, 2);
  const next = r.feed.waitReplicated(2000);
  r.flush();
  assert.equal(await next, 'acked', 'c is gone: b alone is enough');
  r.feed.stop();
});

test('a standby that cannot apply a message applies nothing and asks again after a pause, not at once', () => {
  const r = rig();
  r.feed.start();
  const b = r.standby('b');
  b.replica.connected();
  r.flush();
  const before = contents(b.store);
  b.replica.feed(JSON.stringify({ kind: 'entries', storeId: r.leaderStore.replication.storeId(), after: 7, entries: [{ seq: 8, tbl: 'settings', op: 'insert', row: { key: 'x', value: 'y', updated_at: 1 } }] }));
  b.replica.feed('not json');
  r.flush();
  assert.deepEqual(contents(b.store), before);
  writeSome(r.leaderStore, 1);
  r.clock.advance(5000);
  b.replica.tick();
  r.flush();
  assert.deepEqual(contents(b.store), contents(r.leaderStore), 'back in step after the next hello');
  r.feed.stop();
});

test('a standby that fails twice in a row asks for a snapshot, and the leader stops waiting for it meanwhile', () => {
  const r = rig();
  r.feed.start();
  const b = r.standby('b');
  b.replica.connected();
  r.flush();
  const ownId = b.store.replication.storeId();
  // A batch this store cannot take (here: one that does not follow on), twice.
  const bad = JSON.stringify({ kind: 'entries', storeId: r.leaderStore.replication.storeId(), after: 7, entries: [{ seq: 8, tbl: 'settings', op: 'insert', row: { key: 'x', value: 'y', updated_at: 1 } }] });
  b.replica.feed(bad);
  b.replica.feed(bad);
  writeSome(r.leaderStore, 1);
  r.clock.advance(5000);
  b.replica.tick();
  r.flush();
  assert.deepEqual(contents(b.store), contents(r.leaderStore), 'in step again');
  assert.notEqual(b.store.replication.storeId(), ownId, 'by a snapshot (it gives the store a new id)');
  r.feed.stop();
});

test('a standby silent for an hour is forgotten; one that left is listed as gone until then', () => {
  const r = rig();
  r.feed.start();
  const b = r.standby('b');
  b.replica.connected();
  r.flush();
  r.feed.gone('b');
  assert.deepEqual(r.feed.standbys().map((s) => [s.nodeId, s.connected]), [['b', false]]);
  r.clock.advance(3_600_000 + 60_000);
  assert.deepEqual(r.feed.standbys(), []);
  b.replica.connected();
  r.flush();
  assert.deepEqual(r.feed.standbys().map((s) => [s.nodeId, s.connected]), [['b', true]], 'it comes back with a hello');
  r.feed.stop();
});
