import type { Migration } from './migration.js';

/**
 * A pending device is bound to the one-time key it generated: the sha256 of that key, from its
 * first enrolling hello. Only the key's holder may enroll under that id again, and its secret
 * works only together with the key.
 */
export const enrollmentKeys: Migration = {
  version: 6,
  name: 'enrollment-keys',
  up: `
ALTER TABLE devices ADD COLUMN enroll_key_hash TEXT
  CHECK (enroll_key_hash IS NULL OR (length(enroll_key_hash) = 64 AND enroll_key_hash NOT GLOB '*[^0-9a-f]*'));
CREATE INDEX devices_pending ON devices (created_at) WHERE status = 'pending';
`,
};
