import { execFileSync } from 'node:child_process';
import { after } from 'node:test';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Small disk images shaped like Raspberry Pi OS, built without root: a FAT boot partition
 * (mkfs.vfat + mcopy) and an ext4 root (mkfs.ext4 -d) put into an MBR image made with sfdisk.
 */

/** The project folder (holding systemd/ and provisioning/), wherever the tests were compiled to. */
function findProjectRoot(): string {
  for (let d = dirname(fileURLToPath(import.meta.url)); d !== dirname(d); d = dirname(d)) {
    if (existsSync(join(d, 'systemd', 'doorplate-edge.service')) && existsSync(join(d, 'provisioning', 'first-boot.sh'))) return d;
  }
  throw new Error('cannot find the project folder above the tests');
}

export const ASSETS = findProjectRoot();

export const SECTOR = 512;
export const BOOT_START = 2048;

const CONFIG_TXT = `# For more options and information see
# http://rptl.io/configtxt
#dtparam=i2c_arm=on
#dtparam=i2s=on
#dtparam=spi=on
dtparam=audio=on
camera_auto_detect=1
display_auto_detect=1
auto_initramfs=1
dtoverlay=vc4-kms-v3d
arm_64bit=1

[cm4]
otg_mode=1

[all]
`;
const CMDLINE_TXT = 'console=serial0,115200 console=tty1 root=PARTUUID=0a1b2c3d-02 rootfstype=ext4 fsck.repair=yes rootwait quiet init=/usr/lib/raspberrypi-sys-mods/firstboot\n';

