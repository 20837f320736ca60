import type { Clock } from '../../shared/clock.js';
import type { Change, ChangeFeed } from './change-feed.js';
import type { SseConnection, SseSink } from './sse-connection.js';
import type { StreamHub } from './stream-hub.js';
import type { StreamSnapshot } from './snapshot.js';

export interface AdminStreamDeps {
  clock: Clock;
  feed: ChangeFeed;
  hub: StreamHub;
  snapshot: () => StreamSnapshot;
}

export type SnapshotReason = 'initial' | 'resync';

/** A Last-Event-ID or `since` value as a change id; null when it is not one. */
export function parseChangeId(raw: string | undefined): number | null | undefined {
  if (raw === undefined) return undefined;
  const t = raw.trim();
  if (!/^\d{1,15}$/.test(t)) return null;
  return Number(t);
}

/**
 * The admin live stream: a snapshot (or, for a client resuming with the id it saw last,
 * exactly the changes it missed, in order), then every change as it is appended. Each event
 * carries its change id, so EventSource resumes by itself with Last-Event-ID.
 *
 * Events: `snapshot` (data: reason, id, at, rooms, devices), then one per change named for
 * its kind (`room`, `device`, `notify`, `release`, `series-flagged`; data: the change), and `end`
 * when the server closes it.
 */
export function openAdminStream(deps: AdminStreamDeps, sink: SseSink, opts: { lastEventId?: string; stillAllowed: () => boolean }): SseConnection {
  const { feed, clock } = deps;
  const conn = deps.hub.connect(sink, { stillAllowed: opts.stillAllowed, kind: 'admin' });
  let lastSent = 0;

  const sendChange = (c: Change): void => {
    // A change can reach a new stream twice: once in its catch-up and once live.
    if (c.id <= lastSent) return;
    lastSent = c.id;
    conn.send({ id: c.id, event: c.kind, data: { ...c, at: new Date(c.at).toISOString() } });
  };
  const sendSnapshot = (reason: SnapshotReason, detail?: string): void => {
    const id = feed.latestId();
    lastSent = id;
    conn.send({ id, event: 'snapshot', data: { reason, ...(detail ? { detail } : {}), id, at: new Date(clock.now()).toISOString(), ...deps.snapshot() } });
  };

  if (!conn.isOpen) return conn;
  // Everything below runs in one tick (the store is synchronous): no change can slip between
  // the catch-up and the live subscription.
  const unsubscribe = feed.subscribe(sendChange);
  conn.onClose(unsubscribe);

  const since = parseChangeId(opts.lastEventId);
  if (since === undefined) sendSnapshot('initial');
  else if (since === null) sendSnapshot('resync', `${JSON.stringify(opts.lastEventId)} is not a change id`);
  else {
    const r = feed.resume(since);
    if (r.kind === 'resync') sendSnapshot('resync', r.why);
    else {
      lastSent = since;
      for (const c of r.changes) sendChange(c);
    }
  }
  return conn;
}
