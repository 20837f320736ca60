import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { buildImage, imageBuild, verifyImage, type BuildOptions } from '../../sd-image/index.js';
import { LineProgress } from '../../sd-image/progress.js';
import { ImageError } from '../../sd-image/errors.js';
import { ASSETS, EDGE_SITE, debugfsCat, debugfsStat, makeApp, makeBaseImage, mtype, rootOffset, sha256File, tempDir } from './fixture.js';

const EPOCH = 1_700_000_000;

function quiet(): LineProgress {
  return new LineProgress({ write: () => undefined });
}

function setup(name: string, siteText = EDGE_SITE, rootMiB?: number): { dir: string; base: string; opts: BuildOptions } {
  const dir = tempDir(name);
  const base = makeBaseImage(dir, rootMiB ? { rootMiB } : {});
  const app = makeApp(dir);
  writeFileSync(join(dir, 'site.yml'), siteText);
  return { dir, base, opts: { base, out: join(dir, 'site.img'), config: join(dir, 'site.yml'), app, assets: ASSETS, epoch: EPOCH } };
}

/** Nothing but the inputs: no image, no temporary copy. */
function leftovers(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.includes('site.img'));
}

test('the builder places every file with its owner and mode, enables the units, and leaves the base alone', async () => {
  const { base, opts } = setup('build');
  const before = sha256File(base);
  await buildImage(opts, { progress: quiet() });
  const img = opts.out;
  assert.equal(sha256File(base), before, 'the base image is unchanged');

  // Boot partition, read with mtools.
  const config = mtype(img, '/config.txt');
  assert.match(config, /^dtparam=spi=on$/m);
  assert.doesNotMatch(config, /^#dtparam=spi=on$/m);
  assert.match(mtype(img, '/cmdline.txt'), /rootwait quiet init=\S+ cfg80211\.ieee80211_regdom=GB\n$/);
  assert.match(mtype(img, '/userconf.txt'), /^admin:\$6\$rounds=656000\$/);
  assert.equal(mtype(img, '/ssh'), '');

  // Root partition, read with debugfs.
  const expect: Array<[string, string, number]> = [
    ['/etc/doorplate/config.yml', 'regular', 0o600],
    ['/etc/doorplate/site.env', 'regular', 0o644],
    ['/etc/doorplate/image.json', 'regular', 0o644],
    ['/etc/NetworkManager/system-connections/doorplate-wifi.nmconnection', 'regular', 0o600],
    ['/etc/ssh/sshd_config.d/doorplate.conf', 'regular', 0o644],
    ['/etc/ssh/authorized_keys/admin', 'regular', 0o644],
    ['/etc/timezone', 'regular', 0o644],
    ['/opt/doorplate/package.json', 'regular', 0o644],
    ['/opt/doorplate/package-lock.json', 'regular', 0o644],
    ['/opt/doorplate/dist/cli/main.js', 'regular', 0o755],
    ['/opt/doorplate/dist/shared/config/load.js', 'regular', 0o644],
    ['/opt/doorplate/provisioning/first-boot.sh', 'regular', 0o755],
    ['/lib/systemd/system/doorplate-edge.service', 'regular', 0o644],
    ['/lib/systemd/system/doorplate-server.service', 'regular', 0o644],
    ['/lib/systemd/system/doorplate-node.service', 'regular', 0o644],
    ['/lib/systemd/system/doorplate-firstboot.service', 'regular', 0o644],
    ['/opt/doorplate', 'directory', 0o755],
    ['/etc/doorplate', 'directory', 0o755],
  ];
  for (const [path, type, mode] of expect) {
    const s = debugfsStat(img, path);
    assert.ok(s, `${path} exists`);
    assert.equal(s.type, type, `${path} type`);
    assert.equal(s.mode & 0o7777, mode, `${path} mode`);
    assert.equal(s.uid, 0, `${path} owner`);
    assert.equal(s.gid, 0, `${path} group`);
  }
  assert.equal(debugfsStat(img, '/opt/doorplate/dist/test'), null, 'compiled tests stay off the device');
  assert.equal(debugfsStat(img, '/opt/doorplate/node_modules'), null, 'the build machine\'s modules stay off the device');

  const wants = '/etc/systemd/system/multi-user.target.wants';
  assert.equal(debugfsStat(img, `${wants}/doorplate-firstboot.service`)?.link, '/lib/systemd/system/doorplate-firstboot.service');
  assert.equal(debugfsStat(img, `${wants}/doorplate-edge.service`)?.link, '/lib/systemd/system/doorplate-edge.service');
  assert.equal(debugfsStat(img, `${wants}/doorplate-server.service`), null, 'only the role\'s unit is enabled');
  assert.equal(debugfsStat(img, '/etc/localtime')?.link, '/usr/share/zoneinfo/Europe/London');

  const written = parseYaml(debugfsCat(img, '/etc/doorplate/config.yml')) as Record<string, Record<string, unknown>>;
  assert.equal(written.role as unknown, 'edge');
  assert.equal((written.edge?.server as Record<string, unknown>).host, 'doorplate-server.local');
  assert.equal(written.edge?.enrollmentToken, '0123456789abcdef0123');
  assert.equal(debugfsCat(img, '/etc/timezone'), 'Europe/London\n');
  const nm = debugfsCat(img, '/etc/NetworkManager/system-connections/doorplate-wifi.nmconnection');
  assert.match(nm, /^ssid=Office Net$/m);
  assert.match(nm, /^psk=correct horse battery$/m);
  assert.match(debugfsCat(img, '/etc/doorplate/site.env'), /^DOORPLATE_HOSTNAME_PATTERN='room-\{serial\}'$/m);
  assert.equal(debugfsCat(img, '/lib/systemd/system/doorplate-edge.service'), readFileSync(join(ASSETS, 'systemd/doorplate-edge.service'), 'utf8'));
  assert.equal(debugfsCat(img, '/etc/hostname'), 'raspberrypi\n', 'the host name is set at first boot, not in the image');

  const fsck = spawnSync('e2fsck', ['-fn', `${img}?offset=${rootOffset(img)}`], { encoding: 'utf8' });
  assert.equal(fsck.status, 0, fsck.stdout + fsck.stderr);

  const report = await verifyImage(img);
  assert.deepEqual(report.problems, []);
  assert.ok(report.facts.includes('app: 1.2.3 (modules installed at first boot)'));
});

test('two builds from the same inputs give byte-identical images', async () => {
  const { dir, opts } = setup('twice');
  await buildImage(opts, { progress: quiet() });
  const second = join(dir, 'second.img');
  await buildImage({ ...opts, out: second }, { progress: quiet() });
  assert.equal(sha256File(second), sha256File(opts.out));
});

test('building over an existing output replaces it whole', async () => {
  const { dir, opts } = setup('again');
  writeFileSync(opts.out, 'an older image');
  await buildImage(opts, { progress: quiet() });
  assert.deepEqual((await verifyImage(opts.out)).problems, []);
  assert.deepEqual(leftovers(dir), ['site.img']);
});

test('verify reports a changed file, a wrong mode and a missing unit link', async () => {
  const { dir, opts } = setup('tamper');
  await buildImage(opts, { progress: quiet() });
  const img = opts.out;
  const target = `${img}?offset=${rootOffset(img)}`;
  writeFileSync(join(dir, 'evil'), 'role: edge\n');
  execFileSync('debugfs', ['-w', '-R', 'rm /etc/doorplate/config.yml', target], { stdio: 'ignore' });
  execFileSync('debugfs', ['-w', '-R', `write ${join(dir, 'evil')} /etc/doorplate/config.yml`, target], { stdio: 'ignore' });
  execFileSync('debugfs', ['-w', '-R', 'sif /opt/doorplate/provisioning/first-boot.sh mode 0100644', target], { stdio: 'ignore' });
  execFileSync('debugfs', ['-w', '-R', 'rm /etc/systemd/system/multi-user.target.wants/doorplate-edge.service', target], { stdio: 'ignore' });
  const report = await verifyImage(img);
  assert.ok(report.problems.includes('root:/etc/doorplate/config.yml: content changed since the build'), report.problems.join('\n'));
  assert.ok(report.problems.includes('root:/opt/doorplate/provisioning/first-boot.sh: mode 0644, expected 0755'), report.problems.join('\n'));
  assert.ok(report.problems.includes('root:/etc/systemd/system/multi-user.target.wants/doorplate-edge.service: missing'), report.problems.join('\n'));
  assert.ok(report.problems.includes('root:/etc/doorplate/config.yml: mode 0644, expected 0600'), report.problems.join('\n'));
});

test('verify refuses a plain Raspberry Pi OS image: it was never built', async () => {
  const dir = tempDir('plain');
  const base = makeBaseImage(dir);
  const report = await verifyImage(base);
  assert.ok(report.problems.some((p) => p.startsWith('boot:/config.txt: SPI is not turned on')));
  assert.ok(report.problems.some((p) => p.includes('this image was not built by doorplate image build')));
});

test('a missing base image is reported and nothing is written', async () => {
  const { dir, opts } = setup('nobase');
  const lines: string[] = [];
  const code = await imageBuild({ ...opts, base: join(dir, 'nope.img') }, { out: { write: () => undefined }, err: { write: (t) => void lines.push(t) }, progress: quiet() });
  assert.equal(code, 1);
  assert.match(lines.join(''), /nope\.img: base image not found \(ENOENT\)/);
  assert.deepEqual(leftovers(dir), []);
});

test('a base without the two Raspberry Pi OS partitions is refused with what was expected', async () => {
  for (const shape of ['one', 'gpt'] as const) {
    const dir = tempDir(`shape-${shape}`);
    const base = makeBaseImage(dir, { partitions: shape });
    const app = makeApp(dir);
    writeFileSync(join(dir, 'site.yml'), EDGE_SITE);
    await assert.rejects(
      buildImage({ base, out: join(dir, 'site.img'), config: join(dir, 'site.yml'), app, assets: ASSETS, epoch: EPOCH }, { progress: quiet() }),
      (e: Error) => {
        assert.match(e.message, /not laid out like Raspberry Pi OS: (1 partition\(s\)|a gpt partition table); expected .*FAT boot partition first.*ext4 root partition second/);
        return true;
      },
    );
    assert.deepEqual(leftovers(dir), []);
  }
});

test('a boot partition without config.txt is refused', async () => {
  const dir = tempDir('noconfig');
  const base = makeBaseImage(dir, { bootFiles: { 'cmdline.txt': 'root=x\n' } });
  writeFileSync(join(dir, 'site.yml'), EDGE_SITE);
  await assert.rejects(
    buildImage({ base, out: join(dir, 'site.img'), config: join(dir, 'site.yml'), app: makeApp(dir), assets: ASSETS, epoch: EPOCH }, { progress: quiet() }),
    /the boot partition has no config\.txt; expected a Raspberry Pi OS boot partition/,
  );
  assert.deepEqual(leftovers(dir), []);
});

test('a site file with errors lists each as path: message and writes nothing', async () => {
  const bad = EDGE_SITE.replace('country: GB', 'country: gb').replace('model: epd7in5_V2', 'model: epd7in5_V2\n    bogus: 1').replace('pin: 5', 'pin: 99');
  const { dir, opts } = setup('badsite', bad);
  await assert.rejects(buildImage(opts, { progress: quiet() }), (e: Error & { problems?: string[] }) => {
    assert.ok(e.problems?.includes('image.wifi.country: must be a two-letter upper-case ISO 3166 country code such as GB'), e.message);
    assert.ok(e.problems?.some((p) => p.startsWith('doorplate.edge.buttons.0.pin: ')), e.message);
    assert.match(e.message, /site\.yml: invalid site file/);
    return true;
  });
  assert.deepEqual(leftovers(dir), []);
});

test('a full disk while copying leaves no half-written output behind', async () => {
  const { dir, opts } = setup('enospc');
  let partial = '';
  const copy = async (src: string, dst: string): Promise<void> => {
    partial = dst;
    writeFileSync(dst, readFileSync(src).subarray(0, 4096));
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  };
  await assert.rejects(buildImage(opts, { progress: quiet(), copy }), (e: Error) => {
    assert.ok(e instanceof ImageError);
    assert.match(e.message, /no space left on the disk while copying the base image/);
    return true;
  });
  assert.ok(partial.includes('site.img.tmp-'), 'the copy went to a temporary name');
  assert.deepEqual(leftovers(dir), []);
});

test('too little free space is refused before copying', async () => {
  const { dir, opts } = setup('nospace');
  let copied = false;
  await assert.rejects(
    buildImage(opts, { progress: quiet(), freeBytes: async () => 1024 * 1024, copy: async () => void (copied = true) }),
    /not enough free space for the image: \d+ MiB needed, 1 MiB free/,
  );
  assert.equal(copied, false);
  assert.deepEqual(leftovers(dir), []);
});

test('a root partition too small for the app fails cleanly', async () => {
  const dir = tempDir('rootfull');
  const base = makeBaseImage(dir, { rootMiB: 4 });
  const app = makeApp(dir, { 'dist/big.bin': Buffer.alloc(6 * 1024 * 1024, 7) });
  writeFileSync(join(dir, 'site.yml'), EDGE_SITE);
  await assert.rejects(
    buildImage({ base, out: join(dir, 'site.img'), config: join(dir, 'site.yml'), app, assets: ASSETS, epoch: EPOCH }, { progress: quiet() }),
    /the root partition is full/,
  );
  assert.deepEqual(leftovers(dir), []);
});

test('an app folder that was not built is refused', async () => {
  const { dir, opts } = setup('noapp');
  await assert.rejects(buildImage({ ...opts, app: join(dir, 'rootfs') }, { progress: quiet() }), /package\.json: cannot read the app's package\.json/);
  assert.deepEqual(leftovers(dir), []);
});

test('an app bundle carries its node_modules', async () => {
  const { dir, opts } = setup('bundle');
  const app = makeApp(dir, { 'node_modules/.package-lock.json': '{}', 'node_modules/better-sqlite3/build/Release/better_sqlite3.node': Buffer.from([0x7f, 0x45, 0x4c, 0x46]) });
  await buildImage({ ...opts, app: undefined, appBundle: app }, { progress: quiet() });
  assert.equal(debugfsStat(opts.out, '/opt/doorplate/node_modules/better-sqlite3/build/Release/better_sqlite3.node')?.type, 'regular');
  const report = await verifyImage(opts.out);
  assert.deepEqual(report.problems, []);
  assert.ok(report.facts.includes('app: 1.2.3 with bundled node_modules'));
});
