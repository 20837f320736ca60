import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ASSETS, tempDir } from '../sd-image/fixture.js';

const SCRIPT = join(ASSETS, 'provisioning', 'first-boot.sh');

interface Fake {
  readonly root: string;
  readonly log: string;
  readonly env: Record<string, string>;
}

function file(path: string, content: string, mode = 0o644): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  chmodSync(path, mode);
}

/** A fake root as the image builder leaves it, and stand-ins for the commands that touch the running system. */
function makeFake(opts: { cpuinfo?: string; overlayroot?: boolean; nodeVersion?: string } = {}): Fake {
  const dir = tempDir('firstboot');
  const root = join(dir, 'root');
  const bin = join(dir, 'bin');
  const log = join(dir, 'calls.log');
  file(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/bash\nadmin:x:1000:1000::/home/admin:/bin/bash\n');
  file(join(root, 'etc/group'), 'root:x:0:\ngpio:x:997:admin\nspi:x:999:admin\nadmin:x:1000:\n');
  file(join(root, 'etc/shadow'), 'root:*:19000:0:99999:7:::\nadmin:!:19000:0:99999:7:::\n', 0o640);
  file(join(root, 'etc/gshadow'), 'root:*::\ngpio:!::admin\nspi:!::admin\nadmin:!::\n', 0o640);
  file(join(root, 'etc/hostname'), 'raspberrypi\n');
  file(join(root, 'etc/hosts'), '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n\n127.0.1.1\t\traspberrypi\n');
  file(join(root, 'etc/default/locale'), 'LANG=en_GB.UTF-8\n');
  file(
    join(root, 'etc/doorplate/site.env'),
    `DOORPLATE_ROLE='edge'\nDOORPLATE_HOSTNAME_PATTERN='room-{serial}'\nDOORPLATE_USER='admin'\nDOORPLATE_LOCALE='en_GB.UTF-8'\nDOORPLATE_OVERLAYROOT='${opts.overlayroot ? 'yes' : 'no'}'\nDOORPLATE_WIFI='yes'\n`,
  );
  file(join(root, 'etc/doorplate/config.yml'), 'role: edge\nedge:\n  enrollmentToken: 0123456789abcdef0123\n', 0o600);
  file(join(root, 'opt/doorplate/package.json'), '{"name":"doorplate","version":"1.2.3"}');
  file(join(root, 'opt/doorplate/package-lock.json'), '{}');
  file(join(root, 'boot/firmware/cmdline.txt'), 'console=tty1 root=PARTUUID=x-02 rootwait\n');
  file(join(root, 'var/lib/systemd/rfkill/platform-3f300000.mmcnr:wlan'), '1\n');
  file(join(root, 'proc/cpuinfo'), opts.cpuinfo ?? 'processor\t: 0\nHardware\t: BCM2835\nRevision\t: 9000c1\nSerial\t\t: 00000000A1B2C3D4\nModel\t\t: Raspberry Pi Zero W Rev 1.1\n');
  const wants = join(root, 'etc/systemd/system/multi-user.target.wants');
  mkdirSync(wants, { recursive: true });
  symlinkSync('/lib/systemd/system/doorplate-firstboot.service', join(wants, 'doorplate-firstboot.service'));
  symlinkSync('/lib/systemd/system/doorplate-edge.service', join(wants, 'doorplate-edge.service'));

  const stub = (name: string, body = '', logged = true): void =>
    file(join(bin, name), `#!/bin/bash\n${logged ? `echo "${name} $*" >> "${log}"` : ''}\n${body}\n`, 0o755);
  stub('hostname');
  stub('rfkill');
  stub('systemctl');
  stub('apt-get');
  stub('raspi-config', `if [ "$2" = do_overlayfs ]; then sed -i 's/$/ overlayroot=tmpfs/' "${join(root, 'boot/firmware/cmdline.txt')}"; fi`);
  stub('node', `echo ${opts.nodeVersion ?? 'v22.12.0'}`, false);
  stub('npm', 'mkdir -p node_modules/better-sqlite3 && echo "{}" > node_modules/.package-lock.json');
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    ROOT: root,
    NODE: join(bin, 'node'),
    NPM: join(bin, 'npm'),
    APT_GET: join(bin, 'apt-get'),
    SYSTEMCTL: join(bin, 'systemctl'),
    RASPI_CONFIG: join(bin, 'raspi-config'),
    HOSTNAME_CMD: join(bin, 'hostname'),
    RFKILL: join(bin, 'rfkill'),
  };
  return { root, log, env };
}

function runScript(fake: Fake): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('bash', [SCRIPT], { env: fake.env, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every path under the root with its type, mode, owner, and content hash or link target. */
function listing(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, rel)).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    const full = join(root, r);
    const st = lstatSync(full);
    const head = `${r} ${(st.mode & 0o170000).toString(8)} ${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid}`;
    if (st.isSymbolicLink()) out.push(`${head} -> ${readlinkSync(full)}`);
    else if (st.isDirectory()) {
      out.push(head);
      out.push(...listing(root, r));
    } else out.push(`${head} ${createHash('sha256').update(readFileSync(full)).digest('hex')}`);
  }
  return out;
}

