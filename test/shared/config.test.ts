import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, ConfigSchema, configJsonSchema, loadConfigFile, parseConfig } from '../../shared/config/index.js';

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ConfigError, `a ConfigError, not ${String(e)}`);
    return e.problems;
  }
  assert.fail('expected a ConfigError');
}

function withFile(name: string, text: string, fn: (path: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'doorplate-config-'));
  try {
    const path = join(dir, name);
    writeFileSync(path, text);
    fn(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('config: an empty document gets every default', () => {
  for (const raw of [undefined, null, {}]) {
    const c = parseConfig(raw);
    assert.equal(c.role, 'server');
    assert.equal(c.broker.prefix, 'doorplate');
    assert.equal(c.broker.port, 1883);
    assert.equal(c.broker.anonymousLoopbackInspect, false);
    assert.deepEqual(c.site.checkIn, { enabled: true, opensBeforeMins: 5, closesAfterMins: 10 });
    assert.deepEqual(c.site.booking.durationsMins, [15, 30, 60]);
    assert.equal(c.site.privacy, 'full');
    assert.equal(c.server.dataDir, './data');
    assert.equal(c.server.http.port, 8080);
    assert.equal(c.server.enrollment.autoApprove, false);
    assert.deepEqual(c.provider, { kind: 'local' });
    assert.deepEqual(c.rooms, []);
    assert.equal(c.edge.panel.model, 'png');
    assert.deepEqual(c.edge.buttons, []);
  }
});

test('config: one check-in field alone keeps the defaults of the others', () => {
  const c = parseConfig({ site: { checkIn: { enabled: false } } });
  assert.deepEqual(c.site.checkIn, { enabled: false, opensBeforeMins: 5, closesAfterMins: 10 });
});

test('config: errors say path and message for each problem', () => {
  assert.deepEqual(
    problemsOf(() => parseConfig({ rooms: [{ id: 'ok', name: 'Ok' }, { id: 'bad/id', name: 'Bad' }] })).map((p) => p.split(':')[0]),
    ['rooms.1.id'],
  );
  const problems = problemsOf(() =>
    parseConfig({ role: 'kiosk', broker: { port: 70000 }, site: { timeZone: 'Mars/Olympus' }, rooms: [{ id: 'a' }] }),
  );
  assert.deepEqual(problems.map((p) => p.split(':')[0]).sort(), ['broker.port', 'role', 'rooms.0.name', 'site.timeZone']);
  assert.ok(problems.includes('site.timeZone: is not a known IANA time zone'), problems.join('\n'));
  assert.match(problems.find((p) => p.startsWith('role:')) ?? '', /server/);
});

test('config: the error message names the source and lists the problems', () => {
  try {
    parseConfig({ broker: { port: -1 } }, '/etc/doorplate.yaml');
    assert.fail('expected a ConfigError');
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    assert.match(e.message, /^\/etc\/doorplate\.yaml: invalid configuration\n {2}broker\.port: /);
  }
});

test('config: a non-mapping document is refused at the root', () => {
  assert.deepEqual(problemsOf(() => parseConfig([1, 2])), ['(root): must be a mapping']);
  assert.deepEqual(problemsOf(() => parseConfig('rooms')), ['(root): must be a mapping']);
});

test('config: duplicate room ids point at each repeat', () => {
  const rooms = [
    { id: 'atlas', name: 'Atlas' },
    { id: 'borealis', name: 'Borealis' },
    { id: 'atlas', name: 'Atlas again' },
    { id: 'atlas', name: 'Atlas thrice' },
  ];
  assert.deepEqual(problemsOf(() => parseConfig({ rooms })), ['rooms.2.id: duplicate room id "atlas"', 'rooms.3.id: duplicate room id "atlas"']);
  // The check is the schema's own, so the JSON-free `safeParse` refuses it too.
  assert.equal(ConfigSchema.safeParse({ rooms }).success, false);
});

test('config: a typo in any nested key is refused as path: message', () => {
  const cases: Array<[unknown, string]> = [
    [{ site: { timezone: 'Europe/Berlin' } }, 'site: Unrecognized key: "timezone"'],
    [{ server: { http: { prot: 8080 } } }, 'server.http: Unrecognized key: "prot"'],
    [{ server: { enrollment: { autoaprove: true } } }, 'server.enrollment: Unrecognized key: "autoaprove"'],
    [{ edge: { panel: { modle: 'png' } } }, 'edge.panel: Unrecognized key: "modle"'],
    [{ edge: { server: { hots: 'x' } } }, 'edge.server: Unrecognized key: "hots"'],
    [{ server: { stream: { maxChange: 5 } } }, 'server.stream: Unrecognized key: "maxChange"'],
    [{ site: { checkIn: { enable: false } } }, 'site.checkIn: Unrecognized key: "enable"'],
    [{ rooms: [{ id: 'a', name: 'A', checkIn: { opensBefore: 3 } }] }, 'rooms.0.checkIn: Unrecognized key: "opensBefore"'],
  ];
  for (const [raw, problem] of cases) assert.deepEqual(problemsOf(() => parseConfig(raw)), [problem], JSON.stringify(raw));
});

test('config: the loaded config is read-only in type and in fact', () => {
  const c = parseConfig({ rooms: [{ id: 'a', name: 'A' }] });
  // @ts-expect-error the type is deep-readonly
  assert.throws(() => (c.site.booking.durationsMins[0] = 5), TypeError);
  // @ts-expect-error the type is deep-readonly
  assert.throws(() => (c.rooms[0]!.name = 'B'), TypeError);
});

test('config: DOORPLATE_* environment overrides', () => {
  const env = {
    DOORPLATE_BROKER__PORT: '1884',
    DOORPLATE_SERVER__DATA_DIR: '/var/lib/doorplate',
    DOORPLATE_SITE__CHECK_IN__ENABLED: 'false',
    DOORPLATE_BROKER__INSPECTORS: '[]',
    DOORPLATE_HTTP_PORT: '9999', // a CLI flag variable without a level separator: not config
    OTHER__PORT: '1',
  };
  const c = parseConfig({ broker: { port: 1883, host: '127.0.0.1' }, server: { dataDir: './x' } }, 'config', env);
  assert.equal(c.broker.port, 1884);
  assert.equal(c.broker.host, '127.0.0.1', 'siblings in the file are kept');
  assert.equal(c.server.dataDir, '/var/lib/doorplate');
  assert.equal(c.site.checkIn.enabled, false);
  assert.equal(c.server.http.port, 8080);
});

test('config: an override that looks like a number is text where the schema wants text', () => {
  const c = parseConfig({}, 'config', { DOORPLATE_SERVER__DATA_DIR: '2026', DOORPLATE_EDGE__DEVICE_ID: '42', DOORPLATE_SITE__NAME: 'true' });
  assert.equal(c.server.dataDir, '2026');
  assert.equal(c.edge.deviceId, '42');
  assert.equal(c.site.name, 'true');
});

test('config: a bad override is reported at its path', () => {
  assert.deepEqual(problemsOf(() => parseConfig({}, 'config', { DOORPLATE_BROKER__PORT: 'high' })).map((p) => p.split(':')[0]), ['broker.port']);
  assert.deepEqual(problemsOf(() => parseConfig({}, 'config', { DOORPLATE_BROKER__PORT: '70000' })).map((p) => p.split(':')[0]), ['broker.port']);
});

test('config: overrides do not change the caller\'s document', () => {
  const raw = { broker: { port: 1883 } };
  parseConfig(raw, 'config', { DOORPLATE_BROKER__PORT: '1884' });
  assert.deepEqual(raw, { broker: { port: 1883 } });
});

test('config: the result is deeply frozen', () => {
  const c = parseConfig({ rooms: [{ id: 'atlas', name: 'Atlas', checkIn: { enabled: false } }] });
  assert.ok(Object.isFrozen(c));
  assert.ok(Object.isFrozen(c.broker));
  assert.ok(Object.isFrozen(c.rooms));
  assert.ok(Object.isFrozen(c.rooms[0]));
  assert.ok(Object.isFrozen(c.site.booking.durationsMins));
  assert.throws(() => {
    (c.broker as { port: number }).port = 1;
  }, TypeError);
  assert.throws(() => (c.rooms as unknown as unknown[]).push({}), TypeError);
});

test('config: a YAML file is read, overridden and validated', () => {
  const yaml = ['role: edge', 'broker:', '  port: 1885', 'rooms:', '  - id: atlas', '    name: Atlas', '    timeZone: Europe/Berlin', ''].join('\n');
  withFile('doorplate.yaml', yaml, (path) => {
    const c = loadConfigFile(path, { DOORPLATE_BROKER__PORT: '1886' });
    assert.equal(c.role, 'edge');
    assert.equal(c.broker.port, 1886);
    assert.equal(c.rooms[0]?.timeZone, 'Europe/Berlin');
  });
  withFile('doorplate.json', '{"rooms": [{"id": "a", "name": "A"}]}', (path) => {
    assert.equal(loadConfigFile(path, {}).rooms.length, 1, 'JSON is YAML');
  });
  withFile('empty.yaml', '', (path) => {
    assert.equal(loadConfigFile(path, {}).role, 'server', 'an empty file is all defaults');
  });
});

test('config: YAML syntax errors carry the line and column once', () => {
  withFile('bad.yaml', ['broker:', '  port: 1883', 'rooms:', '  - id: a', '    name: [unclosed', ''].join('\n'), (path) => {
    const problems = problemsOf(() => loadConfigFile(path, {}));
    assert.equal(problems.length, 1);
    assert.match(problems[0] ?? '', /^line \d+, column \d+: \S/);
    assert.doesNotMatch(problems[0] ?? '', /at line/);
  });
  withFile('dup.yaml', 'role: server\nrole: edge\n', (path) => {
    assert.deepEqual(problemsOf(() => loadConfigFile(path, {})), ['line 2, column 1: Map keys must be unique']);
  });
});

test('config: schema errors from a file name the file', () => {
  withFile('rooms.yaml', 'rooms:\n  - id: "a b"\n    name: A\n', (path) => {
    try {
      loadConfigFile(path, {});
      assert.fail('expected a ConfigError');
    } catch (e) {
      assert.ok(e instanceof ConfigError);
      assert.ok(e.message.startsWith(`${path}: invalid configuration`));
      assert.deepEqual(e.problems.map((p) => p.split(':')[0]), ['rooms.0.id']);
    }
  });
});

test('config: a missing file is a clear error', () => {
  const problems = problemsOf(() => loadConfigFile(join(tmpdir(), 'doorplate-no-such-dir', 'none.yaml'), {}));
  assert.deepEqual(problems, ['(file): cannot read (ENOENT)']);
});

test('config: JSON Schema for editors', () => {
  const schema = configJsonSchema() as { type?: string; properties?: Record<string, { type?: string; items?: { properties?: Record<string, unknown> } }> };
  assert.equal(schema.type, 'object');
  assert.ok(schema.properties?.rooms, 'has properties.rooms');
  assert.equal(schema.properties.rooms.type, 'array');
  assert.ok(schema.properties.rooms.items?.properties?.id, 'room items describe their id');
  assert.ok(schema.properties.broker);
  assert.doesNotThrow(() => JSON.stringify(schema));
  // Every property the schema knows is in the JSON Schema.
  assert.deepEqual(Object.keys(schema.properties).sort(), Object.keys(ConfigSchema.shape).sort());
});

test('config: a pinned broker fingerprint is a SHA-256 one and needs TLS', () => {
  const pin = Array(32).fill('5E').join(':');
  assert.equal(parseConfig({ edge: { server: { tls: true, caFingerprint: pin } } }).edge.server.caFingerprint, pin);
  assert.equal(parseConfig({ edge: { server: { tls: true, caFingerprint: '5e'.repeat(32) } } }).edge.server.tls, true);
  assert.deepEqual(problemsOf(() => parseConfig({ edge: { server: { tls: true, caFingerprint: 'AB:CD:EF' } } })), [
    'edge.server.caFingerprint: must be a SHA-256 fingerprint: 32 hex pairs joined by colons, or 64 hex digits',
  ]);
  assert.deepEqual(problemsOf(() => parseConfig({ edge: { server: { caFingerprint: pin } } })), ['edge.server.caFingerprint: needs tls: true (the fingerprint pins a TLS certificate)']);
});
