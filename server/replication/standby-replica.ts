import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { Store } from '../store/store.js';
import { decode, FeedSchema, ReplicationError, type Ack, type ChunkMessage, type Hello } from './protocol.js';

export interface StandbyReplicaOptions {
  store: Store;
  send: (kind: 'hello' | 'ack', message: Hello | Ack) => void;
  clock: Clock;
  log: Logger;
  /** Says hello again when the feed has been silent this long (also the leader's sign of life). */
  helloMs?: number;
  /**
   * The fleet epoch of the leader this replica follows (as its announcement said), recorded with
   * each applied message as the epoch of the store's history; null when unknown.
   */
  epoch?: number | null;
}

/**
 * A standby's side of replication: says where its store stands, applies each feed message in
 * one transaction and acks it. A snapshot is gathered in memory and applied when complete. A
 * message that does not follow on (a lost message, a new leader) or cannot be applied is not
 * fatal: after `helloMs` the standby says hello again and the leader answers from where the
 * store really is. When the same store fails twice in a row (a batch it cannot apply, such as
 * a column it does not have), it asks for a whole snapshot instead of the same batch again;
 * while it copies one the leader does not wait for it.
 */
export class StandbyReplica {
  private chunks: ChunkMessage[] = [];
  private lastFeedAt = Number.NEGATIVE_INFINITY;
  private applied = 0;
  /** Feed messages in a row this store could not apply; from the second on it asks for a snapshot. */
  private failures = 0;

  constructor(private readonly opts: StandbyReplicaOptions) {}

  /** How many feed messages were applied (for logs and tests). */
  get messagesApplied(): number {
    return this.applied;
  }

  /** The link is (again) connected. */
  connected(): void {
    this.chunks = [];
    this.hello();
  }

  /** Call periodically: repeats the hello while the feed is silent. */
  tick(): void {
    if (this.opts.clock.now() - this.lastFeedAt >= (this.opts.helloMs ?? 5000)) this.hello();
  }

  feed(payload: Buffer | string): void {
    this.lastFeedAt = this.opts.clock.now();
    let msg;
    try {
      msg = decode(FeedSchema, payload, 'feed');
    } catch (e) {
      // Not at once: a leader sending what this standby cannot read would otherwise loop.
      this.opts.log.warn({ err: (e as Error).message }, 'replication: refused a malformed feed message; asking again shortly');
      return;
    }
    try {
      if (msg.kind === 'entries') {
        const seq = this.opts.store.replica.applyEntries(msg, this.opts.epoch ?? null);
        this.applied++;
        this.failures = 0;
        this.opts.send('ack', { kind: 'seq', storeId: msg.storeId, seq });
        return;
      }
      if (msg.index === 0) this.chunks = [];
      const first = this.chunks[0];
      if (msg.index !== this.chunks.length || (first && first.snapshotId !== msg.snapshotId)) throw new ReplicationError(`feed.index: chunk ${msg.index} of snapshot ${msg.snapshotId} out of order`);
      this.chunks.push(msg);
      if (this.chunks.length < msg.count) {
        this.opts.send('ack', { kind: 'chunk', snapshotId: msg.snapshotId, index: msg.index });
        return;
      }
      const rows = this.chunks.reduce((n, c) => n + c.rows.length, 0);
      this.opts.store.replica.applySnapshot(this.chunks, this.opts.epoch ?? null);
      this.chunks = [];
      this.applied++;
      this.failures = 0;
      this.opts.log.info({ leaderStore: msg.storeId, seq: msg.upTo, rows }, 'replication: applied a snapshot');
      this.opts.send('ack', { kind: 'seq', storeId: msg.storeId, seq: msg.upTo });
    } catch (e) {
      if (!(e instanceof ReplicationError)) this.opts.log.error({ err: (e as Error).message }, 'replication: could not apply a feed message; asking again shortly');
      else this.opts.log.info({ err: e.message }, 'replication: the message does not fit this store; asking again shortly');
      // The next tick says hello with where the store really stands (see tick()).
      this.chunks = [];
      this.failures++;
    }
  }

  private hello(): void {
    this.lastFeedAt = this.opts.clock.now();
    const cursor = this.opts.store.replication.cursor();
    if (this.failures >= 2) {
      this.opts.log.warn({ failures: this.failures }, 'replication: the feed keeps failing here; asking for a snapshot');
      this.opts.send('hello', { storeId: null, seq: 0 });
      return;
    }
    this.opts.send('hello', cursor ?? { storeId: null, seq: 0 });
  }
}
