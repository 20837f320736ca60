import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Authenticator, type AuthDecision, type ConnectAttempt } from '../../../server/broker/authenticator.js';
import { hashPassword, sha256Hex } from '../../../server/security/secrets.js';
import { MemoryDirectory } from './helpers.js';
import type { Identity } from '../../../server/broker/acl.js';
import { enrollmentKeyHash, withKey } from '../../../shared/api/enrollment-key.js';

const SERVER_PW = 'server-password-0123456789';
const TOKEN = 'enrollment-token-0123456789';
const KEY = 'k'.repeat(43);
const FLEET = 'fleet-secret-0123456789abcdef';
const OTHER_KEY = 'o'.repeat(43);

async function directory(): Promise<MemoryDirectory> {
  const dir = new MemoryDirectory(SERVER_PW);
  dir.addDevice('d1', 'secret-1', 'r1');
  dir.addDevice('d2', 'secret-2', null);
  dir.addDevice('gone', 'secret-gone', 'r1', 'revoked');
  dir.devices.set('new', { status: 'pending', secretHash: null, roomId: null });
  dir.devices.set('waiting', { status: 'pending', secretHash: sha256Hex('secret-w'), roomId: null });
  dir.devices.set('bound', { status: 'pending', secretHash: null, roomId: null, enrollKeyHash: enrollmentKeyHash(KEY) });
  dir.devices.set('keyed', { status: 'approved', secretHash: sha256Hex('secret-k'), roomId: 'r1', secretConfirmed: true, enrollKeyHash: enrollmentKeyHash(KEY) });
  dir.devices.set('issued', { status: 'approved', secretHash: sha256Hex('secret-i'), roomId: null, secretConfirmed: false, enrollKeyHash: enrollmentKeyHash(KEY) });
  dir.enrollmentHash = sha256Hex(TOKEN);
  dir.standbyHash = sha256Hex(FLEET);
  dir.inspectorList = [{ username: 'ops', passwordHash: await hashPassword('ops-pw', { N: 1024, r: 8, p: 1 }) }];
  return dir;
}

function attempt(clientId: string, username?: string, password?: string, remoteAddress = '10.0.0.5'): ConnectAttempt {
  return { clientId, username, password: password === undefined ? undefined : Buffer.from(password), remoteAddress };
}

/** The same attempt while `holder` is connected with that client id. */
function over(holder: Identity, a: ConnectAttempt): ConnectAttempt {
  return { ...a, holder };
}

type Expect = { identity: unknown } | { code: number };

