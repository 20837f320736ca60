import { randomBytes } from 'node:crypto';

/** A request's transaction id: 22 URL-safe characters (128 random bits), echoed by the server. */
export function newTransaction(): string {
  return randomBytes(16).toString('base64url');
}
