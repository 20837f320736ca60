import type { Clock, TimerHandle } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Heartbeat, ReplicaPosition } from './heartbeat.js';

/**
 * Leader election among the serve-capable nodes of one site, driven only by heartbeats and the
 * injected clock (no IO of its own: sending and persisting are injected).
 *
 * - Every node sends a heartbeat every `heartbeatMs`; a peer not heard from for
 *   `missedBeats` heartbeats is gone, and so is a leader with it.
 * - With no live leader, the best live node claims the lead under a new epoch: one more than
 *   the highest it has seen, persisted before it is announced. Best is first the most up to
 *   date (its store follows the latest epoch's history, then holds the highest seq of it, as its
 *   heartbeats say), so a standby that missed acknowledged changes never takes over from one
 *   that holds them; among equal positions, the highest priority, then the lowest id. A peer
 *   counts only while its heartbeats arrive: one gone silent no longer holds a claim back, and
 *   one that has not claimed a window after it was due (it hears too few peers) no longer
 *   either: then rank alone decides, as it would without positions.
 * - A leader reports no position: nobody claims while it lives, and once it stops leading its
 *   store reports the head of the history it served (see server/replication/capture.ts).
 * - With 3 or more serve-capable nodes a claim and the lead itself need a majority in sight: a
 *   leader cut off from the majority steps down. With 1 or 2 no majority is asked, so a
 *   partition of a 2-node site makes two leaders; when it heals the higher epoch wins.
 * - A leader that hears a higher epoch steps down; heartbeats of a leader with a lower epoch
 *   than the highest seen are ignored (fencing). A live leader is never deposed by a better or
 *   more up-to-date node that (re)appears: a returning old leader follows.
 */
export interface ElectionSettings {
  site: string;
  nodeId: string;
  priority: number;
  serveCapableNodes: number;
  heartbeatMs: number;
  missedBeats: number;
}

/** The node's epoch, kept across restarts so that it never goes back. */
export interface EpochStore {
  load(): number;
  save(epoch: number): void;
}

export type ElectionRole = 'starting' | 'follower' | 'leader';

export interface ElectionStatus {
  role: ElectionRole;
  epoch: number;
  leaderId: string | null;
  /** Live peers (serve-capable nodes heard from within the window), sorted. */
  peers: string[];
}

export interface ElectionDeps {
  clock: Clock;
  epochs: EpochStore;
  send: (hb: Heartbeat) => void;
  onChange?: (status: ElectionStatus) => void;
  /** Where this node serves while it leads (host:port), carried in its heartbeats. */
  serves?: () => string | null;
  /** How far this node's store got (null when unknown), carried in its heartbeats while it does not lead. */
  position?: () => ReplicaPosition | null;
  log?: Logger;
}

interface Peer {
  hb: Heartbeat;
  lastSeen: number;
}

/** Majority of the serve-capable nodes when there are 3 or more, otherwise 1 (no majority asked). */
export function quorumOf(serveCapableNodes: number): number {
  return serveCapableNodes >= 3 ? Math.floor(serveCapableNodes / 2) + 1 : 1;
}

/** Negative when `a` ranks before `b`: higher priority, then the lower id. */
export function compareRank(a: { priority: number; nodeId: string }, b: { priority: number; nodeId: string }): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  return a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0;
}

/**
 * Negative when `a` is more up to date than `b`: it follows a later epoch's history, or the same
 * one further. An unknown position (null, or absent from an older node's heartbeat) comes last.
 */
export function compareProgress(a: ReplicaPosition | null | undefined, b: ReplicaPosition | null | undefined): number {
  if (!a || !b) return (a ? 0 : 1) - (b ? 0 : 1);
  if (a.epoch !== b.epoch) return b.epoch - a.epoch;
  return b.seq - a.seq;
}

interface Candidate {
  priority: number;
  nodeId: string;
  replica?: ReplicaPosition | null | undefined;
}

/** Who claims first when no leader lives: the most up to date, then the better rank. */
export function compareCandidates(a: Candidate, b: Candidate): number {
  return compareProgress(a.replica, b.replica) || compareRank(a, b);
}

