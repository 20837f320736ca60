import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Authenticator, type AuthDecision, type ConnectAttempt } from '../../../server/broker/authenticator.js';
import { hashPassword, sha256Hex } from '../../../server/security/secrets.js';
import { MemoryDirectory } from './helpers.js';

const SERVER_PW = 'server-password-0123456789';
const TOKEN = 'enrollment-token-0123456789';

async function directory(): Promise<MemoryDirectory> {
  const dir = new MemoryDirectory(SERVER_PW);
  dir.addDevice('d1', 'secret-1', 'r1');
  dir.addDevice('d2', 'secret-2', null);
  dir.addDevice('gone', 'secret-gone', 'r1', 'revoked');
  dir.devices.set('new', { status: 'pending', secretHash: null, roomId: null });
  dir.devices.set('waiting', { status: 'pending', secretHash: sha256Hex('secret-w'), roomId: null });
  dir.enrollmentHash = sha256Hex(TOKEN);
  dir.inspectorList = [{ username: 'ops', passwordHash: await hashPassword('ops-pw', { N: 1024, r: 8, p: 1 }) }];
  return dir;
}

function attempt(clientId: string, username?: string, password?: string, remoteAddress = '10.0.0.5'): ConnectAttempt {
  return { clientId, username, password: password === undefined ? undefined : Buffer.from(password), remoteAddress };
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
