import { DoorplateError } from '../../shared/errors.js';

/**
 * Until when a button request may act, decided by the server: the device's `expiresAt`, but
 * never later than the room's request lifetime after `pressedAt`, and a `pressedAt` in the
 * future beyond the allowed clock skew is refused. Throws the refusal the panel shows.
 */
export function checkRequestWindow(req: { pressedAt: string; expiresAt: string }, now: number, ttlSecs: number, skewSecs: number): void {
  const pressedAt = Date.parse(req.pressedAt);
  if (pressedAt > now + skewSecs * 1000) throw new DoorplateError('CLOCK_SKEW', `pressedAt ${req.pressedAt} is in the future`);
  const deadline = Math.min(Date.parse(req.expiresAt), pressedAt + ttlSecs * 1000);
  // A press queued while offline must not act long after the person left.
  if (deadline <= now) throw new DoorplateError('REQUEST_EXPIRED', `the request expired at ${new Date(deadline).toISOString()}`);
}
