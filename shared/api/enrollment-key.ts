import { createHash, randomBytes } from 'node:crypto';

/**
 * The one-time enrollment key, part of the MQTT contract. A device that enrolls makes a random
 * key, keeps it, and sends only its sha256 in its hello (`enrollmentKey`); the server binds the
 * device id to that hash. From then on the key goes with every password of that device id:
 *
 * - enrolling: `<enrollment token>|<key>`;
 * - with its secret: `<secret>|<key>`.
 *
 * So the secret the server hands out, and the device id itself, are of use only to the holder
 * of the key: a copy of the enrollment token alone cannot take a pending display's place.
 */
export const KEY_SEPARATOR = '|';
/** 32 random bytes, base64url. */
export const ENROLLMENT_KEY_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function newEnrollmentKey(): string {
  return randomBytes(32).toString('base64url');
}

export function enrollmentKeyHash(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function withKey(value: string, key: string): string {
  return `${value}${KEY_SEPARATOR}${key}`;
}

/** The value and the key of a password built by withKey; null when it carries no key. */
export function splitKey(password: string): { value: string; key: string } | null {
  const at = password.lastIndexOf(KEY_SEPARATOR);
  if (at < 0) return null;
  const key = password.slice(at + 1);
  return ENROLLMENT_KEY_PATTERN.test(key) ? { value: password.slice(0, at), key } : null;
}
