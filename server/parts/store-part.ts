import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Part } from '../../shared/lifecycle.js';
import { createLogger } from '../../shared/logger.js';
import { Store } from '../store/store.js';
import { RoomDirectory } from '../rooms/room-directory.js';
import { bootstrapSecret } from '../secrets-bootstrap.js';
import { AdminToken } from '../security/admin-token.js';
import { ChangeFeed } from '../stream/change-feed.js';
import { ChangePruner } from '../stream/change-pruner.js';
import type { PartDeps } from './part-deps.js';
import { visibleDevice } from '../store/repos/devices.js';

/** The SQLite store, the configured rooms and the site's tokens. */
export function storePart({ opts, config, clock, slots, events }: PartDeps): Part {
  const dataDir = resolve(config.server.dataDir);
  return {
    name: 'store',
    start() {
      mkdirSync(dataDir, { recursive: true });
      // When preparing fails, the lifecycle calls stop(), which closes the store again.
      prepare(slots.set('store', Store.open({ path: join(dataDir, 'doorplate.db'), clock })));
    },
    stop() {
      if (slots.has('store')) slots.get('store').close();
    },
    health() {
      try {
        slots.get('store').ping();
        return { ok: true };
      } catch (e) {
        return { ok: false, detail: (e as Error).message };
      }
    },
  };

  function prepare(store: Store): void {
      // From now on this store writes its own history: a standby again later starts from a snapshot.
      store.replication.forgetCursor(opts.servingEpoch ?? null);
      // Removing a room drops its push channels from the store; the provider still has to stop them.
      const configured = new Set(config.rooms.map((r) => r.id));
      slots.set('orphanChannels', store.pushChannels.list().filter((c) => !configured.has(c.roomId)));
      store.rooms.upsertFromConfig(config.rooms);
      slots.set('rooms', new RoomDirectory(config));

      const admin = bootstrapSecret({ name: 'admin-token', configuredHash: config.server.adminTokenHash, settings: store.settings, dataDir, plain: opts.adminToken });
      const enrollment = bootstrapSecret({ name: 'enrollment-token', configuredHash: config.server.enrollment.tokenHash, settings: store.settings, dataDir, plain: opts.enrollmentToken });
      const adminToken = new AdminToken({ hash: admin.hash, fromConfig: !opts.adminToken && config.server.adminTokenHash !== undefined, settings: store.settings, file: admin.file });
      adminToken.onRotate(() => events.emit('token.rotated', {}));
      slots.set('tokens', { admin: adminToken, adminPlain: admin.plain, enrollmentHash: enrollment.hash, enrollmentPlain: enrollment.plain });
  }
}

/** How long presence changes are kept: the usage report's reach for sensor minutes (a year and a bit). */
const PRESENCE_KEEP_MS = 400 * 86_400_000;

/**
 * Expired notices, presence changes older than the usage report reaches, and the replication
 * log beyond what standbys may still need (kept short also where nothing is replicated: every
 * store captures its changes).
 */
function pruneAlong(config: PartDeps['config'], clock: PartDeps['clock']): (store: Store) => void {
  return (store) => {
    store.notices.pruneExpired();
    store.presence.pruneBefore(clock.now() - PRESENCE_KEEP_MS);
    store.replication.prune(config.node.replication.logEntries);
  };
}

/** The change log: what the live stream replays; appended to from room and device events, pruned by age and count. */
export function changesPart({ config, clock, log, slots, events }: PartDeps): Part {
  let pruner: ChangePruner | null = null;
  const prune = pruneAlong(config, clock);
  return {
    name: 'changes',
    start() {
      const store = slots.get('store');
      const streamLog = createLogger('server:stream', log);
      const feed = slots.set('feed', new ChangeFeed(store.changes, clock, streamLog));
      events.on('changes', 'room.published', ({ roomId, ...what }) => void feed.append({ kind: 'room', roomId, payload: what }));
      events.on('changes', 'device.changed', ({ device }) => {
        feed.append({ kind: 'device', deviceId: device.id, payload: visibleDevice(device) });
      });
      const { stream } = config.server;
      pruner = new ChangePruner({ clock, changes: store.changes, maxChanges: stream.maxChanges, maxAgeMs: stream.maxAgeHours * 3_600_000, also: () => prune(store), log: streamLog });
      pruner.start();
    },
    stop() {
      events.off('changes');
      pruner?.stop();
      pruner = null;
    },
  };
}
