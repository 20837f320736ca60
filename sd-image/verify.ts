import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { ConfigError, parseConfig } from '../shared/config/load.js';
import { spiEnabled } from './boot-files.js';
import { ImageError } from './errors.js';
import { Ext4Partition } from './ext4.js';
import { FatPartition } from './fat.js';
import { ImageManifestSchema, type ImageManifest } from './manifest.js';
import { readLayout } from './partitions.js';
import { APP_DIR, CONFIG_PATH, FIRST_BOOT_PATH, MANIFEST_PATH, UNIT_DIR, WANTS_DIR, roleUnit } from './root-files.js';
import { processRunner, type ToolRunner } from './tools.js';

export interface VerifyReport {
  /** What the image holds, one fact a line. */
  readonly facts: string[];
  /** What is missing or wrong, each `where: what`. */
  readonly problems: string[];
  readonly manifest?: ImageManifest;
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const octal = (m: number): string => `0${m.toString(8)}`;

/** Reads a built image without changing it and checks everything the builder placed. */
export async function verifyImage(path: string, runner: ToolRunner = processRunner): Promise<VerifyReport> {
  const st = await stat(path).catch(() => null);
  if (!st?.isFile()) throw new ImageError(`${path}: image not found`);
  const layout = await readLayout(runner, path);
  const facts: string[] = [`partitions: boot (FAT) at ${layout.boot.offset}, root (ext4) at ${layout.root.offset}`];
  const problems: string[] = [];
  const fat = new FatPartition(runner, path, layout.boot.offset);
  const root = new Ext4Partition(runner, path, layout.root.offset, 0);

  const configTxt = await fat.read('/config.txt');
  if (configTxt === null) problems.push('boot:/config.txt: missing');
  else if (!spiEnabled(configTxt.toString('utf8'))) problems.push('boot:/config.txt: SPI is not turned on (dtparam=spi=on)');
  else facts.push('boot: SPI on');
  if ((await fat.read('/cmdline.txt')) === null) problems.push('boot:/cmdline.txt: missing');

  const rawManifest = await root.read(MANIFEST_PATH).catch(() => null);
  if (rawManifest === null) {
    problems.push(`root:${MANIFEST_PATH}: missing; this image was not built by doorplate image build`);
    return { facts, problems };
  }
  let manifest: ImageManifest;
  try {
    manifest = ImageManifestSchema.parse(JSON.parse(rawManifest.toString('utf8')));
  } catch (e) {
    problems.push(`root:${MANIFEST_PATH}: unreadable (${(e as Error).message.split('\n')[0]})`);
    return { facts, problems };
  }
  facts.push(`role: ${manifest.role}`, `app: ${manifest.app.version}${manifest.app.bundled ? ' with bundled node_modules' : ' (modules installed at first boot)'}`);

  for (const b of manifest.boot) {
    const content = await fat.read(b.path);
    if (content === null) problems.push(`boot:${b.path}: missing`);
    else if (sha256(content) !== b.sha256) problems.push(`boot:${b.path}: changed since the build`);
  }

  const stats = await root.statMany(manifest.files.map((f) => f.path));
  const contents = await root.readMany(manifest.files.map((f) => f.path));
  manifest.files.forEach((f, i) => {
    const s = stats[i];
    const c = contents[i];
    if (!s || !c) return problems.push(`root:${f.path}: missing`);
    if (s.type !== 'regular') return problems.push(`root:${f.path}: is a ${s.type}, not a file`);
    if (sha256(c) !== f.sha256) problems.push(`root:${f.path}: content changed since the build`);
    if (s.mode !== f.mode) problems.push(`root:${f.path}: mode ${octal(s.mode)}, expected ${octal(f.mode)}`);
    if (s.uid !== f.uid || s.gid !== f.gid) problems.push(`root:${f.path}: owner ${s.uid}:${s.gid}, expected ${f.uid}:${f.gid}`);
    return undefined;
  });
  const links = await root.statMany(manifest.symlinks.map((l) => l.path));
  manifest.symlinks.forEach((l, i) => {
    const s = links[i];
    if (!s) problems.push(`root:${l.path}: missing`);
    else if (s.type !== 'symlink') problems.push(`root:${l.path}: is a ${s.type}, not a symlink`);
    else if (s.target !== undefined && s.target !== l.target) problems.push(`root:${l.path}: points at ${s.target}, expected ${l.target}`);
  });

  const paths = new Set(manifest.files.map((f) => f.path));
  const links2 = new Set(manifest.symlinks.map((l) => l.path));
  for (const need of [CONFIG_PATH, FIRST_BOOT_PATH, `${APP_DIR}/package.json`, `${APP_DIR}/dist/cli/main.js`, `${APP_DIR}/dist/bundle/main.js`]) {
    if (!paths.has(need)) problems.push(`root:${need}: not part of the image`);
  }
  for (const unit of ['doorplate-firstboot.service', roleUnit(manifest.role)]) {
    if (!paths.has(`${UNIT_DIR}/${unit}`)) problems.push(`root:${UNIT_DIR}/${unit}: not part of the image`);
    if (!links2.has(`${WANTS_DIR}/${unit}`)) problems.push(`root:${WANTS_DIR}/${unit}: ${unit} is not enabled`);
  }
  facts.push(`units enabled: ${manifest.units.enabled.join(', ')}`);

  const configIdx = manifest.files.findIndex((f) => f.path === CONFIG_PATH);
  const configBytes = configIdx >= 0 ? contents[configIdx] : null;
  if (configBytes) {
    try {
      const config = parseConfig(parseYaml(configBytes.toString('utf8')), CONFIG_PATH);
      if (config.role !== manifest.role) problems.push(`root:${CONFIG_PATH}: role ${config.role} but the image was built for ${manifest.role}`);
      const server = config.role === 'server' ? `serves on port ${config.broker.port}` : `server ${config.edge.server.host}:${config.edge.server.port}`;
      facts.push(`config: ${CONFIG_PATH} valid, site ${config.site.name}, ${server}, panel ${config.edge.panel.model}`);
    } catch (e) {
      const lines = e instanceof ConfigError ? e.problems : [(e as Error).message];
      for (const l of lines) problems.push(`root:${CONFIG_PATH}: ${l}`);
    }
  }
  facts.push(`files: ${manifest.files.length}, symlinks: ${manifest.symlinks.length}`);
  return { facts, problems, manifest };
}