export function run(cmd: string, args: string[], input?: string): string {
  return execFileSync(cmd, args, { encoding: 'utf8', input, env: { ...process.env, MTOOLS_SKIP_CHECK: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
}

const made: string[] = [];
// Images are tens of MB each: remove them when the test file is done.
after(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

export function tempDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `doorplate-${name}-`));
  made.push(dir);
  return dir;
}

export interface FixtureOptions {
  /** Root partition size in MiB. */
  readonly rootMiB?: number;
  readonly partitions?: 'two' | 'one' | 'gpt';
  readonly bootFiles?: Record<string, string>;
}

/** Builds the image and returns its path. */
export function makeBaseImage(dir: string, opts: FixtureOptions = {}): string {
  const bootMiB = 8;
  const rootMiB = opts.rootMiB ?? 24;
  const rootDir = join(dir, 'rootfs');
  for (const d of ['etc/default', 'etc/systemd/system/multi-user.target.wants', 'lib/systemd/system', 'usr/share/zoneinfo', 'var/lib', 'opt']) {
    mkdirSync(join(rootDir, d), { recursive: true });
  }
  writeFileSync(join(rootDir, 'etc/hostname'), 'raspberrypi\n');
  writeFileSync(join(rootDir, 'etc/timezone'), 'Etc/UTC\n');
  writeFileSync(join(rootDir, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/bash\npi:x:1000:1000::/home/pi:/bin/bash\n');
  writeFileSync(join(rootDir, 'etc/group'), 'root:x:0:\ngpio:x:997:pi\nspi:x:999:pi\nvideo:x:44:pi\npi:x:1000:\n');
  writeFileSync(join(rootDir, 'lib/systemd/system/ssh.service'), '[Unit]\nDescription=OpenBSD Secure Shell server\n');
  const rootImg = join(dir, 'root.ext4');
  run('mkfs.ext4', ['-q', '-F', '-d', rootDir, '-E', 'root_owner=0:0', '-U', '0a1b2c3d-0000-4000-8000-000000000002', '-L', 'rootfs', rootImg, `${rootMiB}M`]);
  const bootImg = join(dir, 'boot.fat');
  run('mkfs.vfat', ['-C', '-n', 'bootfs', bootImg, String(bootMiB * 1024)]);
  const files = opts.bootFiles ?? { 'config.txt': CONFIG_TXT, 'cmdline.txt': CMDLINE_TXT };
  for (const [name, content] of Object.entries(files)) {
    const src = join(dir, `boot-${name}`);
    writeFileSync(src, content);
    run('mcopy', ['-i', bootImg, src, `::${name}`]);
  }
  const img = join(dir, 'raspios.img');
  const rootStart = BOOT_START + bootMiB * 2048;
  writeFileSync(img, '');
  run('truncate', ['-s', `${2 + bootMiB + rootMiB}M`, img]);
  const table =
    opts.partitions === 'gpt'
      ? `label: gpt\nstart=${BOOT_START}, size=${bootMiB * 2048}\nstart=${rootStart}, size=${rootMiB * 2048}\n`
      : opts.partitions === 'one'
        ? `label: dos\nstart=${BOOT_START}, size=${bootMiB * 2048}, type=c\n`
        : `label: dos\nlabel-id: 0x0a1b2c3d\nstart=${BOOT_START}, size=${bootMiB * 2048}, type=c\nstart=${rootStart}, size=${rootMiB * 2048}, type=83\n`;
  run('sfdisk', ['-q', img], table);
  run('dd', [`if=${bootImg}`, `of=${img}`, 'bs=512', `seek=${BOOT_START}`, 'conv=notrunc', 'status=none']);
  if (opts.partitions !== 'one') run('dd', [`if=${rootImg}`, `of=${img}`, 'bs=512', `seek=${rootStart}`, 'conv=notrunc', 'status=none']);
  return img;
}

export function rootOffset(img: string): number {
  const t = JSON.parse(run('sfdisk', ['-J', img])) as { partitiontable: { partitions: Array<{ start: number }> } };
  return (t.partitiontable.partitions[1]?.start ?? 0) * SECTOR;
}

/** A built app folder as `npm run build` leaves it. */
export function makeApp(dir: string, extra: Record<string, string | Buffer> = {}): string {
  const app = join(dir, 'app');
  const files: Record<string, string | Buffer> = {
    'package.json': JSON.stringify({ name: 'doorplate', version: '1.2.3', type: 'module' }),
    'package-lock.json': JSON.stringify({ name: 'doorplate', version: '1.2.3', lockfileVersion: 3, packages: {} }),
    'dist/cli/main.js': '#!/usr/bin/env node\nconsole.log("doorplate");\n',
    'dist/bundle/main.js': 'console.log("doorplate");\n',
    'dist/shared/config/load.js': 'export const x = 1;\n',
    'dist/test/skip.test.js': 'throw new Error("tests stay off the device");\n',
    'node_modules/left-out/index.js': 'module.exports = 1;\n',
    ...extra,
  };
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(join(app, rel, '..'), { recursive: true });
    writeFileSync(join(app, rel), content);
  }
  chmodSync(join(app, 'dist/cli/main.js'), 0o755);
  return app;
}

export const EDGE_SITE = `image:
  role: edge
  hostname: room-{serial}
  user:
    name: admin
    passwordHash: "$6$rounds=656000$abcdefghijklmnop$0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ./0123456789abcdefghijklmnop"
    sshKeys:
      - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl admin@laptop
  wifi:
    ssid: Office Net
    psk: correct horse battery
    country: GB
  timezone: Europe/London
doorplate:
  site:
    name: Head office
    timeZone: Europe/London
  edge:
    server:
      host: doorplate-server.local
      tls: true
      caFingerprint: "AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB"
    enrollmentToken: 0123456789abcdef0123
    panel:
      model: epd7in5_V2
    buttons:
      - { name: book, pin: 5, action: book }
`;

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** `stat` of a path in the image's root via debugfs. */
export function debugfsStat(img: string, path: string): { type: string; mode: number; uid: number; gid: number; link?: string } | null {
  const out = execFileSync('debugfs', ['-R', `stat "${path}"`, `${img}?offset=${rootOffset(img)}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const head = /Type:\s+(\S+)\s+Mode:\s+([0-7]+)/.exec(out);
  if (!head) return null;
  const ids = /User:\s+(\d+)\s+Group:\s+(\d+)/.exec(out);
  const link = /Fast link dest:\s+"(.*)"/.exec(out);
  return { type: head[1] ?? '', mode: parseInt(head[2] ?? '0', 8), uid: Number(ids?.[1]), gid: Number(ids?.[2]), ...(link ? { link: link[1] } : {}) };
}

export function debugfsCat(img: string, path: string): string {
  return execFileSync('debugfs', ['-R', `cat "${path}"`, `${img}?offset=${rootOffset(img)}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function mtype(img: string, path: string): string {
  return run('mtype', ['-i', `${img}@@${BOOT_START * SECTOR}`, `::${path}`]);
}
