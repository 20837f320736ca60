import type { Migration } from './migration.js';

/**
 * Replication to standby nodes: every committed change to a replicated table is captured by
 * triggers (made at each open, from the tables' own columns) into `replication_log`, in commit
 * order. `replication_control` holds what belongs to this node alone and is never replicated:
 * the id of its store's history, whether a replicated batch is being applied (the triggers
 * then stay silent), and how far it has applied the leader's history (`leader_store_id`,
 * `leader_seq`).
 */
export const replication: Migration = {
  version: 8,
  name: 'replication',
  up: `
CREATE TABLE replication_log (
  seq      INTEGER PRIMARY KEY AUTOINCREMENT,
  tbl      TEXT NOT NULL,
  op       TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
  row_json TEXT NOT NULL CHECK (json_valid(row_json)),
  key_json TEXT CHECK (key_json IS NULL OR json_valid(key_json))
) STRICT;

CREATE TABLE replication_control (
  id              INTEGER PRIMARY KEY CHECK (id = 1),
  store_id        TEXT NOT NULL,
  applying        INTEGER NOT NULL DEFAULT 0 CHECK (applying IN (0, 1)),
  leader_store_id TEXT,
  leader_seq      INTEGER
) STRICT;
INSERT INTO replication_control (id, store_id) VALUES (1, lower(hex(randomblob(16))));
`,
};
