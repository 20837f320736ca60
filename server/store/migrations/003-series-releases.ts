import type { Migration } from './migration.js';

/**
 * No-show releases per recurring series: each released occurrence is recorded once (a retried
 * release does not count twice), and a series that reached the site's threshold is flagged so
 * an administrator can talk to its organizer or drop the room from it.
 */
export const seriesReleases: Migration = {
  version: 3,
  name: 'series-releases',
  up: `
CREATE TABLE released_occurrences (
  room_id     TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  event_id    TEXT NOT NULL,
  series_id   TEXT NOT NULL,
  released_at INTEGER NOT NULL,
  PRIMARY KEY (room_id, event_id)
) STRICT;
CREATE INDEX released_occurrences_series ON released_occurrences (room_id, series_id);

CREATE TABLE flagged_series (
  room_id    TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  series_id  TEXT NOT NULL,
  releases   INTEGER NOT NULL,
  flagged_at INTEGER NOT NULL,
  PRIMARY KEY (room_id, series_id)
) STRICT;
`,
};
