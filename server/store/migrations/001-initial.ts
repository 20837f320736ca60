import type { Migration } from './migration.js';

/**
 * The first schema. Times the server records itself are epoch milliseconds (INTEGER); event
 * times stay the strings the calendar gave (an instant with offset, or a date for all-day
 * events) next to a millisecond range used only to find events in a window. STRICT tables make
 * SQLite refuse a value of the wrong type instead of storing it.
 */
export const initial: Migration = {
  version: 1,
  name: 'initial',
  up: `
CREATE TABLE rooms (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  calendar   TEXT,
  time_zone  TEXT,
  config     TEXT NOT NULL CHECK (json_valid(config)),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE devices (
  id               TEXT PRIMARY KEY,
  status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'revoked')),
  room_id          TEXT REFERENCES rooms (id) ON DELETE SET NULL,
  secret_hash      TEXT CHECK (secret_hash IS NULL OR (length(secret_hash) = 64 AND secret_hash NOT GLOB '*[^0-9a-f]*')),
  secret_confirmed INTEGER NOT NULL DEFAULT 0 CHECK (secret_confirmed IN (0, 1)),
  hello            TEXT CHECK (hello IS NULL OR json_valid(hello)),
  address          TEXT,
  last_seen_at     INTEGER,
  online           INTEGER NOT NULL DEFAULT 0 CHECK (online IN (0, 1)),
  created_at       INTEGER NOT NULL,
  approved_at      INTEGER,
  revoked_at       INTEGER
) STRICT;
CREATE INDEX devices_room ON devices (room_id) WHERE room_id IS NOT NULL;
CREATE INDEX devices_status ON devices (status);

CREATE TABLE events (
  room_id           TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  id                TEXT NOT NULL,
  title             TEXT NOT NULL,
  organizer         TEXT,
  start_value       TEXT NOT NULL,
  end_value         TEXT NOT NULL,
  -- A range that contains the event in any time zone (all-day dates are widened by the
  -- extreme UTC offsets), so a window query never misses an event; callers read exact times.
  start_ms          INTEGER NOT NULL,
  end_ms            INTEGER NOT NULL,
  all_day           INTEGER NOT NULL CHECK (all_day IN (0, 1)),
  status            TEXT NOT NULL CHECK (status IN ('confirmed', 'tentative', 'cancelled')),
  room_response     TEXT NOT NULL CHECK (room_response IN ('accepted', 'declined', 'tentative', 'needsAction')),
  private           INTEGER NOT NULL CHECK (private IN (0, 1)),
  check_in_required INTEGER NOT NULL CHECK (check_in_required IN (0, 1)),
  checked_in_at     TEXT,
  series_id         TEXT,
  booked_at         TEXT,
  booked_via        TEXT NOT NULL CHECK (booked_via IN ('panel', 'api', 'provider')),
  etag              TEXT,
  sequence          INTEGER NOT NULL DEFAULT 0,
  updated_at        INTEGER NOT NULL,
  PRIMARY KEY (room_id, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX events_room_window ON events (room_id, start_ms, end_ms);

CREATE TABLE sync_state (
  room_id      TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  provider     TEXT NOT NULL,
  token        TEXT,
  full_sync_at INTEGER,
  updated_at   INTEGER NOT NULL,
  PRIMARY KEY (room_id, provider)
) STRICT;

CREATE TABLE push_channels (
  id          TEXT PRIMARY KEY,
  room_id     TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  provider    TEXT NOT NULL,
  resource_id TEXT,
  token_hash  TEXT,
  expires_at  INTEGER NOT NULL,
  created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX push_channels_room ON push_channels (room_id);
CREATE INDEX push_channels_expiry ON push_channels (expires_at);

CREATE TABLE idempotency (
  scope        TEXT NOT NULL,
  key          TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status_code  INTEGER NOT NULL,
  response     TEXT NOT NULL CHECK (json_valid(response)),
  created_at   INTEGER NOT NULL,
  PRIMARY KEY (scope, key)
) STRICT;
CREATE INDEX idempotency_created ON idempotency (created_at);

CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  kind            TEXT NOT NULL,
  room_id         TEXT REFERENCES rooms (id) ON DELETE SET NULL,
  payload         TEXT NOT NULL CHECK (json_valid(payload)),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  last_error      TEXT,
  created_at      INTEGER NOT NULL,
  done_at         INTEGER
) STRICT;
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE done_at IS NULL;

CREATE TABLE changes (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  at        INTEGER NOT NULL,
  kind      TEXT NOT NULL,
  room_id   TEXT,
  device_id TEXT,
  payload   TEXT NOT NULL CHECK (json_valid(payload))
) STRICT;

CREATE TABLE settings (
  key        TEXT PRIMARY KEY,
  value      TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
`,
};
