import { readSecret, type SecretSource } from '../../shared/config/secret.js';
import { DoorplateError } from '../../shared/errors.js';

/** The site's fleet secret (`node.fleetSecret`); refused when unreadable or too short to guess at. */
export function readFleetSecret(source: SecretSource): string {
  let secret: string;
  try {
    secret = readSecret(source, 'node.fleetSecret');
  } catch (e) {
    throw new DoorplateError('BAD_REQUEST', (e as Error).message);
  }
  if (secret.length < 16) throw new DoorplateError('BAD_REQUEST', 'node.fleetSecret: must be at least 16 characters');
  return secret;
}
