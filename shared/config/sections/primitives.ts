import * as z from 'zod';

/** Value types several sections share: time zones, ports, digests, and the read-only config type. */

export const TimeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'is not a known IANA time zone');

export const Port = z.number().int().min(0).max(65535);
export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 hex digest');
/** A certificate's SHA-256 fingerprint as `openssl x509 -fingerprint -sha256` prints it, or as 64 plain hex digits. */
export const Sha256Fingerprint = z
  .string()
  .regex(/^(?:[0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$|^[0-9A-Fa-f]{64}$/, 'must be a SHA-256 fingerprint: 32 hex pairs joined by colons, or 64 hex digits');

/** Read-only all the way down: the loaded config is frozen, and the type says so. */
export type DeepReadonly<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends ReadonlyArray<infer U>
    ? ReadonlyArray<DeepReadonly<U>>
    : T extends object
      ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
      : T;
