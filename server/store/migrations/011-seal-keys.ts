import type { Migration } from './migration.js';

/**
 * A device that enrolls with a sealed reply is bound to the public key of its first enrolling
 * hello (shared/api/sealed-secret.ts): its secret is sealed to that key, and only a hello with
 * the same key may ask again. Such a device also has an enroll_key_hash (its login key's), older
 * agents only that.
 *
 * enroll_reply keeps the sealed reply until the device has used its secret: a device that lost
 * it is sent the same one again (only it can open it), so asking again never replaces a secret.
 */
export const sealKeys: Migration = {
  version: 11,
  name: 'seal-keys',
  up: `
ALTER TABLE devices ADD COLUMN enroll_seal_key TEXT
  CHECK (enroll_seal_key IS NULL OR (length(enroll_seal_key) = 43 AND enroll_seal_key NOT GLOB '*[^A-Za-z0-9_-]*'));
ALTER TABLE devices ADD COLUMN enroll_reply TEXT CHECK (enroll_reply IS NULL OR length(enroll_reply) <= 512);
`,
};
