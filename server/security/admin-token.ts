import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DoorplateError } from '../../shared/errors.js';
import { newSecret, sha256Hex, verifySha256 } from './secrets.js';

export interface AdminTokenOptions {
  /** sha256 hex of the token in force. */
  hash: string;
  /** True when the hash comes from the config file: it would win again at the next start. */
  fromConfig: boolean;
  /** Where the hash is kept across restarts (settings key `admin-token-hash`). */
  settings: { set(key: string, value: string): void };
  /** The file the administrator picks the plain token up from (mode 0600). */
  file: string;
}

/**
 * The admin bearer token: only its hash is held. Rotating makes a new token, returns it once,
 * keeps its hash and rewrites the token file; from then on the old token opens nothing, and
 * listeners (open streams) are told so they can end at once.
 */
export class AdminToken {
  private hash: string;
  private readonly listeners: Array<() => void> = [];

  constructor(private readonly opts: AdminTokenOptions) {
    this.hash = opts.hash;
  }

  verify(token: string): boolean {
    return verifySha256(token, this.hash);
  }

  onRotate(listener: () => void): void {
    this.listeners.push(listener);
  }

  rotate(): string {
    if (this.opts.fromConfig) {
      throw new DoorplateError('FORBIDDEN', 'the admin token is set by server.adminTokenHash in the config file: change it there');
    }
    const plain = newSecret();
    const hash = sha256Hex(plain);
    this.opts.settings.set('admin-token-hash', hash);
    mkdirSync(dirname(this.opts.file), { recursive: true });
    writeFileSync(this.opts.file, `${plain}\n`, { mode: 0o600 });
    this.hash = hash;
    for (const l of this.listeners) l();
    return plain;
  }
}