const read = (fake: Fake, rel: string): string => readFileSync(join(fake.root, rel), 'utf8');

test('first boot sets the host name, the service user, the modules and the units, then disables itself', () => {
  const fake = makeFake();
  const r = runScript(fake);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(read(fake, 'etc/hostname'), 'room-a1b2c3d4\n');
  assert.match(read(fake, 'etc/hosts'), /^127\.0\.1\.1\troom-a1b2c3d4$/m);
  assert.doesNotMatch(read(fake, 'etc/hosts'), /raspberrypi/);
  assert.equal(read(fake, 'etc/doorplate/device.env'), 'DOORPLATE_EDGE__DEVICE_ID=doorplate-a1b2c3d4\n');

  const passwd = read(fake, 'etc/passwd');
  const user = /^doorplate:x:(\d+):(\d+):[^:]*:\/var\/lib\/doorplate:\/usr\/sbin\/nologin$/m.exec(passwd);
  assert.ok(user, passwd);
  assert.ok(Number(user[1]) < 1000, 'a system user');
  const group = read(fake, 'etc/group');
  assert.match(group, /^gpio:x:997:admin,doorplate$/m);
  assert.match(group, /^spi:x:999:admin,doorplate$/m);
  assert.match(group, /^video:x:\d+:doorplate$/m, 'a missing group is created');

  const config = lstatSync(join(fake.root, 'etc/doorplate/config.yml'));
  assert.equal(config.mode & 0o777, 0o640);
  assert.equal(config.uid, 0);
  assert.equal(config.gid, Number(user[2]));
  const state = lstatSync(join(fake.root, 'var/lib/doorplate'));
  assert.equal(state.mode & 0o777, 0o750);
  assert.equal(state.uid, Number(user[1]));

  assert.equal(read(fake, 'var/lib/systemd/rfkill/platform-3f300000.mmcnr:wlan'), '0\n');
  assert.ok(existsSync(join(fake.root, 'opt/doorplate/node_modules/.package-lock.json')));
  const wants = join(fake.root, 'etc/systemd/system/multi-user.target.wants');
  assert.deepEqual(readdirSync(wants), ['doorplate-edge.service']);
  assert.equal(readlinkSync(join(wants, 'doorplate-edge.service')), '/lib/systemd/system/doorplate-edge.service');

  const calls = readFileSync(fake.log, 'utf8').trim().split('\n');
  assert.deepEqual(calls, [
    'hostname room-a1b2c3d4',
    'rfkill unblock wifi',
    'apt-get install -y --no-install-recommends build-essential python3',
    'npm ci --omit=dev --no-audit --no-fund',
    'systemctl --no-block start doorplate-edge.service',
  ]);
});

test('running first boot twice leaves the same result as running it once', () => {
  const fake = makeFake({ overlayroot: true });
  assert.equal(runScript(fake).status, 0);
  const once = listing(fake.root);
  const second = runScript(fake);
  assert.equal(second.status, 0, second.stderr);
  assert.deepEqual(listing(fake.root), once);
  const calls = readFileSync(fake.log, 'utf8');
  assert.equal(calls.match(/raspi-config nonint do_overlayfs 0/g)?.length, 1, 'overlayroot is turned on once');
  assert.equal(calls.match(/^npm ci/gm)?.length, 1, 'modules are installed once');
  assert.match(read(fake, 'boot/firmware/cmdline.txt'), /overlayroot=tmpfs/);
});

test('the serial number falls back to the device tree', () => {
  const fake = makeFake({ cpuinfo: 'processor\t: 0\nHardware\t: BCM2835\n' });
  file(join(fake.root, 'sys/firmware/devicetree/base/serial-number'), '10000000deadbeef\0');
  const r = runScript(fake);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(read(fake, 'etc/hostname'), 'room-deadbeef\n');
});

test('a Pi without a serial number stops with a clear message', () => {
  const fake = makeFake({ cpuinfo: 'processor\t: 0\n' });
  const r = runScript(fake);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /error: no serial number in .*cpuinfo or .*serial-number/);
  assert.equal(read(fake, 'etc/hostname'), 'raspberrypi\n');
});

test('a Node older than 20.9 is replaced from apt, and refused if apt has nothing newer', () => {
  const fake = makeFake({ nodeVersion: 'v18.19.0' });
  const r = runScript(fake);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /Node\.js v18\.19\.0 is older than 20\.9/);
  assert.match(readFileSync(fake.log, 'utf8'), /^apt-get install -y --no-install-recommends nodejs npm$/m);
  assert.ok(lstatSync(join(fake.root, 'etc/systemd/system/multi-user.target.wants/doorplate-firstboot.service')).isSymbolicLink(), 'first boot stays enabled to try again');
});
