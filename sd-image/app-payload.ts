import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';

/** One entry of the app tree as it will sit under /opt/doorplate. */
export type AppEntry =
  | { kind: 'dir'; rel: string }
  | { kind: 'file'; rel: string; source: string; executable: boolean }
  | { kind: 'symlink'; rel: string; target: string };

export interface AppPayload {
  readonly version: string;
  readonly entries: readonly AppEntry[];
  /** True when node_modules came along (an offline bundle built on a Pi). */
  readonly bundled: boolean;
}

export class AppPayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AppPayloadError';
  }
}

/** Compiled tests and benchmarks stay off the device. */
const SKIP_IN_DIST = new Set(['test', 'bench']);

async function walk(root: string, rel: string, out: AppEntry[], skip: (rel: string) => boolean): Promise<void> {
  const names = (await readdir(join(root, rel))).sort();
  for (const name of names) {
    const r = rel ? posix.join(rel, name) : name;
    if (skip(r)) continue;
    const full = join(root, r);
    const st = await lstat(full);
    if (st.isSymbolicLink()) out.push({ kind: 'symlink', rel: r, target: await readlink(full) });
    else if (st.isDirectory()) {
      out.push({ kind: 'dir', rel: r });
      await walk(root, r, out, skip);
    } else if (st.isFile()) out.push({ kind: 'file', rel: r, source: full, executable: (st.mode & 0o111) !== 0 });
  }
}

/**
 * Collects the built app: `dist/`, `package.json`, `package-lock.json`, and with `bundle` also
 * `node_modules/` (which must then have been installed on a Pi, since it holds native modules).
 */
export async function collectApp(dir: string, bundle: boolean): Promise<AppPayload> {
  let pkg: { version?: unknown };
  try {
    pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { version?: unknown };
  } catch (e) {
    throw new AppPayloadError(`${join(dir, 'package.json')}: cannot read the app's package.json (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (typeof pkg.version !== 'string') throw new AppPayloadError(`${join(dir, 'package.json')}: version: missing`);
  // The units run the bundled CLI (dist/bundle/main.js).
  for (const need of ['package-lock.json', 'dist/cli/main.js', 'dist/bundle/main.js']) {
    const st = await lstat(join(dir, need)).catch(() => null);
    if (!st?.isFile()) throw new AppPayloadError(`${join(dir, need)}: missing; the app folder must hold a built app (npm run build)`);
  }
  if (bundle) {
    const st = await lstat(join(dir, 'node_modules')).catch(() => null);
    const done = await lstat(join(dir, 'node_modules', '.package-lock.json')).catch(() => null);
    if (!st?.isDirectory() || !done?.isFile()) {
      throw new AppPayloadError(`${join(dir, 'node_modules')}: missing or incomplete; an app bundle carries the modules installed on a Pi with npm ci --omit=dev`);
    }
  }
  const entries: AppEntry[] = [
    { kind: 'file', rel: 'package.json', source: join(dir, 'package.json'), executable: false },
    { kind: 'file', rel: 'package-lock.json', source: join(dir, 'package-lock.json'), executable: false },
    { kind: 'dir', rel: 'dist' },
  ];
  await walk(dir, 'dist', entries, (r) => SKIP_IN_DIST.has(r.split('/')[1] ?? ''));
  if (bundle) {
    entries.push({ kind: 'dir', rel: 'node_modules' });
    await walk(dir, 'node_modules', entries, () => false);
  }
  return { version: pkg.version, entries, bundled: bundle };
}
