import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../shared/clock.js';
import { compareCandidates, compareProgress, compareRank, Election, EpochFence, quorumOf, type ElectionStatus } from '../../../shared/fleet/election.js';
import { decodeHeartbeat, encodeHeartbeat, type Heartbeat, type ReplicaPosition } from '../../../shared/fleet/heartbeat.js';

const BEAT = 2000;
const MISSED = 3;
const WINDOW = BEAT * MISSED;

interface Member {
  election: Election;
  epochFile: { epoch: number };
  up: boolean;
  /** How far its store got, as the standby (or the store it served) would report it. */
  position: ReplicaPosition | null;
  /** Sends heartbeats without the position field, as nodes before it did. */
  old: boolean;
}

/** A site LAN: heartbeats arrive 1 ms after they are sent, except across a cut link or to a node that is down. */
class FakeSite {
  readonly clock = new FakeClock();
  readonly members = new Map<string, Member>();
  private readonly cuts = new Set<string>();
  /** Links that carry heartbeats one way only: `from>to` is lost. */
  private readonly oneWay = new Set<string>();
  /** Every moment (in 100 ms steps while `run` advances) at which two nodes led at once. */
  readonly doubleLeads: number[] = [];
  /** Every heartbeat sent, as the others received it. */
  readonly sent: Heartbeat[] = [];

  constructor(private readonly size: number) {}

  add(id: string, priority = 100, epoch = 0, site = 'hq'): Election {
    const before = this.members.get(id);
    const epochFile = before?.epochFile ?? { epoch };
    const state = { epochFile, up: true, position: before?.position ?? null, old: before?.old ?? false };
    const election = new Election(
      { site, nodeId: id, priority, serveCapableNodes: this.size, heartbeatMs: BEAT, missedBeats: MISSED },
      {
        clock: this.clock,
        epochs: { load: () => epochFile.epoch, save: (e) => (epochFile.epoch = e) },
        send: (hb) => this.deliver(id, hb),
        position: () => state.position,
      },
    );
    // The member is the same object the election reads its position from.
    this.members.set(id, Object.assign(state, { election }));
    election.start();
    return election;
  }

  /** Where each node's store stands, as its replication would report it. */
  positions(of: Record<string, ReplicaPosition | null>): void {
    for (const [id, position] of Object.entries(of)) this.member(id).position = position;
  }

  /** A crash: no goodbye, no more heartbeats. */
  crash(id: string): void {
    const m = this.member(id);
    m.up = false;
    // Not stop(): a crashed node sends nothing; its timers are cut off by `up`.
  }

  cut(a: string, b: string): void {
    this.cuts.add([a, b].sort().join('|'));
  }

  /** Cuts every link of `id` (its network cable). */
  isolate(id: string): void {
    for (const other of this.members.keys()) if (other !== id) this.cut(id, other);
  }

  /** `to` no longer hears `from` (a one-way link: `from` still hears `to`). */
  deafen(to: string, from: string): void {
    this.oneWay.add(`${from}>${to}`);
  }

  heal(): void {
    this.cuts.clear();
    this.oneWay.clear();
  }

  run(ms: number): void {
    for (let t = 0; t < ms; t += 100) {
      this.clock.advance(100);
      if (this.leaders().length > 1) this.doubleLeads.push(this.clock.now());
    }
  }

  member(id: string): Member {
    const m = this.members.get(id);
    assert.ok(m, `no node ${id}`);
    return m;
  }

  status(id: string): ElectionStatus {
    return this.member(id).election.status;
  }

  leaders(): string[] {
    return [...this.members.entries()].filter(([, m]) => m.up && m.election.isLeader).map(([id]) => id).sort();
  }

  /** Who each running node follows (itself when it leads). */
  following(): Record<string, string | null> {
    const out: Record<string, string | null> = {};
    for (const [id, m] of this.members) if (m.up) out[id] = m.election.status.leaderId;
    return out;
  }

  private deliver(from: string, hb: Heartbeat): void {
    const sender = this.member(from);
    if (!sender.up) return;
    // Over the wire and back, so the schema is part of every exchange.
    let bytes = encodeHeartbeat(hb);
    if (sender.old) {
      const { replica: _none, ...older } = JSON.parse(bytes.toString()) as Heartbeat;
      bytes = Buffer.from(JSON.stringify(older));
    }
    const sent = decodeHeartbeat(bytes);
    assert.ok(sent.ok);
    this.sent.push(sent.heartbeat);
    for (const [id, m] of this.members) {
      if (id === from || this.cuts.has([from, id].sort().join('|')) || this.oneWay.has(`${from}>${id}`)) continue;
      this.clock.setTimeout(() => {
        const decoded = decodeHeartbeat(bytes);
        assert.ok(decoded.ok);
        if (m.up) m.election.receive(decoded.heartbeat);
      }, 1);
    }
  }
}

/** Three nodes a, b, c of equal priority, settled on a leader. */
function settledThree(): FakeSite {
  const site = new FakeSite(3);
  for (const id of ['a', 'b', 'c']) site.add(id);
  site.run(WINDOW + BEAT);
  return site;
}

/** a, b, c with priorities 200, 150, 100, settled on a. */
function rankedThree(): FakeSite {
  const site = new FakeSite(3);
  site.add('a', 200);
  site.add('b', 150);
  site.add('c', 100);
  site.run(WINDOW + BEAT);
  assert.deepEqual(site.leaders(), ['a']);
  return site;
}

