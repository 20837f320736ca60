import { randomBytes } from 'node:crypto';
import type { Clock, TimerHandle } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { ReplicationLog, Snapshot } from './capture.js';
import { AckSchema, decode, HelloSchema, ReplicationError, type Ack, type ChunkMessage, type FeedMessage, type Hello } from './protocol.js';

/** How long a standby that stopped saying anything is still listed. */
const FORGET_AFTER_MS = 3_600_000;

export interface LeaderFeedOptions {
  log: ReplicationLog;
  /** Sends one feed message to a standby. */
  send: (nodeId: string, message: FeedMessage) => void;
  clock: Clock;
  logger: Logger;
  /** How often the log is looked at for new entries. */
  pollMs?: number;
  /** A standby not heard from (hello or ack) for this long is not counted as connected. */
  liveMs?: number;
  /** About this many bytes of rows per feed message. */
  maxBytes?: number;
}

export interface StandbyView {
  nodeId: string;
  connected: boolean;
  /** Receiving a snapshot now. */
  syncing: boolean;
  ackedSeq: number;
  lagEntries: number;
  lagSeconds: number;
  lastSeenAt: number;
}

/**
 * How a wait for the standbys ended: all in-sync standbys acked; the time ran out with enough
 * of them holding it; there was none to ask (and none needed); or fewer than the majority
 * needed hold it when the time ran out (a leader cut off from its site).
 */
export type WaitOutcome = 'acked' | 'timeout' | 'no_standby' | 'no_quorum';

interface Session {
  nodeId: string;
  acked: number;
  lastSeenAt: number;
  inflight: { kind: 'entries'; upTo: number; sentAt: number } | { kind: 'chunk'; index: number; sentAt: number } | null;
  snapshot: { id: string; chunks: ChunkMessage[]; next: number } | null;
}

/**
 * The leader's side of replication: answers each standby's hello with the log since its
 * cursor, or with a snapshot when it follows another history or the log no longer reaches
 * back; then streams new entries one message at a time, each sent once the previous was
 * acked. It knows how far every standby got, which gives the lag and lets a booking's answer
 * wait until one standby holds it.
 */
export class LeaderFeed {
  private readonly sessions = new Map<string, Session>();
  private readonly waiters = new Set<{ seq: number; needed: number; done: (o: WaitOutcome) => void }>();
  /** When each head was first seen, for the lag in seconds. */
  private readonly heads: Array<{ seq: number; at: number }> = [];
  private timer: TimerHandle | null = null;
  private readonly storeId: string;

  constructor(private readonly opts: LeaderFeedOptions) {
    this.storeId = opts.log.storeId();
  }

  start(): void {
    const tick = (): void => {
      this.tick();
      this.timer = this.opts.clock.setTimeout(tick, this.opts.pollMs ?? 50);
    };
    tick();
  }

  stop(): void {
    this.opts.clock.clearTimeout(this.timer);
    this.timer = null;
    for (const w of this.waiters) w.done(this.held(w.seq) >= w.needed ? 'timeout' : 'no_quorum');
    this.waiters.clear();
  }

  /** A hello or ack from a standby; a malformed one is refused (thrown) and changes nothing. */
  receive(nodeId: string, kind: 'hello' | 'ack', payload: Buffer | string): void {
    if (kind === 'hello') this.hello(nodeId, decode(HelloSchema, payload, 'hello'));
    else this.ack(nodeId, decode(AckSchema, payload, 'ack'));
  }

  /** The broker saw the standby's connection close: it no longer counts as connected. */
  gone(nodeId: string): void {
    const s = this.sessions.get(nodeId);
    if (!s) return;
    // No longer live, but listed (as gone) until it is forgotten.
    s.lastSeenAt = Math.min(s.lastSeenAt, this.opts.clock.now() - (this.opts.liveMs ?? 15_000) - 1);
    s.inflight = null;
    this.settleWaiters();
  }

