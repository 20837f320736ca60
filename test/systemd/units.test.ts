import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ASSETS, tempDir } from '../sd-image/fixture.js';

const UNIT_DIR = join(ASSETS, 'systemd');
const units = readdirSync(UNIT_DIR).filter((n) => n.endsWith('.service'));

function directives(text: string): Array<[string, string]> {
  return text
    .split('\n')
    .filter((l) => /^[A-Za-z]+=/.test(l))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]);
}

function values(text: string, key: string): string[] {
  return directives(text)
    .filter(([k]) => k === key)
    .map(([, v]) => v);
}

test('the four units are there', () => {
  assert.deepEqual(units.sort(), ['doorplate-edge.service', 'doorplate-firstboot.service', 'doorplate-node.service', 'doorplate-server.service']);
});

test('systemd-analyze verify passes on every unit', (t) => {
  const probe = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
  if (probe.error) {
    // CI must have the tool; elsewhere say why nothing was checked.
    if (process.env.CI === 'true') assert.fail('systemd-analyze is not installed (Debian package systemd)');
    t.skip('systemd-analyze is not installed');
    return;
  }
  const dir = tempDir('units');
  // verify checks that ExecStart's program exists: point node and the first-boot script at
  // programs this machine has.
  for (const u of units) {
    const text = readFileSync(join(UNIT_DIR, u), 'utf8')
      .replace(/^ExecStart=\/usr\/bin\/node /m, `ExecStart=${process.execPath} `)
      .replace(/^ExecStart=\/bin\/bash \/opt\/doorplate\/provisioning\/first-boot\.sh$/m, `ExecStart=/bin/bash ${join(ASSETS, 'provisioning/first-boot.sh')}`);
    writeFileSync(join(dir, u), text);
  }
  for (const u of units) {
    const r = spawnSync('systemd-analyze', ['verify', '--man=no', '--recursive-errors=no', join(dir, u)], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${u}: ${r.stderr}`);
    assert.equal(r.stderr.trim(), '', `${u} has warnings`);
  }
});

test('app units restart, notify readiness, have a watchdog, log to the journal and bound memory', () => {
  for (const u of ['doorplate-edge.service', 'doorplate-server.service', 'doorplate-node.service']) {
    const text = readFileSync(join(UNIT_DIR, u), 'utf8');
    const role = u.replace(/^doorplate-|\.service$/g, '');
    assert.deepEqual(values(text, 'ExecStart'), [`/usr/bin/node /opt/doorplate/dist/bundle/main.js ${role} --config /etc/doorplate/config.yml`], u);
    assert.deepEqual(values(text, 'Type'), ['notify'], u);
    assert.deepEqual(values(text, 'NotifyAccess'), ['all'], u);
    assert.match(values(text, 'WatchdogSec')[0] ?? '', /^\d+$/, u);
    assert.deepEqual(values(text, 'Restart'), ['always'], u);
    assert.deepEqual(values(text, 'StandardOutput'), ['journal'], u);
    assert.deepEqual(values(text, 'User'), ['doorplate'], u);
    assert.match(values(text, 'MemoryMax')[0] ?? '', /^\d+M$/, u);
    const env = values(text, 'Environment').map((v) => v.replace(/^"(.*)"$/, '$1'));
    // Only the edge runs without a JIT: the server and a node serve with fetch() and need the speed.
    const jit = u === 'doorplate-edge.service' ? ' --jitless' : '';
    assert.ok(env.some((v) => new RegExp(`^NODE_OPTIONS=--max-semi-space-size=1 --max-old-space-size=\\d+${jit}$`).test(v)), u);
    assert.ok(env.includes('MALLOC_ARENA_MAX=2'), u);
    assert.deepEqual(values(text, 'MemoryDenyWriteExecute'), [], `${u}: V8 needs W+X memory`);
    assert.deepEqual(values(text, 'ProtectKernelTunables'), [], `${u}: sysfs GPIO needs a writable /sys`);
    assert.deepEqual(values(text, 'WantedBy'), ['multi-user.target'], u);
  }
});

test('npm start runs the server with the server unit\'s node flags and malloc settings', () => {
  const unit = values(readFileSync(join(UNIT_DIR, 'doorplate-server.service'), 'utf8'), 'Environment').map((v) => v.replace(/^"(.*)"$/, '$1'));
  const nodeOptions = unit.find((v) => v.startsWith('NODE_OPTIONS='))?.slice('NODE_OPTIONS='.length) ?? '';
  const malloc = unit.filter((v) => v.startsWith('MALLOC_'));
  const start = (JSON.parse(readFileSync(join(ASSETS, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  assert.ok(nodeOptions.length > 0);
  assert.ok(malloc.length > 0);
  assert.equal(start, `${malloc.join(' ')} node ${nodeOptions} dist/bundle/main.js demo`);
});

test('units that drive hardware keep GPIO and SPI reachable', () => {
  for (const u of ['doorplate-edge.service', 'doorplate-node.service']) {
    const text = readFileSync(join(UNIT_DIR, u), 'utf8');
    assert.deepEqual(values(text, 'PrivateDevices'), [], `${u}: PrivateDevices hides /dev/spidev* and /dev/gpiochip*`);
    assert.deepEqual(values(text, 'SupplementaryGroups'), ['gpio spi video'], u);
    const allowed = values(text, 'DeviceAllow');
    assert.ok(allowed.includes('/dev/spidev0.0 rw'), u);
    assert.ok(allowed.includes('char-gpiochip rw'), u);
  }
});

test('the first-boot unit runs once before the app units and retries on failure', () => {
  const text = readFileSync(join(UNIT_DIR, 'doorplate-firstboot.service'), 'utf8');
  assert.deepEqual(values(text, 'Type'), ['oneshot']);
  assert.deepEqual(values(text, 'Before'), ['doorplate-edge.service doorplate-server.service doorplate-node.service']);
  assert.deepEqual(values(text, 'Restart'), ['on-failure']);
  for (const u of ['doorplate-edge.service', 'doorplate-server.service', 'doorplate-node.service']) {
    const app = readFileSync(join(UNIT_DIR, u), 'utf8');
    assert.ok(values(app, 'After')[0]?.includes('doorplate-firstboot.service'), u);
    assert.deepEqual(values(app, 'ConditionPathExists'), ['/opt/doorplate/node_modules/.package-lock.json'], u);
  }
});