interface Row {
  name: string;
  run: () => FakeSite;
  leaders: string[];
  following: Record<string, string | null>;
  epochs: Record<string, number>;
  /** Whether two nodes may lead at once on the way (only a 2-node site partitioned). */
  doubleLeadAllowed?: boolean;
}

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
  {
    name: 'up to date: the leader crashes; a standby holding more of its history leads, whatever its priority',
    run: () => {
      const site = rankedThree();
      // b was still copying a snapshot (its store holds an older point) while c acked every booking.
      site.positions({ b: { epoch: 1, seq: 5 }, c: { epoch: 1, seq: 9 } });
      site.crash('a');
      site.run(WINDOW + 2 * BEAT);
      return site;
    },
    leaders: ['c'],
    following: { b: 'c', c: 'c' },
    epochs: { a: 1, b: 2, c: 2 },
  },
  {
    name: 'up to date: a store that never followed (no position) ranks after one that did',
    run: () => {
      const site = rankedThree();
      site.positions({ b: null, c: { epoch: 1, seq: 0 } });
      site.crash('a');
      site.run(WINDOW + 2 * BEAT);
      return site;
    },
    leaders: ['c'],
    following: { b: 'c', c: 'c' },
    epochs: { a: 1, b: 2, c: 2 },
  },
  {
    name: 'up to date: a later epoch followed wins over a higher seq of an earlier one',
    run: () => {
      const site = rankedThree();
      site.positions({ b: { epoch: 1, seq: 900 }, c: { epoch: 2, seq: 3 } });
      site.crash('a');
      site.run(WINDOW + 2 * BEAT);
      return site;
    },
    leaders: ['c'],
    following: { b: 'c', c: 'c' },
    epochs: { a: 1, b: 2, c: 2 },
  },
  {
    name: 'up to date: equal positions fall back to priority',
    run: () => {
      const site = rankedThree();
      site.positions({ b: { epoch: 1, seq: 9 }, c: { epoch: 1, seq: 9 } });
      site.crash('a');
      site.run(WINDOW + 2 * BEAT);
      return site;
    },
    leaders: ['b'],
    following: { b: 'b', c: 'b' },
    epochs: { a: 1, b: 2, c: 2 },
  },
  {
    name: 'up to date: equal positions and priorities fall back to the lowest id',
    run: () => {
      const site = settledThree();
      site.positions({ b: { epoch: 1, seq: 9 }, c: { epoch: 1, seq: 9 } });
      site.crash('a');
      site.run(WINDOW + 2 * BEAT);
      return site;
    },
    leaders: ['b'],
    following: { b: 'b', c: 'b' },
    epochs: { a: 1, b: 2, c: 2 },
  },
  {
    name: 'up to date: a fresher standby that falls silent with the leader holds nobody back; the next best of the rest leads',
    run: () => {
      const site = new FakeSite(5);
      for (const id of ['a', 'b', 'c', 'd', 'e']) site.add(id);
      site.run(WINDOW + BEAT);
      assert.deepEqual(site.leaders(), ['a']);
      site.positions({ b: { epoch: 1, seq: 7 }, c: { epoch: 1, seq: 9 }, d: { epoch: 1, seq: 7 }, e: { epoch: 1, seq: 6 } });
      site.crash('a');
      site.run(BEAT);
      site.crash('c');
      site.run(WINDOW + 3 * BEAT);
      return site;
    },
    leaders: ['b'],
    following: { b: 'b', d: 'b', e: 'b' },
    epochs: { a: 1, b: 2, c: 1, d: 2, e: 2 },
  },
  {
    name: 'up to date: a fresher standby that hears too few peers to claim holds the others back one window, then rank decides',
    run: () => {
      const site = rankedThree();
      site.positions({ b: { epoch: 1, seq: 5 }, c: { epoch: 1, seq: 9 } });
      // c hears nobody any more (it cannot claim: no majority in its sight), but is heard.
      site.deafen('c', 'a');
      site.deafen('c', 'b');
      site.crash('a');
      site.run(WINDOW + 2 * BEAT);
      assert.deepEqual(site.leaders(), [], 'b first leaves the claim to c');
      site.run(WINDOW);
      return site;
    },
    leaders: ['b'],
    following: { b: 'b', c: null },
    epochs: { a: 1, b: 2, c: 1 },
  },
  {
    name: 'up to date: a live leader is not displaced by standbys reporting more',
    run: () => {
      const site = rankedThree();
      site.positions({ b: { epoch: 7, seq: 900 }, c: { epoch: 9, seq: 900 } });
      site.run(WINDOW * 3);
      // Nor by a node that restarts with a store further on.
      site.crash('c');
      site.run(BEAT);
      site.add('c');
      site.run(WINDOW * 2);
      return site;
    },
    leaders: ['a'],
    following: { a: 'a', b: 'a', c: 'a' },
    epochs: { a: 1, b: 1, c: 1 },
  },
  {
    name: 'up to date: a heartbeat without a position (a node from before it) parses and ranks after a known one',
    run: () => {
      const site = rankedThree();
      // b knows no position and says nothing of it; c, which knows one, takes the lead. (A node
      // of before would itself claim by priority in the same epoch, and keep it by rank.)
      site.member('b').old = true;
      site.positions({ b: null, c: { epoch: 1, seq: 0 } });
      site.crash('a');
      site.run(WINDOW + 2 * BEAT);
      return site;
    },
    leaders: ['c'],
    following: { b: 'c', c: 'c' },
    epochs: { a: 1, b: 2, c: 2 },
  },
];

for (const row of rows) {
  test(`election: ${row.name}`, () => {
    const site = row.run();
    assert.deepEqual(site.leaders(), row.leaders);
    assert.deepEqual(site.following(), row.following);
    const epochs: Record<string, number> = {};
    for (const id of Object.keys(row.epochs)) epochs[id] = site.member(id).epochFile.epoch;
    assert.deepEqual(epochs, row.epochs, 'the persisted epochs');
    if (!row.doubleLeadAllowed) assert.deepEqual(site.doubleLeads, [], 'two nodes led at once');
  });
}

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
