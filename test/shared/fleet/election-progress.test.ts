import assert from 'node:assert/strict';
import type { ReplicaPosition } from '../../../shared/fleet/heartbeat.js';
import { BEAT, FakeSite, rankedThree, runRows, settledThree, WINDOW, type Row } from './fake-site.js';

/**
 * The election's "most up to date wins" rule: when the leader is gone, the standby holding
 * the most of its history leads; rank decides only between equal positions.
 */

/** a leads; the standbys' stores stand at `positions` when a crashes; the rest elect. */
function leaderCrashes(site: FakeSite, positions: Record<string, ReplicaPosition | null>): FakeSite {
  site.positions(positions);
  site.crash('a');
  site.run(WINDOW + 2 * BEAT);
  return site;
}

const rows: Row[] = [
  {
    name: 'up to date: the leader crashes; a standby holding more of its history leads, whatever its priority',
    // b was still copying a snapshot (its store holds an older point) while c acked every booking.
    run: () => leaderCrashes(rankedThree(), { b: { epoch: 1, seq: 5 }, c: { epoch: 1, seq: 9 } }),
    leaders: ['c'],
    following: { b: 'c', c: 'c' },
    epochs: { a: 1, b: 2, c: 2 },
  },
  {
    name: 'up to date: a store that never followed (no position) ranks after one that did',
    run: () => leaderCrashes(rankedThree(), { b: null, c: { epoch: 1, seq: 0 } }),
    leaders: ['c'],
    following: { b: 'c', c: 'c' },
    epochs: { a: 1, b: 2, c: 2 },
  },
  {
    name: 'up to date: a later epoch followed wins over a higher seq of an earlier one',
    run: () => leaderCrashes(rankedThree(), { b: { epoch: 1, seq: 900 }, c: { epoch: 2, seq: 3 } }),
    leaders: ['c'],
    following: { b: 'c', c: 'c' },
    epochs: { a: 1, b: 2, c: 2 },
  },
  {
    name: 'up to date: equal positions fall back to priority',
    run: () => leaderCrashes(rankedThree(), { b: { epoch: 1, seq: 9 }, c: { epoch: 1, seq: 9 } }),
    leaders: ['b'],
    following: { b: 'b', c: 'b' },
    epochs: { a: 1, b: 2, c: 2 },
  },
  {
    name: 'up to date: equal positions and priorities fall back to the lowest id',
    run: () => leaderCrashes(settledThree(), { b: { epoch: 1, seq: 9 }, c: { epoch: 1, seq: 9 } }),
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
      return leaderCrashes(site, { b: null, c: { epoch: 1, seq: 0 } });
    },
    leaders: ['c'],
    following: { b: 'c', c: 'c' },
    epochs: { a: 1, b: 2, c: 2 },
  },
];

runRows(rows);
