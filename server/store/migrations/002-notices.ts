import type { Migration } from './migration.js';

/**
 * Notices (messages to all displays, some rooms or some devices) are kept so a display that
 * connects later still shows one that has not expired. The change log gets an index on its
 * time: pruning by age scanned the whole table, which on a busy site is every change of the
 * retention period, once a minute.
 */
export const notices: Migration = {
  version: 2,
  name: 'notices',
  up: `
CREATE TABLE notices (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  message    TEXT NOT NULL,
  from_name  TEXT,
  targets    TEXT NOT NULL CHECK (json_valid(targets)),
  expires_at INTEGER,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX notices_expiry ON notices (expires_at) WHERE expires_at IS NOT NULL;

CREATE INDEX changes_at ON changes (at);
`,
};
