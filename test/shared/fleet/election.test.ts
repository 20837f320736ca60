import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareCandidates, compareProgress, compareRank, EpochFence, quorumOf } from '../../../shared/fleet/election.js';
import { decodeHeartbeat, type Heartbeat } from '../../../shared/fleet/heartbeat.js';
import { BEAT, FakeSite, rankedThree, runRows, settledThree, WINDOW, type Row } from './fake-site.js';

const rows: Row[] = [
  {
    name: 'start: after one window the lowest id of equal priority leads epoch 1',
    run: settledThree,
    leaders: ['a'],
    following: { a: 'a', b: 'a', c: 'a' },
    epochs: { a: 1, b: 1, c: 1 },
  },
  {
    name: 'start: a higher priority wins over a lower id',
    run: () => {
      const site = new FakeSite(3);
      site.add('a');
      site.add('b');
      site.add('c', 200);
      site.run(WINDOW + BEAT);
      return site;
    },
    leaders: ['c'],
    following: { a: 'c', b: 'c', c: 'c' },
    epochs: { a: 1, b: 1, c: 1 },
  },
  {
    name: 'start: nobody leads while the majority is out of sight',
    run: () => {
      const site = new FakeSite(3);
      site.add('a');
      site.run(WINDOW * 3);
      return site;
    },
    leaders: [],
    following: { a: null },
    epochs: { a: 0 },
  },
  {
    name: 'beat lost: the leader crashes, the next best leads epoch 2 after the missed beats',
    run: () => {
      const site = settledThree();
      site.crash('a');
      site.run(WINDOW + 2 * BEAT);
      return site;
    },
    leaders: ['b'],
    following: { b: 'b', c: 'b' },
    epochs: { a: 1, b: 2, c: 2 },
  },
  {
    name: 'clean stop: the leader says goodbye and the next best leads',
    run: () => {
      const site = settledThree();
      site.member('a').election.stop();
      site.member('a').up = false;
      site.run(BEAT + 100);
      return site;
    },
    leaders: ['b'],
    following: { b: 'b', c: 'b' },
    epochs: { a: 1, b: 2, c: 2 },
  },
  {
    name: 'tie: two nodes that could not see each other both claim epoch 1; on contact the better rank keeps it',
    run: () => {
      const site = new FakeSite(2);
      site.cut('a', 'b');
      site.add('a');
      site.add('b');
      site.run(WINDOW + BEAT);
      assert.deepEqual(site.leaders(), ['a', 'b']);
      assert.equal(site.status('a').epoch, 1);
      assert.equal(site.status('b').epoch, 1);
      site.heal();
      site.run(BEAT * 2);
      return site;
    },
    leaders: ['a'],
    following: { a: 'a', b: 'a' },
    epochs: { a: 1, b: 1 },
    doubleLeadAllowed: true,
  },
  {
    name: 'partition (3 nodes): the leader cut off steps down, the majority elects epoch 2, never two leaders at once',
    run: () => {
      const site = settledThree();
      site.isolate('a');
      site.run(WINDOW * 3);
      return site;
    },
    leaders: ['b'],
    following: { a: null, b: 'b', c: 'b' },
    epochs: { a: 1, b: 2, c: 2 },
  },
  {
    name: 'heal (3 nodes): the old leader follows the higher epoch and keeps it',
    run: () => {
      const site = settledThree();
      site.isolate('a');
      site.run(WINDOW * 3);
      site.heal();
      site.run(BEAT * 2);
      return site;
    },
    leaders: ['b'],
    following: { a: 'b', b: 'b', c: 'b' },
    epochs: { a: 2, b: 2, c: 2 },
  },
  {
    name: 'heal (3 nodes): back from a partition, a better-ranked node that hears a follower first does not depose the leader',
    run: () => {
      const site = settledThree();
      site.isolate('a');
      site.run(WINDOW * 3);
      // The link comes back towards c first; b (the leader) is heard one beat later.
      site.heal();
      site.cut('a', 'b');
      site.run(BEAT + 500);
      site.heal();
      site.run(BEAT * 2);
      return site;
    },
    leaders: ['b'],
    following: { a: 'b', b: 'b', c: 'b' },
    epochs: { a: 2, b: 2, c: 2 },
  },
  {
    name: 'partition (2 nodes): both sides lead, and on heal the higher epoch wins',
    run: () => {
      const site = new FakeSite(2);
      site.add('a');
      site.add('b');
      site.run(WINDOW + BEAT);
      site.cut('a', 'b');
      site.run(WINDOW + BEAT);
      assert.deepEqual(site.leaders(), ['a', 'b']);
      site.heal();
      site.run(BEAT * 2);
      return site;
    },
    leaders: ['b'],
    following: { a: 'b', b: 'b' },
    epochs: { a: 2, b: 2 },
    doubleLeadAllowed: true,
  },
  {
    name: 'old leader returns: restarted with its persisted epoch it follows the new leader, which keeps the lead',
    run: () => {
      const site = settledThree();
      site.crash('a');
      site.run(WINDOW + 2 * BEAT);
      site.add('a');
      site.run(WINDOW * 2);
      return site;
    },
    leaders: ['b'],
    following: { a: 'b', b: 'b', c: 'b' },
    epochs: { a: 2, b: 2, c: 2 },
  },
  {
    name: 'other site: heartbeats of another site on the same group are not counted',
    run: () => {
      const site = new FakeSite(3);
      site.add('a');
      site.add('x', 255, 9, 'branch');
      site.add('y', 255, 9, 'branch');
      site.run(WINDOW * 2);
      return site;
    },
    leaders: ['x'],
    following: { a: null, x: 'x', y: 'x' },
    epochs: { a: 0, x: 10, y: 10 },
  },
];

