import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SettingsRepo } from './store/repos/settings.js';
import { newSecret, sha256Hex } from './security/secrets.js';

export interface BootstrappedSecret {
  hash: string;
  /** The plain value, only when it was made now or read from its file (never logged). */
  plain: string | null;
  file: string;
}

/**
 * The admin token and the site enrollment token: a hash from the config wins; otherwise the
 * hash kept in the store; otherwise a new random token is made, its hash stored and the plain
 * value written to `dataDir/<name>` (mode 0600) for the administrator to pick up.
 */
export function bootstrapSecret(opts: { name: 'admin-token' | 'enrollment-token'; configuredHash: string | undefined; settings: SettingsRepo; dataDir: string; plain?: string }): BootstrappedSecret {
  const file = join(opts.dataDir, opts.name);
  const key = `${opts.name}-hash`;
  if (opts.plain) {
    // An explicitly given token (demo, tests) replaces whatever was kept.
    const hash = sha256Hex(opts.plain);
    opts.settings.set(key, hash);
    writeSecretFile(file, opts.plain);
    return { hash, plain: opts.plain, file };
  }
  if (opts.configuredHash) return { hash: opts.configuredHash, plain: null, file };
  const kept = opts.settings.get(key);
  if (kept) {
    let plain: string | null = null;
    try {
      plain = readFileSync(file, 'utf8').trim();
      if (sha256Hex(plain) !== kept) plain = null;
    } catch {
      plain = null;
    }
    return { hash: kept, plain, file };
  }
  const plain = newSecret();
  const hash = sha256Hex(plain);
  writeSecretFile(file, plain);
  opts.settings.set(key, hash);
  return { hash, plain, file };
}

function writeSecretFile(file: string, value: string): void {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
}
