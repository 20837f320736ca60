import { DoorplateMetrics } from './metrics/doorplate-metrics.js';
import { packageVersion } from './metrics/version.js';
import type { DoorplateServer } from './server.js';

/**
 * The server's metrics, read from its parts at each scrape. Built before the parts exist (so
 * the first publish and the first sync are counted): every source is read lazily.
 */
export function serverMetrics(s: DoorplateServer): DoorplateMetrics {
  return new DoorplateMetrics(
    {
      version: packageVersion(),
      providerKind: s.config.provider.kind,
      rooms: () => s.rooms.list().map((r) => ({ id: r.id, status: s.publisher?.snapshot(r.id)?.state.status })),
      devices: () => s.store.devices.list(),
      broker: () => s.broker?.stats() ?? null,
      retainedPublishes: () => s.publisher?.publishCount() ?? 0,
      lastStatePublishedAt: () => s.publisher?.lastStatePublishedAt() ?? null,
      // Presence reports are device messages too.
      deviceMessagesRefused: () => (s.devices?.refusedCount() ?? 0) + (s.presence?.refusedCount() ?? 0),
      meetingsReleased: () => s.autoRelease?.releasedCount() ?? 0,
      noticesSent: () => s.notify?.sentCount() ?? 0,
      noticesResent: () => s.notify?.resentCount() ?? 0,
      noticesActive: () => s.store.notices.active().length,
      streamClients: () => s.streams?.counts() ?? { admin: 0, kiosk: 0 },
      streamChanges: () => s.store.changes.count(),
      outbox: () =>
        s.store.outbox.list({ limit: 100_000 }).map((i) => ({ kind: i.kind, state: i.doneAt !== null ? 'done' : i.nextAttemptAt === null ? 'failed' : 'pending' })),
      mail: () => s.mail.metricSource(),
      deviceLimits: () => s.devices.stats(),
      ...(s.fleet ? { fleet: s.fleet } : {}),
      // Only where this server may feed standbys (a fleet secret is configured).
      ...(s.config.node.fleetSecret
        ? {
            replication: () => {
              const r = s.replication;
              return r ? { standbys: r.feed.standbys(), waits: r.waits } : null;
            },
          }
        : {}),
    },
    { clock: s.clock },
  );
}
