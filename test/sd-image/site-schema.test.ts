import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { loadSiteFile, parseSite, SiteError } from '../../sd-image/site-schema.js';
import { ASSETS, EDGE_SITE } from './fixture.js';

function problems(raw: unknown): string[] {
  try {
    parseSite(raw, 'site.yml');
  } catch (e) {
    if (e instanceof SiteError) return e.problems;
    throw e;
  }
  return [];
}

const base = (): Record<string, Record<string, unknown>> => parseYaml(EDGE_SITE) as Record<string, Record<string, unknown>>;

test('the example site file in sd-image/ is valid', () => {
  const site = loadSiteFile(join(ASSETS, 'sd-image', 'example-site.yml'));
  assert.equal(site.image.role, 'edge');
  assert.equal(site.config.edge.panel.model, 'epd7in5_V2');
  assert.equal(site.configDocument.role, 'edge');
});

test('a valid site gets defaults and the role copied into the app config', () => {
  const site = parseSite(base(), 'site.yml');
  assert.equal(site.image.overlayroot, false);
  assert.equal(site.image.locale, 'en_GB.UTF-8');
  assert.equal(site.config.role, 'edge');
  assert.deepEqual(Object.keys(site.configDocument)[0], 'role');
});

test('image errors come out as path: message', () => {
  const raw = base();
  raw.image = { ...raw.image, role: 'kiosk', timezone: 'Mars/Base', extra: 1, user: { name: 'Root', sshKeys: ['not a key'] } };
  const p = problems(raw);
  assert.ok(p.some((l) => l.startsWith('image.role: ')), p.join('\n'));
  assert.ok(p.includes('image.timezone: is not a known IANA time zone'), p.join('\n'));
  assert.ok(p.some((l) => l.startsWith('image.user.name: must be a Linux user name')), p.join('\n'));
  assert.ok(p.some((l) => l.startsWith('image.user.sshKeys.0: must be one OpenSSH public key line')), p.join('\n'));
  assert.ok(p.some((l) => l.startsWith('image: ') && l.includes('extra')), p.join('\n'));
});

test('a user needs a password hash or a key', () => {
  const raw = base();
  raw.image = { ...raw.image, user: { name: 'admin' } };
  assert.deepEqual(problems(raw), ['image.user: needs passwordHash or at least one of sshKeys']);
});

test('doorplate errors are the config schema\'s, under doorplate.', () => {
  const raw = base();
  raw.doorplate = { ...raw.doorplate, role: 'server', edge: { enrollmentToken: 'short', server: { host: 'x', port: 70000 } } };
  const p = problems(raw);
  assert.ok(p.includes('doorplate.role: is "server" but image.role is "edge"; leave it out or make them agree'), p.join('\n'));
  assert.ok(p.some((l) => l.startsWith('doorplate.edge.enrollmentToken: ')), p.join('\n'));
  assert.ok(p.some((l) => l.startsWith('doorplate.edge.server.port: ')), p.join('\n'));
});

test('an edge image needs the enrollment token and the server address', () => {
  const raw = base();
  raw.doorplate = { site: { name: 'x' } };
  assert.deepEqual(problems(raw), [
    'doorplate.edge.enrollmentToken: is required for role edge: a new device presents it to enroll',
    'doorplate.edge.server.host: is required for role edge (an address, or a name such as doorplate-server.local)',
  ]);
});

test('values that would break the generated files are refused', () => {
  const raw = base();
  raw.image = { ...raw.image, wifi: { ssid: "it's", psk: 'short', country: 'GB' } };
  const p = problems(raw);
  assert.ok(p.some((l) => l.startsWith('image.wifi.ssid: may not hold quotes')), p.join('\n'));
  assert.ok(p.includes('image.wifi.psk: must be 8-63 characters or 64 hex digits'), p.join('\n'));
});

test('a file that is not YAML says where', () => {
  assert.throws(() => loadSiteFile(join(ASSETS, 'sd-image', 'no-such-site.yml')), /no-such-site\.yml: invalid site file\n {2}\(file\): cannot read \(ENOENT\)/);
});
