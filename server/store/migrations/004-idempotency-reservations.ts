import type { Migration } from './migration.js';

/**
 * An idempotency key is reserved before its request does any work (`state = 'pending'`), with
 * the write it is about to make (`plan`) recorded before the calendar is touched. A server that
 * stopped between the two then answers a retry from the committed row instead of acting again.
 */
export const idempotencyReservations: Migration = {
  version: 4,
  name: 'idempotency-reservations',
  up: `
ALTER TABLE idempotency ADD COLUMN state TEXT NOT NULL DEFAULT 'done' CHECK (state IN ('pending', 'done'));
ALTER TABLE idempotency ADD COLUMN plan TEXT CHECK (plan IS NULL OR json_valid(plan));
`,
};
