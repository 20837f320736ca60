import type { Migration } from './migration.js';

/**
 * The fleet epoch of the history this store holds: the epoch of the leader a standby applied
 * from, or the epoch this node served under. With the seq reached in that history it is the
 * store's position, which the election compares so that the most up-to-date node leads next
 * (shared/fleet/election.ts). NULL until the store follows or serves under a known epoch.
 */
export const replicaEpoch: Migration = {
  version: 10,
  name: 'replica-epoch',
  up: `ALTER TABLE replication_control ADD COLUMN history_epoch INTEGER CHECK (history_epoch IS NULL OR history_epoch >= 0);`,
};
