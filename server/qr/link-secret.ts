import { randomBytes } from 'node:crypto';

const KEY = 'qr-link-secret';

/** The secret that signs phone links: made once and kept in the store, so links survive a restart. */
export function linkSecret(settings: { get(key: string): string | null; set(key: string, value: string): void }): Buffer {
  const kept = settings.get(KEY);
  if (kept !== null && /^[0-9a-f]{64}$/.test(kept)) return Buffer.from(kept, 'hex');
  const made = randomBytes(32).toString('hex');
  settings.set(KEY, made);
  return Buffer.from(made, 'hex');
}