  /**
   * Resolves once every connected standby that holds the leader's state acked everything
   * committed so far (so whichever of them is elected next has it), at once when there is none
   * and `needed` is 0, or after `timeoutMs`: what the answer to a booking waits for. `needed`
   * standbys must hold it in any case (the majority of a site of 3 or more serving nodes, less
   * the leader itself), or the wait ends `no_quorum`.
   */
  waitReplicated(timeoutMs: number, needed = 0): Promise<WaitOutcome> {
    const seq = this.opts.log.head();
    const now = this.reached(seq, needed);
    if (now !== null) return Promise.resolve(now);
    return new Promise((resolve) => {
      const timer = this.opts.clock.setTimeout(() => {
        this.waiters.delete(waiter);
        resolve(this.held(seq) >= needed ? 'timeout' : 'no_quorum');
      }, timeoutMs);
      const waiter = {
        seq,
        needed,
        done: (o: WaitOutcome) => {
          this.opts.clock.clearTimeout(timer);
          resolve(o);
        },
      };
      this.waiters.add(waiter);
      this.tick();
    });
  }

  /** Whether a wait for `seq` is over, and how; null while it goes on. */
  private reached(seq: number, needed: number): WaitOutcome | null {
    const targets = this.inSync();
    const held = targets.filter((s) => s.acked >= seq).length;
    if (held < targets.length || held < needed) return null;
    return targets.length === 0 ? 'no_standby' : 'acked';
  }

  /** How many connected standbys hold everything up to `seq`. */
  private held(seq: number): number {
    return this.inSync().filter((s) => s.acked >= seq).length;
  }

  /** Every standby heard from, with how far behind it is. */
  standbys(): StandbyView[] {
    const now = this.opts.clock.now();
    const head = this.opts.log.head();
    return [...this.sessions.values()].map((s) => ({
      nodeId: s.nodeId,
      connected: this.isLive(s, now),
      syncing: s.snapshot !== null,
      ackedSeq: s.acked,
      lagEntries: Math.max(0, head - s.acked),
      lagSeconds: s.acked >= head ? 0 : Math.max(0, (now - (this.heads.find((h) => h.seq > s.acked)?.at ?? now)) / 1000),
      lastSeenAt: s.lastSeenAt,
    }));
  }

  get id(): string {
    return this.storeId;
  }

  head(): number {
    return this.opts.log.head();
  }

  private hello(nodeId: string, hello: Hello): void {
    const now = this.opts.clock.now();
    const resumable = hello.storeId === this.storeId && this.opts.log.reaches(hello.seq);
    const session: Session = { nodeId, acked: resumable ? hello.seq : 0, lastSeenAt: now, inflight: null, snapshot: null };
    this.sessions.set(nodeId, session);
    if (!resumable) this.startSnapshot(session, hello);
    this.pump(session);
  }

  private ack(nodeId: string, ack: Ack): void {
    const s = this.sessions.get(nodeId);
    // An ack from a standby this feed has not greeted: it will say hello again.
    if (!s) return;
    s.lastSeenAt = this.opts.clock.now();
    const f = s.inflight;
    if (ack.kind === 'chunk') {
      if (f?.kind !== 'chunk' || s.snapshot?.id !== ack.snapshotId || f.index !== ack.index) return;
      s.snapshot.next = f.index + 1;
      s.inflight = null;
    } else {
      if (ack.storeId !== this.storeId || ack.seq < s.acked) return;
      s.acked = ack.seq;
      if (f?.kind === 'entries' && ack.seq >= f.upTo) s.inflight = null;
      if (f?.kind === 'chunk' && s.snapshot && f.index === s.snapshot.chunks.length - 1) {
        s.inflight = null;
        s.snapshot = null;
        this.opts.logger.info({ standby: nodeId, seq: ack.seq }, 'replication: the standby holds the snapshot');
      }
      this.settleWaiters();
    }
    this.pump(s);
  }

