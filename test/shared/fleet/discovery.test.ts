import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../../shared/logger.js';
import { AvahiBrowser, parseAvahiBrowseLine } from '../../../shared/fleet/avahi-cli.js';
import { announcementTxt, brokerUrl, parseAnnouncement, ServerChooser, type ServerAnnouncement } from '../../../shared/fleet/discovery.js';

const ann = (over: Partial<ServerAnnouncement>): ServerAnnouncement => ({ site: 'hq', epoch: 1, nodeId: 'a', host: '10.77.0.2', port: 1883, tls: false, ...over });

test('discovery: the TXT record goes out and comes back', () => {
  const a = ann({ tls: true, fingerprint: 'ab'.repeat(32), epoch: 4 });
  assert.deepEqual(parseAnnouncement(a.host, a.port, announcementTxt(a)), { ok: true, announcement: a });
  assert.deepEqual(announcementTxt(ann({})), { site: 'hq', epoch: '1', node: 'a', tls: '0' });
});

test('discovery: another program\'s instance is refused with txt.path: message', () => {
  const r = parseAnnouncement('10.0.0.1', 80, { site: 'hq', epoch: 'x', node: 'a/b' });
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.error, /^txt\.epoch: .*; txt\.node: /);
});

test('chooser: own site only, highest epoch first, and a stale epoch never again once a higher one was seen', () => {
  const chooser = new ServerChooser('hq');
  assert.equal(chooser.choose([]), null);
  assert.equal(chooser.choose([ann({ site: 'branch', epoch: 9 })]), null, 'another site on the LAN');
  assert.equal(chooser.choose([ann({ epoch: 1, nodeId: 'a' }), ann({ epoch: 2, nodeId: 'b', host: '10.77.0.3' })])?.nodeId, 'b');
  // The new leader's record is gone for a moment; the old one still listed (Avahi's cache) is refused.
  assert.equal(chooser.choose([ann({ epoch: 1, nodeId: 'a' })]), null);
  assert.equal(chooser.choose([ann({ epoch: 3, nodeId: 'c' })])?.nodeId, 'c');
  assert.equal(chooser.highestEpochSeen, 3);
});

test('broker url: tls and IPv6 brackets', () => {
  assert.equal(brokerUrl({ host: '10.77.0.2', port: 1883, tls: false }), 'mqtt://10.77.0.2:1883');
  assert.equal(brokerUrl({ host: 'fe80::1', port: 8883, tls: true }), 'mqtts://[fe80::1]:8883');
});

test('avahi-browse -p lines: resolved, removed, escapes and noise', () => {
  const resolved = '=;veth0;IPv4;doorplate\\032hq\\032a;_doorplate._tcp;local;a.local;10.77.0.2;1883;"fp=x" "tls=0" "node=a" "epoch=2" "site=hq"';
  assert.deepEqual(parseAvahiBrowseLine(resolved), {
    kind: 'resolved',
    key: 'veth0;IPv4;doorplate hq a;_doorplate._tcp;local',
    host: 'a.local',
    address: '10.77.0.2',
    port: 1883,
    txt: { fp: 'x', tls: '0', node: 'a', epoch: '2', site: 'hq' },
  });
  assert.deepEqual(parseAvahiBrowseLine('-;veth0;IPv4;doorplate\\032hq\\032a;_doorplate._tcp;local'), { kind: 'removed', key: 'veth0;IPv4;doorplate hq a;_doorplate._tcp;local' });
  assert.deepEqual(parseAvahiBrowseLine('+;veth0;IPv4;doorplate\\032hq\\032a;_doorplate._tcp;local'), { kind: 'other' });
  assert.deepEqual(parseAvahiBrowseLine('Failed to create client object'), { kind: 'other' });

  const browser = new AvahiBrowser({ log: silentLogger() });
  browser.take(parseAvahiBrowseLine(resolved.replace('"fp=x" ', '')));
  assert.deepEqual(browser.current(), [ann({ epoch: 2 })]);
  browser.take(parseAvahiBrowseLine(resolved)); // a bad fingerprint: not a doorplate server, and the key keeps its last good value
  assert.deepEqual(browser.current(), [ann({ epoch: 2 })]);
  browser.take(parseAvahiBrowseLine('-;veth0;IPv4;doorplate\\032hq\\032a;_doorplate._tcp;local'));
  assert.deepEqual(browser.current(), []);
});

test('discovery stack: auto takes Avahi only where its daemon runs', async () => {
  const { discoveryStack } = await import('../../../shared/fleet/discovery-stack.js');
  const { FakeClock } = await import('../../../shared/clock.js');
  const deps = { clock: new FakeClock(), log: silentLogger() };
  assert.equal(discoveryStack('auto', deps, () => true).kind, 'avahi');
  assert.equal(discoveryStack('auto', deps, () => false).kind, 'builtin');
  assert.equal(discoveryStack('builtin', deps, () => true).kind, 'builtin');
  assert.equal(discoveryStack('avahi', deps, () => false).kind, 'avahi');
});

test('discovery: one instance name per node and epoch, within the 63-byte DNS label', async () => {
  const { instanceName } = await import('../../../shared/fleet/discovery.js');
  assert.equal(instanceName({ site: 'hq', nodeId: 'a', epoch: 3 }, 'doorplate'), 'doorplate e3 a hq');
  assert.notEqual(instanceName({ site: 'hq', nodeId: 'a', epoch: 4 }, 'doorplate'), instanceName({ site: 'hq', nodeId: 'a', epoch: 3 }, 'doorplate'));
  assert.equal(instanceName({ site: 'hq', nodeId: 'a', epoch: 3 }, 'broker'), 'doorplate broker e3 a hq');
  const long = instanceName({ site: 'x'.repeat(128), nodeId: 'a', epoch: 3 }, 'doorplate');
  assert.ok(long.length <= 63 && long.startsWith('doorplate e3 a '));
});
