import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rename, rm, stat, statfs, writeFile, realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectApp, type AppPayload } from './app-payload.js';
import { enableSpi, setWifiCountry, userconf } from './boot-files.js';
import { copyFile, type CopyFn } from './copy.js';
import { ImageError } from './errors.js';
import { Ext4Partition, type Ext4Op, type Ext4Stat } from './ext4.js';
import { FatPartition } from './fat.js';
import { readLayout, type ImageLayout } from './partitions.js';
import type { Progress } from './progress.js';
import {
  APP_DIR,
  AUTHORIZED_KEYS_DIR,
  CONFIG_PATH,
  FIRST_BOOT_PATH,
  MANIFEST_PATH,
  SITE_ENV_PATH,
  SSHD_DROP_IN_PATH,
  UNITS,
  UNIT_DIR,
  WANTS_DIR,
  WIFI_PATH,
  authorizedKeys,
  configYaml,
  nmConnection,
  roleUnit,
  siteEnv,
  sshdDropIn,
} from './root-files.js';
import { loadSiteFile, type Site } from './site-schema.js';
import { processRunner, type ToolRunner } from './tools.js';
import type { ImageManifest } from './manifest.js';

export interface BuildOptions {
  /** The downloaded Raspberry Pi OS image; only read. */
  readonly base: string;
  readonly out: string;
  /** The site file (site.yml). */
  readonly config: string;
  /** The built app folder (dist/, package.json, package-lock.json); node_modules is left out. */
  readonly app?: string;
  /** An app folder with node_modules installed on a Pi, for a first boot without network. */
  readonly appBundle?: string;
  /** The folder holding systemd/ and provisioning/; by default the one this tool came from. */
  readonly assets?: string;
  /** Time stamp of every written file, in seconds; default SOURCE_DATE_EPOCH or the base image's mtime. */
  readonly epoch?: number;
}

export interface BuildDeps {
  readonly progress: Progress;
  readonly runner?: ToolRunner;
  readonly copy?: CopyFn;
  /** Free bytes on the file system holding `dir`. */
  readonly freeBytes?: (dir: string) => Promise<number>;
  readonly env?: NodeJS.ProcessEnv;
}

export interface BuildResult {
  readonly out: string;
  readonly manifest: ImageManifest;
}

/** The project root seen from this file (dist/sd-image/build.js or sd-image/build.ts). */
export function defaultAssets(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
}

const defaultFreeBytes = async (dir: string): Promise<number> => {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
};

/** A file the build places in the root, before it is turned into debugfs operations. */
type Placement =
  | { kind: 'file'; path: string; mode: number; content: Buffer; uid?: number; gid?: number }
  | { kind: 'hostfile'; path: string; mode: number; source: string }
  | { kind: 'dir'; path: string; mode: number }
  | { kind: 'symlink'; path: string; target: string };

const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

