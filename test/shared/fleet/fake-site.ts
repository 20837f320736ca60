import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../shared/clock.js';
import { Election, type ElectionStatus } from '../../../shared/fleet/election.js';
import { decodeHeartbeat, encodeHeartbeat, type Heartbeat, type ReplicaPosition } from '../../../shared/fleet/heartbeat.js';

export const BEAT = 2000;
export const MISSED = 3;
export const WINDOW = BEAT * MISSED;

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
export class FakeSite {
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
export function settledThree(): FakeSite {
  const site = new FakeSite(3);
  for (const id of ['a', 'b', 'c']) site.add(id);
  site.run(WINDOW + BEAT);
  return site;
}

/** a, b, c with priorities 200, 150, 100, settled on a. */
export function rankedThree(): FakeSite {
  const site = new FakeSite(3);
  site.add('a', 200);
  site.add('b', 150);
  site.add('c', 100);
  site.run(WINDOW + BEAT);
  assert.deepEqual(site.leaders(), ['a']);
  return site;
}

export interface Row {
  name: string;
  run: () => FakeSite;
  leaders: string[];
  following: Record<string, string | null>;
  epochs: Record<string, number>;
  /** Whether two nodes may lead at once on the way (only a 2-node site partitioned). */
  doubleLeadAllowed?: boolean;
}

/** Each row a test: who leads, whom each node follows, the persisted epochs, and never two leaders unless allowed. */
export function runRows(rows: readonly Row[]): void {
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
}