export class Election {
  private role: ElectionRole = 'starting';
  private epoch = 0;
  private leaderId: string | null = null;
  private startedAt = 0;
  /** Since when this node has left the claim to a more up-to-date peer instead of the best-ranked one. */
  private yieldedAt: number | null = null;
  private readonly peers = new Map<string, Peer>();
  private timer: TimerHandle | null = null;
  private midBeat: TimerHandle | null = null;
  private running = false;
  private last = '';

  constructor(
    private readonly settings: ElectionSettings,
    private readonly deps: ElectionDeps,
  ) {}

  get status(): ElectionStatus {
    return { role: this.role, epoch: this.epoch, leaderId: this.leaderId, peers: this.livePeers().map((p) => p.hb.nodeId).sort() };
  }

  get isLeader(): boolean {
    return this.role === 'leader';
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.epoch = this.deps.epochs.load();
    this.role = 'starting';
    this.leaderId = null;
    this.startedAt = this.deps.clock.now();
    this.changed();
    this.beat();
  }

  /** A clean stop: the last heartbeat says this node leaves, so the others elect without waiting out the missed beats. */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.deps.clock.clearTimeout(this.timer);
    this.deps.clock.clearTimeout(this.midBeat);
    this.timer = null;
    this.midBeat = null;
    this.role = 'follower';
    this.leaderId = null;
    this.deps.send({ ...this.heartbeat(), leader: false, leaderId: null, serves: null, leaving: true });
    this.changed();
  }

  receive(hb: Heartbeat): void {
    if (!this.running || hb.site !== this.settings.site || hb.nodeId === this.settings.nodeId) return;
    const now = this.deps.clock.now();
    if (hb.leaving) {
      this.peers.delete(hb.nodeId);
      if (this.leaderId === hb.nodeId) this.leaderId = null;
      this.evaluate();
      return;
    }
    this.peers.set(hb.nodeId, { hb, lastSeen: now });
    if (hb.epoch > this.epoch) {
      if (this.role === 'leader') this.deps.log?.warn({ epoch: this.epoch, seen: hb.epoch, from: hb.nodeId }, 'a higher epoch exists: stepping down');
      this.adoptEpoch(hb.epoch);
      if (this.role === 'leader') this.role = 'follower';
      if (this.leaderId === this.settings.nodeId) this.leaderId = null;
    }
    if (hb.leader && hb.epoch === this.epoch) {
      if (this.role === 'leader') {
        // Two claims in one epoch: the better-ranked node keeps it.
        if (compareRank(hb, this.self()) < 0) {
          this.deps.log?.warn({ epoch: this.epoch, other: hb.nodeId }, 'another node leads this epoch and ranks higher: stepping down');
          this.follow(hb.nodeId);
        }
      } else {
        this.follow(hb.nodeId);
      }
    } else if (!hb.leader && this.leaderId === hb.nodeId) {
      // Our leader says it no longer leads (a clean stop or a step-down).
      this.leaderId = null;
    }
    this.evaluate();
  }

  private follow(nodeId: string): void {
    this.role = 'follower';
    this.leaderId = nodeId;
  }

  private adoptEpoch(epoch: number): void {
    this.epoch = epoch;
    this.deps.epochs.save(epoch);
  }

  private beat(): void {
    if (!this.running) return;
    this.evaluate();
    this.deps.send(this.heartbeat());
    this.timer = this.deps.clock.setTimeout(() => this.beat(), this.settings.heartbeatMs);
    // A leader also looks half-way between its beats, so it gives up the lead at most half a
    // beat after its lease ran out: well before the others, who wait a whole beat longer, claim.
    if (this.role === 'leader') {
      this.deps.clock.clearTimeout(this.midBeat);
      this.midBeat = this.deps.clock.setTimeout(() => this.evaluate(), this.settings.heartbeatMs / 2);
    }
  }

  private window(): number {
    return this.settings.heartbeatMs * this.settings.missedBeats;
  }

  private livePeers(): Peer[] {
    const now = this.deps.clock.now();
    return [...this.peers.values()].filter((p) => now - p.lastSeen <= this.window());
  }

  private self(): { priority: number; nodeId: string } {
    return { priority: this.settings.priority, nodeId: this.settings.nodeId };
  }

  private evaluate(): void {
    if (!this.running) return;
    const now = this.deps.clock.now();
    const live = this.livePeers();
    // The majority is counted over one beat less than a leader is waited for: a leader cut off
    // from the majority is gone before the majority claims, and a node that just stepped down
    // does not claim again on the strength of peers it no longer hears.
    const lease = this.settings.heartbeatMs * (this.settings.missedBeats - 1);
    const fresh = live.filter((p) => now - p.lastSeen <= lease);
    const inSight = 1 + fresh.length;
    const quorum = quorumOf(this.settings.serveCapableNodes);
    if (this.role === 'leader') {
      const heldBy = inSight;
      if (heldBy < quorum) {
        this.deps.log?.warn({ epoch: this.epoch, inSight: heldBy, quorum }, 'the majority is out of sight: stepping down');
        this.role = 'follower';
        this.leaderId = null;
      }
      this.changed();
      return;
    }
    if (this.leaderId !== null) {
      const leader = live.find((p) => p.hb.nodeId === this.leaderId);
      if (!leader || !leader.hb.leader || leader.hb.epoch < this.epoch) {
        this.deps.log?.warn({ leader: this.leaderId, epoch: this.epoch }, 'the leader is lost');
        this.leaderId = null;
      }
    }
    if (this.leaderId === null) {
      const learning = this.role === 'starting' && now - this.startedAt < this.window();
      // A peer that still names a leader of this epoch has heard from it lately: wait for that
      // leader's own heartbeat (a node back from a partition hears the followers first).
      const vouched = live.some((p) => p.hb.leaderId !== null && p.hb.leaderId !== this.settings.nodeId && p.hb.epoch >= this.epoch);
      if (!learning && !vouched && inSight >= quorum) {
        const self: Candidate = { ...this.self(), replica: this.position() };
        const candidates = [self, ...fresh.map((p) => p.hb)];
        let best = [...candidates].sort(compareCandidates)[0];
        const byRank = [...candidates].sort(compareRank)[0];
        if (best !== byRank) {
          // Waiting for a more up-to-date peer to claim. One that has not within a window is not
          // going to (it hears too few of us, or cannot serve): rank decides again.
          this.yieldedAt ??= now;
          if (now - this.yieldedAt > this.window()) best = byRank;
        } else this.yieldedAt = null;
        if (best?.nodeId === this.settings.nodeId) this.claim(live, self.replica ?? null);
        else if (this.role === 'starting') this.role = 'follower';
      } else this.yieldedAt = null;
    } else this.yieldedAt = null;
    this.changed();
  }

  private claim(live: Peer[], position: ReplicaPosition | null): void {
    this.yieldedAt = null;
    const highest = Math.max(this.epoch, ...live.map((p) => p.hb.epoch));
    this.adoptEpoch(highest + 1);
    this.role = 'leader';
    this.leaderId = this.settings.nodeId;
    this.deps.log?.info({ epoch: this.epoch, position, peers: live.map((p) => p.hb.nodeId) }, 'took the lead');
    this.changed();
    this.deps.send(this.heartbeat());
  }

  private heartbeat(): Heartbeat {
    const leader = this.role === 'leader';
    return {
      v: 1,
      type: 'doorplate.heartbeat',
      site: this.settings.site,
      nodeId: this.settings.nodeId,
      priority: this.settings.priority,
      epoch: this.epoch,
      leader,
      leaderId: this.leaderId,
      serves: leader ? (this.deps.serves?.() ?? null) : null,
      replica: leader ? null : this.position(),
    };
  }

  private position(): ReplicaPosition | null {
    return this.deps.position?.() ?? null;
  }

  private changed(): void {
    const s = this.status;
    const key = `${s.role}|${s.epoch}|${s.leaderId ?? ''}`;
    if (key === this.last) return;
    this.last = key;
    this.deps.onChange?.(s);
  }
}

/**
 * What agents and standbys keep: the highest epoch seen. A server announcing a lower epoch is
 * an old leader that has not yet learned it was replaced, and is refused.
 */
export class EpochFence {
  private highest = -1;

  get highestSeen(): number {
    return this.highest;
  }

  /** True when `epoch` is at least the highest seen (and remembers it). */
  admit(epoch: number): boolean {
    if (epoch < this.highest) return false;
    this.highest = epoch;
    return true;
  }
}
