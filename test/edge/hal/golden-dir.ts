import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest folder above this file whose package.json is doorplate's. */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'doorplate') return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the doorplate repository root above the test file');
    dir = up;
  }
}

/** The maker's reference traces, kept in the repository (see its README for where they came from). */
export function goldenEpdDir(): string {
  return path.join(repoRoot(), 'test', 'fixtures', 'epd');
}
