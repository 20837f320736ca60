import { readFileSync } from 'node:fs';
import { DoorplateError } from '../../shared/errors.js';

/** The site's fleet secret from `node.fleetSecretFile`; refused when unreadable or too short to guess at. */
export function readFleetSecret(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (e) {
    throw new DoorplateError('BAD_REQUEST', `node.fleetSecretFile: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (text.length < 16) throw new DoorplateError('BAD_REQUEST', `node.fleetSecretFile: ${file} must hold at least 16 characters`);
  return text;
}
