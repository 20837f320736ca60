import type { Migration } from './migration.js';

/**
 * Release by occupancy and presence in the usage report: each change of a room's presence
 * (present, absent, or unknown while no sensor of the room reports), and why a meeting was
 * released (a no-show, or nobody present).
 */
export const roomPresence: Migration = {
  version: 9,
  name: 'room-presence',
  up: `
CREATE TABLE presence_changes (
  id       INTEGER PRIMARY KEY AUTOINCREMENT,
  room_id  TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  at_ms    INTEGER NOT NULL,
  state    TEXT NOT NULL CHECK (state IN ('present', 'absent', 'unknown'))
) STRICT;
CREATE INDEX presence_changes_room_at ON presence_changes (room_id, at_ms);
ALTER TABLE usage_releases ADD COLUMN cause TEXT NOT NULL DEFAULT 'no-show' CHECK (cause IN ('no-show', 'no-presence'));
`,
};
