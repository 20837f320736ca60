import type { Migration } from './migration.js';
import { initial } from './001-initial.js';
import { notices } from './002-notices.js';
import { seriesReleases } from './003-series-releases.js';
import { idempotencyReservations } from './004-idempotency-reservations.js';
import { mail } from './005-mail.js';
import { enrollmentKeys } from './006-enrollment-keys.js';
import { usageReleases } from './007-usage-releases.js';
import { replication } from './008-replication.js';
import { roomPresence } from './009-room-presence.js';
import { replicaEpoch } from './010-replica-epoch.js';
import { sealKeys } from './011-seal-keys.js';

export type { Migration };

/** Every migration in version order; a new one is appended here and never inserted. */
export const MIGRATIONS: readonly Migration[] = [initial, notices, seriesReleases, idempotencyReservations, mail, enrollmentKeys, usageReleases, replication, roomPresence, replicaEpoch, sealKeys];
