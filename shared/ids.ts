import * as z from 'zod';

/**
 * Room and device ids appear inside MQTT topics, so they may not hold `/`, `+` or `#`;
 * a conservative alphabet keeps them readable in mosquitto_sub output and URLs.
 */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const Id = z.string().regex(ID_PATTERN, 'must be 1-64 letters, digits, "_", "." or "-", starting with a letter or digit');
export function isId(s: string): boolean {
  return ID_PATTERN.test(s);
}
