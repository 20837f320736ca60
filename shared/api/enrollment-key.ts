import { createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * The one-time enrollment key, part of the MQTT contract. A device that enrolls makes a random
 * key and keeps it. Its hello carries the public key made from it (`sealKey`, sealed-secret.ts)
 * and the sha256 of a login key derived from it (`enrollmentKey`); the server binds the device id
 * to both. While enrolling it logs in with `<enrollment token>|<login key>`, so on the embedded
 * broker a copy of the enrollment token alone cannot take a pending display's place; a broker
 * that compares only plain passwords (Mosquitto) is given the token alone next, where the sealed
 * reply is what protects the secret.
 *
 * Older agents sent the hash of the key itself and keep sending `<secret>|<key>` with their
 * secret; the server still accepts that for the devices enrolled so.
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

/** The login key of a one-time key: one-way, so the key itself (a private key) never travels. */
export function loginKeyOf(oneTimeKey: string): string {
  return createHmac('sha256', oneTimeKey).update('doorplate enrollment login v1').digest('base64url');
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