runRows(rows);

test('election: a stale leader\'s heartbeat is ignored by a node that has seen a higher epoch', () => {
  const site = settledThree();
  const b = site.member('b').election;
  b.receive({ v: 1, type: 'doorplate.heartbeat', site: 'hq', nodeId: 'z', priority: 255, epoch: 0, leader: true, leaderId: 'z', serves: '10.0.0.9:1883' });
  assert.equal(b.status.leaderId, 'a');
  site.run(BEAT);
  assert.deepEqual(site.leaders(), ['a']);
});

test('election: a leader that hears a higher epoch gives up its own and leads only above it', () => {
  const site = settledThree();
  site.member('a').election.receive({ v: 1, type: 'doorplate.heartbeat', site: 'hq', nodeId: 'c', priority: 100, epoch: 5, leader: false, leaderId: null, serves: null });
  assert.equal(site.status('a').epoch, 6, 'the best node claims again, above the epoch it heard');
  site.run(BEAT * 2);
  assert.deepEqual(site.leaders(), ['a']);
  assert.deepEqual(site.following(), { a: 'a', b: 'a', c: 'a' });
  assert.equal(site.member('b').epochFile.epoch, 6);
});

test('election: quorum and rank', () => {
  assert.deepEqual([1, 2, 3, 4, 5].map(quorumOf), [1, 1, 2, 3, 3]);
  assert.ok(compareRank({ priority: 200, nodeId: 'z' }, { priority: 100, nodeId: 'a' }) < 0);
  assert.ok(compareRank({ priority: 100, nodeId: 'a' }, { priority: 100, nodeId: 'b' }) < 0);
});

test('election: progress orders the later epoch first, then the higher seq, unknown last; rank breaks ties', () => {
  assert.ok(compareProgress({ epoch: 2, seq: 0 }, { epoch: 1, seq: 99 }) < 0);
  assert.ok(compareProgress({ epoch: 1, seq: 5 }, { epoch: 1, seq: 4 }) < 0);
  assert.equal(compareProgress({ epoch: 1, seq: 5 }, { epoch: 1, seq: 5 }), 0);
  assert.ok(compareProgress({ epoch: 0, seq: 0 }, null) < 0);
  assert.ok(compareProgress(undefined, { epoch: 0, seq: 0 }) > 0);
  assert.equal(compareProgress(null, undefined), 0);
  assert.ok(compareCandidates({ priority: 1, nodeId: 'z', replica: { epoch: 1, seq: 2 } }, { priority: 200, nodeId: 'a', replica: { epoch: 1, seq: 1 } }) < 0);
  assert.ok(compareCandidates({ priority: 200, nodeId: 'z', replica: { epoch: 1, seq: 1 } }, { priority: 100, nodeId: 'a', replica: { epoch: 1, seq: 1 } }) < 0);
});

test('election: heartbeats carry the position while following, none while leading', () => {
  const site = rankedThree();
  site.positions({ a: { epoch: 1, seq: 40 }, b: { epoch: 1, seq: 40 } });
  site.run(BEAT * 2);
  const last = (id: string): Heartbeat | undefined => site.sent.filter((h) => h.nodeId === id).at(-1);
  assert.equal(last('a')?.leader, true);
  assert.equal(last('a')?.replica, null);
  assert.deepEqual(last('b')?.replica, { epoch: 1, seq: 40 });
  assert.equal(last('c')?.replica, null);
});

test('fence: a lower epoch than the highest seen is refused, an equal or higher one admitted', () => {
  const fence = new EpochFence();
  assert.equal(fence.admit(3), true);
  assert.equal(fence.admit(2), false);
  assert.equal(fence.admit(3), true);
  assert.equal(fence.admit(4), true);
  assert.equal(fence.highestSeen, 4);
});

test('heartbeat: bad datagrams are refused with path: message', () => {
  assert.deepEqual(decodeHeartbeat(Buffer.from('nope')), { ok: false, error: '(root): is not JSON' });
  const bad = decodeHeartbeat(Buffer.from(JSON.stringify({ v: 1, type: 'doorplate.heartbeat', site: 'hq', nodeId: 'a/b', priority: 1, epoch: -1, leader: true, leaderId: null, serves: null })));
  assert.equal(bad.ok, false);
  assert.match(bad.ok ? '' : bad.error, /^nodeId: .*; epoch: /);
  assert.equal(decodeHeartbeat(Buffer.alloc(2000, 32)).ok, false);
});

test('epoch file: missing is 0, saved survives a new instance, a bad file is refused with its path', async () => {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { EpochFile } = await import('../../../shared/fleet/epoch-file.js');
  const dir = mkdtempSync(join(tmpdir(), 'epoch-'));
  try {
    const path = join(dir, 'sub', 'fleet-epoch.json');
    assert.equal(new EpochFile(path).load(), 0);
    new EpochFile(path).save(7);
    assert.equal(new EpochFile(path).load(), 7);
    writeFileSync(path, '{"epoch":-2}');
    assert.throws(() => new EpochFile(path).load(), /fleet-epoch\.json: epoch: /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
