import type { Migration } from './migration.js';

/**
 * Mail: the people invited to each booking with what was last mailed about it (so a restart
 * neither forgets an update nor repeats one), and the outbox every mail goes through. The
 * Message-ID is fixed when a mail is queued: it is what a crash during sending is traced by.
 */
export const mail: Migration = {
  version: 5,
  name: 'mail',
  up: `
CREATE TABLE booking_attendees (
  room_id        TEXT NOT NULL,
  event_id       TEXT NOT NULL,
  organizer      TEXT NOT NULL,
  organizer_name TEXT,
  attendees      TEXT NOT NULL CHECK (json_valid(attendees)),
  uid            TEXT NOT NULL UNIQUE,
  sequence       INTEGER NOT NULL DEFAULT -1,
  sent_start     TEXT,
  sent_end       TEXT,
  sent_status    TEXT,
  created_at     INTEGER NOT NULL,
  PRIMARY KEY (room_id, event_id)
) STRICT;

CREATE TABLE reminders_sent (
  room_id  TEXT NOT NULL,
  event_id TEXT NOT NULL,
  start    TEXT NOT NULL,
  sent_at  INTEGER NOT NULL,
  PRIMARY KEY (room_id, event_id, start)
) STRICT;

CREATE TABLE mail_outbox (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  channel         TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
  kind            TEXT NOT NULL CHECK (kind IN ('invite', 'update', 'cancel', 'reminder')),
  room_id         TEXT,
  event_id        TEXT,
  language        TEXT NOT NULL,
  sender          TEXT NOT NULL,
  recipient       TEXT NOT NULL,
  message_id      TEXT NOT NULL UNIQUE,
  subject         TEXT NOT NULL,
  text_body       TEXT NOT NULL,
  html_body       TEXT NOT NULL,
  ics             TEXT,
  ics_method      TEXT CHECK (ics_method IN ('REQUEST', 'CANCEL')),
  status          TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'interrupted', 'dead')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error      TEXT,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  sent_at         INTEGER
) STRICT;
CREATE INDEX mail_outbox_due ON mail_outbox (status, next_attempt_at);
`,
};
