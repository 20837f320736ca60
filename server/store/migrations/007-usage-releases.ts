import type { Migration } from './migration.js';

/**
 * Every released no-show, kept for the usage report: the change log that carries release
 * records is pruned after hours, a usage report looks back weeks.
 */
export const usageReleases: Migration = {
  version: 7,
  name: 'usage-releases',
  up: `
CREATE TABLE usage_releases (
  room_id     TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  event_id    TEXT NOT NULL,
  start_ms    INTEGER NOT NULL,
  end_ms      INTEGER NOT NULL,
  released_at INTEGER NOT NULL,
  PRIMARY KEY (room_id, event_id)
) STRICT;
CREATE INDEX usage_releases_start ON usage_releases (start_ms);
`,
};
