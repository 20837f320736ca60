import { createHash } from 'node:crypto';

/**
 * The event id a booking key maps to. Deriving it (instead of drawing a random one) makes a
 * repeated request find the event the first one made. 32 hex digits (128 bits) keep collisions
 * out of reach; the lowercase hex alphabet also fits Google's base32hex event-id rule.
 */
export function bookingEventId(key: string): string {
  return `bk${createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 32)}`;
}