const ROWS: [string, ConnectAttempt, Expect][] = [
  ['server', attempt('srv', '$server', SERVER_PW), { identity: { kind: 'server' } }],
  ['server, wrong password', attempt('srv', '$server', 'nope'), { code: 4 }],
  ['server using a device id as client id', attempt('d1', '$server', SERVER_PW), { code: 2 }],
  ['device', attempt('d1', 'd1', 'secret-1'), { identity: { kind: 'device', deviceId: 'd1', roomId: 'r1' } }],
  ['unassigned device', attempt('d2', 'd2', 'secret-2'), { identity: { kind: 'device', deviceId: 'd2', roomId: null } }],
  ['device, wrong secret', attempt('d1', 'd1', 'secret-2'), { code: 4 }],
  ['device, no password', attempt('d1', 'd1'), { code: 4 }],
  ['device, foreign client id', attempt('d2', 'd1', 'secret-1'), { code: 2 }],
  ['unknown device', attempt('d7', 'd7', 'secret-1'), { code: 4 }],
  ['revoked device', attempt('gone', 'gone', 'secret-gone'), { code: 5 }],
  ['revoked device, wrong secret', attempt('gone', 'gone', 'x'), { code: 4 }],
  ['pending device without a secret', attempt('new', 'new', 'anything'), { code: 4 }],
  ['pending device with a secret', attempt('waiting', 'waiting', 'secret-w'), { code: 5 }],
  ['enrolling', attempt('d9', 'enroll:d9', TOKEN), { identity: { kind: 'enrolling', deviceId: 'd9' } }],
  ['enrolling, pending device', attempt('new', 'enroll:new', TOKEN), { identity: { kind: 'enrolling', deviceId: 'new' } }],
  ['enrolling, wrong token', attempt('d9', 'enroll:d9', 'wrong-token'), { code: 4 }],
  ['enrolling, foreign client id', attempt('d1', 'enroll:d9', TOKEN), { code: 2 }],
  ['enrolling, malformed id', attempt('a/b', 'enroll:a/b', TOKEN), { code: 4 }],
  ['enrolling with a wildcard id', attempt('+', 'enroll:+', TOKEN), { code: 4 }],
  ['enrolling, revoked device', attempt('gone', 'enroll:gone', TOKEN), { code: 5 }],
  ['inspector', attempt('ops-laptop', 'ops', 'ops-pw'), { identity: { kind: 'inspector', username: 'ops' } }],
  ['inspector, wrong password', attempt('ops-laptop', 'ops', 'nope'), { code: 4 }],
  ['inspector taking a device client id', attempt('d1', 'ops', 'ops-pw'), { code: 2 }],
  ['unknown user', attempt('x', 'mallory', 'pw'), { code: 4 }],
  ['anonymous, off', attempt('anon', undefined, undefined, '127.0.0.1'), { code: 5 }],
  ['password without username', attempt('anon', '', 'pw', '127.0.0.1'), { code: 4 }],
  // Client ids: bounded, printable ASCII; the server's ids are its own.
  ['client id of 129 characters', attempt('x'.repeat(129), 'ops', 'ops-pw'), { code: 2 }],
  ['client id with a replacement character (invalid UTF-8 on the wire)', attempt('ops\ufffd', 'ops', 'ops-pw'), { code: 2 }],
  ['client id with a space', attempt('ops laptop', 'ops', 'ops-pw'), { code: 2 }],
  ['inspector with a server client id', attempt('doorplate-server-1234', 'ops', 'ops-pw'), { code: 2 }],
  ['enrolling as a device id that looks like the server', attempt('doorplate-server-1', 'enroll:doorplate-server-1', TOKEN), { code: 2 }],
  // Enrollment keys.
  ['enrolling, bound device, its key', attempt('bound', 'enroll:bound', withKey(TOKEN, KEY)), { identity: { kind: 'enrolling', deviceId: 'bound' } }],
  ['enrolling, bound device, another key', attempt('bound', 'enroll:bound', withKey(TOKEN, OTHER_KEY)), { code: 5 }],
  ['enrolling, bound device, the token alone', attempt('bound', 'enroll:bound', TOKEN), { code: 5 }],
  ['enrolling, new device, with a key', attempt('d9', 'enroll:d9', withKey(TOKEN, KEY)), { identity: { kind: 'enrolling', deviceId: 'd9' } }],
  ['enrolling, an enrolled device', attempt('keyed', 'enroll:keyed', withKey(TOKEN, KEY)), { code: 5 }],
  ['enrolling, approved device whose secret was never used, its key', attempt('issued', 'enroll:issued', withKey(TOKEN, KEY)), { identity: { kind: 'enrolling', deviceId: 'issued' } }],
  ['device with its secret and key', attempt('keyed', 'keyed', withKey('secret-k', KEY)), { identity: { kind: 'device', deviceId: 'keyed', roomId: 'r1' } }],
  ['device with its secret, no key', attempt('keyed', 'keyed', 'secret-k'), { code: 4 }],
  ['device with its secret, another key', attempt('keyed', 'keyed', withKey('secret-k', OTHER_KEY)), { code: 4 }],
  // Taking over a client id in use.
  ['enrolling over the connected display', over({ kind: 'device', deviceId: 'd1', roomId: 'r1' }, attempt('d1', 'enroll:d1', TOKEN)), { code: 2 }],
  ['enrolling without a key over a pending display', over({ kind: 'enrolling', deviceId: 'new' }, attempt('new', 'enroll:new', TOKEN)), { code: 2 }],
  ['enrolling with its key over its own stale connection', over({ kind: 'enrolling', deviceId: 'bound' }, attempt('bound', 'enroll:bound', withKey(TOKEN, KEY))), { identity: { kind: 'enrolling', deviceId: 'bound' } }],
  ['display with its secret over its own stale connection', over({ kind: 'device', deviceId: 'd1', roomId: 'r1' }, attempt('d1', 'd1', 'secret-1')), { identity: { kind: 'device', deviceId: 'd1', roomId: 'r1' } }],
  ['inspector over the server', over({ kind: 'server' }, attempt('srv', 'ops', 'ops-pw')), { code: 2 }],
  ['server over the server', over({ kind: 'server' }, attempt('srv', '$server', SERVER_PW)), { identity: { kind: 'server' } }],
  ['server over an inspector', over({ kind: 'inspector', username: 'ops' }, attempt('ops-laptop', '$server', SERVER_PW)), { code: 2 }],
  ['inspector over the same inspector', over({ kind: 'inspector', username: 'ops' }, attempt('ops-laptop', 'ops', 'ops-pw')), { identity: { kind: 'inspector', username: 'ops' } }],
  ['inspector over another inspector', over({ kind: 'inspector', username: 'dev' }, attempt('ops-laptop', 'ops', 'ops-pw')), { code: 2 }],
  ['standby', attempt('standby:n2', 'standby:n2', FLEET), { identity: { kind: 'standby', nodeId: 'n2' } }],
  ['standby, wrong fleet secret', attempt('standby:n2', 'standby:n2', 'nope'), { code: 4 }],
  ['standby, foreign client id', attempt('n2', 'standby:n2', FLEET), { code: 2 }],
  ['standby, malformed node id', attempt('standby:a/b', 'standby:a/b', FLEET), { code: 4 }],
  ['standby taking over its own session', over({ kind: 'standby', nodeId: 'n2' }, attempt('standby:n2', 'standby:n2', FLEET)), { identity: { kind: 'standby', nodeId: 'n2' } }],
  ['a device may not take over a standby session', over({ kind: 'standby', nodeId: 'n2' }, attempt('standby:n2', 'd1', 'secret-1')), { code: 2 }],
];