  private startSnapshot(s: Session, hello: Hello): void {
    const snap = this.opts.log.snapshot();
    const id = randomBytes(8).toString('hex');
    s.snapshot = { id, chunks: chunk(snap, id, this.opts.maxBytes ?? 256 * 1024), next: 0 };
    s.acked = 0;
    this.opts.logger.info({ standby: s.nodeId, had: hello.storeId === this.storeId ? hello.seq : null, upTo: snap.upTo, rows: snap.rows.length, chunks: s.snapshot.chunks.length }, 'replication: sending a snapshot');
  }

  private pump(s: Session): void {
    if (s.inflight !== null) return;
    const now = this.opts.clock.now();
    if (s.snapshot) {
      const c = s.snapshot.chunks[s.snapshot.next];
      if (!c) return;
      s.inflight = { kind: 'chunk', index: c.index, sentAt: now };
      this.opts.send(s.nodeId, c);
      return;
    }
    if (!this.opts.log.reaches(s.acked)) {
      this.startSnapshot(s, { storeId: this.storeId, seq: s.acked });
      this.pump(s);
      return;
    }
    const entries = this.opts.log.after(s.acked, 1000, this.opts.maxBytes ?? 256 * 1024);
    const last = entries[entries.length - 1];
    if (!last) return;
    s.inflight = { kind: 'entries', upTo: last.seq, sentAt: now };
    this.opts.send(s.nodeId, { kind: 'entries', storeId: this.storeId, after: s.acked, entries });
  }

  private tick(): void {
    const now = this.opts.clock.now();
    const head = this.opts.log.head();
    const last = this.heads[this.heads.length - 1];
    if (!last || last.seq < head) this.heads.push({ seq: head, at: now });
    const oldest = Math.min(head, ...[...this.sessions.values()].map((s) => s.acked));
    while (this.heads.length > 1 && (this.heads[1] as { seq: number }).seq <= oldest) this.heads.shift();
    if (this.heads.length > 10_000) this.heads.splice(0, this.heads.length - 10_000);
    for (const [nodeId, s] of this.sessions) {
      // A standby gone for an hour (decommissioned, renamed) is forgotten: it says hello again
      // if it comes back, and a forgotten one holds no lag figure or history mark.
      if (now - s.lastSeenAt > FORGET_AFTER_MS) {
        this.sessions.delete(nodeId);
        continue;
      }
      // A message unanswered for long was lost with a connection: wait for the next hello.
      if (s.inflight && now - s.inflight.sentAt > (this.opts.liveMs ?? 15_000)) s.inflight = null;
      if (this.isLive(s, now)) this.pump(s);
    }
    this.settleWaiters();
  }

  private settleWaiters(): void {
    for (const w of [...this.waiters]) {
      const outcome = this.reached(w.seq, w.needed);
      if (outcome === null) continue;
      this.waiters.delete(w);
      w.done(outcome);
    }
  }

  /** The connected standbys that hold the leader's state (not in the middle of a snapshot). */
  private inSync(): Session[] {
    const now = this.opts.clock.now();
    return [...this.sessions.values()].filter((s) => this.isLive(s, now) && s.snapshot === null);
  }

  private isLive(s: Session, now: number): boolean {
    return now - s.lastSeenAt <= (this.opts.liveMs ?? 15_000);
  }
}

/** A snapshot cut into messages of about `maxBytes` of rows (at least one, even when empty). */
export function chunk(snap: Snapshot, snapshotId: string, maxBytes: number): ChunkMessage[] {
  const groups: Snapshot['rows'][] = [[]];
  let bytes = 0;
  for (const r of snap.rows) {
    const size = JSON.stringify(r.row).length + 32;
    const current = groups[groups.length - 1] as Snapshot['rows'];
    if (current.length > 0 && bytes + size > maxBytes) {
      groups.push([r]);
      bytes = size;
    } else {
      current.push(r);
      bytes += size;
    }
  }
  return groups.map((rows, index) => ({ kind: 'chunk', storeId: snap.storeId, snapshotId, index, count: groups.length, upTo: snap.upTo, rows }));
}

export { ReplicationError };
