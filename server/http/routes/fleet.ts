import type { FleetMetrics, ReplicationMetrics } from '../../metrics/metric-sources.js';
import type { StandbyView } from '../../replication/leader-feed.js';
import type { HttpApp } from '../app.js';

export interface FleetRouteDeps {
  /** The election as this node sees it; null for a lone server. */
  fleet: () => FleetMetrics | null;
  /** The feed to the standbys; null where nothing is replicated. */
  replication: () => (Omit<ReplicationMetrics, 'standbys'> & { head: number; standbys: readonly StandbyView[] }) | null;
}

/**
 * `GET /fleet`: which node serves (this one, under which epoch) and its standbys, with how far
 * each is behind. Ids, counts and times only: no secret, no address.
 */
export function fleetRoutes(app: HttpApp, deps: FleetRouteDeps): void {
  app.get('/fleet', async () => {
    const f = deps.fleet();
    const r = deps.replication();
    return {
      node: f ? { id: f.nodeId ?? null, leader: f.isLeader, epoch: f.epoch, leaderChanges: f.leaderChanges } : null,
      replication: r
        ? {
            on: true,
            head: r.head,
            waits: r.waits,
            standbys: r.standbys.map((s) => ({
              id: s.nodeId,
              connected: s.connected,
              syncing: s.syncing,
              ackedSeq: s.ackedSeq,
              lagEntries: s.lagEntries,
              lagSeconds: Math.round(s.lagSeconds * 1000) / 1000,
              lastSeenAt: Number.isFinite(s.lastSeenAt) ? new Date(s.lastSeenAt).toISOString() : null,
            })),
          }
        : { on: false, head: null, waits: null, standbys: [] },
    };
  });
}