function summary(d: AuthDecision): Expect {
  return d.ok ? { identity: d.identity } : { code: d.returnCode };
}

for (const [name, input, expected] of ROWS) {
  test(`authenticate: ${name}`, async () => {
    const auth = new Authenticator(await directory());
    const decision = await auth.authenticate(input);
    assert.deepEqual(summary(decision), expected);
    if (!decision.ok) {
      assert.ok(!decision.reason.includes(input.password?.toString() ?? '\u0000never'), 'the reason never quotes the password');
    }
  });
}

test('anonymous inspection only from loopback addresses when it is on', async () => {
  const dir = await directory();
  dir.anonymous = true;
  const auth = new Authenticator(dir);
  for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
    const d = await auth.authenticate(attempt('anon', undefined, undefined, address));
    assert.deepEqual(summary(d), { identity: { kind: 'inspector', username: '(anonymous)' } }, address);
  }
  for (const address of ['10.0.0.5', '127.0.0.2', '::ffff:10.0.0.5']) {
    assert.deepEqual(summary(await auth.authenticate(attempt('anon', undefined, undefined, address))), { code: 5 }, address);
  }
  assert.deepEqual(summary(await auth.authenticate({ clientId: 'anon', username: undefined, password: undefined, remoteAddress: undefined })), { code: 5 });
});

test('enrollment closed refuses with 5', async () => {
  const dir = await directory();
  dir.enrollmentHash = null;
  const d = await new Authenticator(dir).authenticate(attempt('d9', 'enroll:d9', TOKEN));
  assert.deepEqual(summary(d), { code: 5 });
});

test('current() follows room changes and drops revoked devices', async () => {
  const dir = await directory();
  const auth = new Authenticator(dir);
  const identity = { kind: 'device', deviceId: 'd1', roomId: 'r1' } as const;
  assert.equal(auth.current(identity), identity);
  dir.addDevice('d1', 'secret-1', 'r2');
  assert.deepEqual(auth.current(identity), { kind: 'device', deviceId: 'd1', roomId: 'r2' });
  dir.addDevice('d1', 'secret-1', 'r2', 'revoked');
  assert.equal(auth.current(identity), null);
  dir.devices.delete('d1');
  assert.equal(auth.current(identity), null);
  assert.deepEqual(auth.current({ kind: 'enrolling', deviceId: 'd9' }), { kind: 'enrolling', deviceId: 'd9' });
  assert.equal(auth.current({ kind: 'enrolling', deviceId: 'gone' }), null);
  assert.deepEqual(auth.current({ kind: 'server' }), { kind: 'server' });
});

test('no standby may connect where no fleet secret is configured', async () => {
  const dir = await directory();
  dir.standbyHash = null;
  const d = await new Authenticator(dir).authenticate(attempt('standby:n2', 'standby:n2', FLEET));
  assert.deepEqual(summary(d), { code: 5 });
});