function errnoText(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

/** Builds a site image from a base image: checks everything first, then works on a temporary copy. */
export async function buildImage(opts: BuildOptions, deps: BuildDeps): Promise<BuildResult> {
  const runner = deps.runner ?? processRunner;
  const progress = deps.progress;
  const env = deps.env ?? process.env;
  const base = resolve(opts.base);
  const out = resolve(opts.out);

  progress.step('checking the inputs');
  const baseStat = await stat(base).catch((e: unknown) => {
    throw new ImageError(`${opts.base}: base image not found (${errnoText(e)})`);
  });
  if (!baseStat.isFile()) throw new ImageError(`${opts.base}: base image is not a file`);
  const outDir = dirname(out);
  const outDirStat = await stat(outDir).catch(() => null);
  if (!outDirStat?.isDirectory()) throw new ImageError(`${opts.out}: the folder ${outDir} does not exist`);
  const existingOut = await realpath(out).catch(() => null);
  if (existingOut !== null && existingOut === (await realpath(base))) throw new ImageError(`${opts.out}: the output would replace the base image; choose another name`);
  if (opts.app && opts.appBundle) throw new ImageError('give --app or --app-bundle, not both');

  const site = loadSiteFile(opts.config);
  const assets = opts.assets ?? defaultAssets();
  const app = await collectApp(opts.appBundle ?? opts.app ?? assets, opts.appBundle !== undefined);
  const epoch = opts.epoch ?? (env.SOURCE_DATE_EPOCH ? Number(env.SOURCE_DATE_EPOCH) : Math.floor(baseStat.mtimeMs / 1000));
  if (!Number.isInteger(epoch) || epoch < 315532800) throw new ImageError(`time stamp ${epoch}: must be whole seconds after 1980-01-01 (FAT cannot hold older times)`);
  const assetFiles = await readAssets(assets);

  const layout = await readLayout(runner, base);
  await checkBaseContents(runner, base, layout, epoch);

  const need = baseStat.size + 16 * 1024 * 1024;
  const free = await (deps.freeBytes ?? defaultFreeBytes)(outDir);
  if (free < need) {
    throw new ImageError(`${outDir}: not enough free space for the image: ${Math.ceil(need / 2 ** 20)} MiB needed, ${Math.floor(free / 2 ** 20)} MiB free`);
  }

  const tmp = join(outDir, `.${basename(out)}.tmp-${randomBytes(4).toString('hex')}`);
  try {
    progress.step(`copying ${basename(base)}`, baseStat.size);
    try {
      await (deps.copy ?? copyFile)(base, tmp, (n) => progress.update(n));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOSPC') throw new ImageError(`${outDir}: no space left on the disk while copying the base image`);
      throw new ImageError(`${opts.out}: cannot write the image (${errnoText(e)})`);
    }

    progress.step('writing the boot partition', 4);
    const bootFiles = await writeBoot(new FatPartition(runner, tmp, layout.boot.offset), site, new Date(epoch * 1000), progress);

    const placements = planRoot(site, app, assetFiles);
    progress.step('writing the root partition', placements.length);
    const root = new Ext4Partition(runner, tmp, layout.root.offset, epoch);
    const manifest = await writeRoot(root, site, app, placements, bootFiles, epoch);
    progress.update(placements.length);

    progress.step('checking the root file system');
    const fsck = await runner.run('e2fsck', ['-fn', `${tmp}?offset=${layout.root.offset}`]);
    if (fsck.code !== 0) throw new ImageError(`the root file system of the new image is not clean (e2fsck exit ${fsck.code}): ${fsck.stdout.toString('utf8').trim().split('\n').slice(-2).join('; ')}`);

    await rename(tmp, out);
    progress.note(`wrote ${opts.out}: role ${site.image.role}, app ${app.version}${app.bundled ? ' (bundled modules)' : ''}, ${manifest.files.length} files`);
    return { out, manifest };
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  } finally {
    progress.finish();
  }
}

interface Assets {
  readonly firstBoot: Buffer;
  readonly units: ReadonlyMap<string, Buffer>;
}

async function readAssets(dir: string): Promise<Assets> {
  const read = async (rel: string): Promise<Buffer> => {
    try {
      return await readFile(join(dir, rel));
    } catch (e) {
      throw new ImageError(`${join(dir, rel)}: cannot read (${errnoText(e)}); --assets must point at the folder holding systemd/ and provisioning/`);
    }
  };
  const units = new Map<string, Buffer>();
  for (const u of UNITS) units.set(u, await read(`systemd/${u}`));
  return { firstBoot: await read('provisioning/first-boot.sh'), units };
}

/** Refuses a base that lacks what the builder edits, before anything is copied. */
async function checkBaseContents(runner: ToolRunner, base: string, layout: ImageLayout, epoch: number): Promise<void> {
  const fat = new FatPartition(runner, base, layout.boot.offset);
  for (const f of ['/config.txt', '/cmdline.txt']) {
    let content: Buffer | null;
    try {
      content = await fat.read(f);
    } catch {
      content = null;
    }
    if (content === null) throw new ImageError(`${base}: the boot partition has no ${f.slice(1)}; expected a Raspberry Pi OS boot partition with config.txt and cmdline.txt`);
  }
  const root = new Ext4Partition(runner, base, layout.root.offset, epoch);
  let stats: Array<Ext4Stat | null>;
  try {
    stats = await root.statMany(['/etc', '/lib/systemd/system']);
  } catch {
    throw new ImageError(`${base}: partition 2 is not an ext4 file system; expected the Raspberry Pi OS root file system`);
  }
  if (stats[0]?.type !== 'directory') throw new ImageError(`${base}: the root partition has no /etc; expected the Raspberry Pi OS root file system`);
  if (stats[1]?.type !== 'directory') throw new ImageError(`${base}: the root partition has no /lib/systemd/system; expected a systemd-based Raspberry Pi OS`);
}

async function writeBoot(fat: FatPartition, site: Site, mtime: Date, progress: Progress): Promise<Record<string, string>> {
  const written: Record<string, string> = {};
  const put = async (path: string, content: string): Promise<void> => {
    await fat.write(path, content, mtime);
    written[path] = sha256(content);
  };
  const config = (await fat.read('/config.txt'))?.toString('utf8') ?? '';
  await put('/config.txt', enableSpi(config));
  progress.update(1);
  if (site.image.wifi) {
    const cmdline = (await fat.read('/cmdline.txt'))?.toString('utf8') ?? '';
    await put('/cmdline.txt', setWifiCountry(cmdline, site.image.wifi.country));
  }
  progress.update(2);
  await put('/userconf.txt', userconf(site.image.user.name, site.image.user.passwordHash));
  progress.update(3);
  // Raspberry Pi OS turns sshd on at boot when a file named `ssh` is on the boot partition.
  if (site.image.user.ssh) await put('/ssh', '');
  progress.update(4);
  return written;
}

function planRoot(site: Site, app: AppPayload, assets: Assets): Placement[] {
  const i = site.image;
  const text = (s: string): Buffer => Buffer.from(s, 'utf8');
  const p: Placement[] = [
    { kind: 'dir', path: '/etc/doorplate', mode: 0o755 },
    { kind: 'file', path: CONFIG_PATH, mode: 0o600, content: text(configYaml(site)) },
    { kind: 'file', path: SITE_ENV_PATH, mode: 0o644, content: text(siteEnv(site)) },
    { kind: 'file', path: '/etc/timezone', mode: 0o644, content: text(`${i.timezone}\n`) },
    { kind: 'symlink', path: '/etc/localtime', target: `/usr/share/zoneinfo/${i.timezone}` },
    { kind: 'dir', path: APP_DIR, mode: 0o755 },
  ];
  for (const e of app.entries) {
    const path = posix.join(APP_DIR, e.rel);
    if (e.kind === 'dir') p.push({ kind: 'dir', path, mode: 0o755 });
    else if (e.kind === 'symlink') p.push({ kind: 'symlink', path, target: e.target });
    else p.push({ kind: 'hostfile', path, mode: e.executable ? 0o755 : 0o644, source: e.source });
  }
  p.push({ kind: 'dir', path: posix.dirname(FIRST_BOOT_PATH), mode: 0o755 });
  p.push({ kind: 'file', path: FIRST_BOOT_PATH, mode: 0o755, content: assets.firstBoot });
  for (const [name, content] of assets.units) p.push({ kind: 'file', path: `${UNIT_DIR}/${name}`, mode: 0o644, content });
  for (const unit of ['doorplate-firstboot.service', roleUnit(i.role)]) {
    p.push({ kind: 'symlink', path: `${WANTS_DIR}/${unit}`, target: `${UNIT_DIR}/${unit}` });
  }
  if (i.wifi) p.push({ kind: 'file', path: WIFI_PATH, mode: 0o600, content: text(nmConnection(i.wifi)) });
  if (i.user.ssh) {
    p.push({ kind: 'file', path: SSHD_DROP_IN_PATH, mode: 0o644, content: text(sshdDropIn(site)) });
    if (i.user.sshKeys.length > 0) {
      p.push({ kind: 'dir', path: AUTHORIZED_KEYS_DIR, mode: 0o755 });
      p.push({ kind: 'file', path: `${AUTHORIZED_KEYS_DIR}/${i.user.name}`, mode: 0o644, content: text(authorizedKeys(site)) });
    }
  }
  return p;
}

function ancestors(path: string): string[] {
  const out: string[] = [];
  for (let d = posix.dirname(path); d !== '/'; d = posix.dirname(d)) out.unshift(d);
  return out;
}

/** Turns placements into debugfs operations against what the root already holds, then applies them. */
async function writeRoot(
  root: Ext4Partition,
  site: Site,
  app: AppPayload,
  placements: readonly Placement[],
  bootFiles: Record<string, string>,
  epoch: number,
): Promise<ImageManifest> {
  const scratch = await mkdtemp(join(tmpdir(), 'doorplate-root-'));
  try {
    const targets = placements.map((pl) => pl.path);
    const dirsWanted = new Map<string, number>();
    for (const pl of placements) if (pl.kind === 'dir') dirsWanted.set(pl.path, pl.mode);
    const allDirs = [...new Set([...placements.flatMap((pl) => ancestors(pl.path)), ...dirsWanted.keys()])].sort();
    const query = [...new Set([...allDirs, ...targets, MANIFEST_PATH])];
    const stats = new Map<string, Ext4Stat | null>();
    (await root.statMany(query)).forEach((s, idx) => stats.set(query[idx] as string, s));

    const ops: Ext4Op[] = [];
    for (const d of allDirs) {
      const s = stats.get(d);
      if (!s) ops.push({ kind: 'mkdir', path: d, mode: dirsWanted.get(d) ?? 0o755, uid: 0, gid: 0 });
      else if (s.type !== 'directory' && s.type !== 'symlink') throw new ImageError(`the root partition has a file at ${d} where a folder is needed`);
    }
    const manifest: ImageManifest = {
      format: 1,
      role: site.image.role,
      app: { version: app.version, bundled: app.bundled },
      epoch,
      boot: Object.entries(bootFiles)
        .map(([path, hash]) => ({ path, sha256: hash }))
        .sort((a, b) => a.path.localeCompare(b.path)),
      files: [],
      symlinks: [],
      units: { enabled: ['doorplate-firstboot.service', roleUnit(site.image.role)] },
    };
    let n = 0;
    for (const pl of placements) {
      if (pl.kind === 'dir') continue;
      const existing = stats.get(pl.path);
      if (existing?.type === 'directory') throw new ImageError(`the root partition has a folder at ${pl.path} where a file is needed`);
      if (existing) ops.push({ kind: 'rm', path: pl.path });
      if (pl.kind === 'symlink') {
        ops.push({ kind: 'symlink', path: pl.path, target: pl.target });
        manifest.symlinks.push({ path: pl.path, target: pl.target });
        continue;
      }
      const content = pl.kind === 'file' ? pl.content : await readFile(pl.source);
      let source: string;
      if (pl.kind === 'hostfile') source = pl.source;
      else {
        source = join(scratch, String(n++));
        await writeFile(source, content);
      }
      ops.push({ kind: 'file', path: pl.path, source, mode: pl.mode, uid: 0, gid: 0 });
      manifest.files.push({ path: pl.path, sha256: sha256(content), mode: pl.mode, uid: 0, gid: 0 });
    }
    const manifestPath = join(scratch, 'manifest');
    await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    if (stats.get(MANIFEST_PATH)) ops.push({ kind: 'rm', path: MANIFEST_PATH });
    ops.push({ kind: 'file', path: MANIFEST_PATH, source: manifestPath, mode: 0o644, uid: 0, gid: 0 });
    try {
      await root.apply(ops);
    } catch (e) {
      throw new ImageError((e as Error).message);
    }
    return manifest;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
