import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { hashPassword, newSecret, passwordHashProblem, sha256Hex, verifyPassword, verifySha256 } from '../../../server/security/secrets.js';

/** Cheap parameters: the tests check the format and the comparison, not the cost. */
const FAST = { N: 1024, r: 8, p: 1 };

test('newSecret gives 32 random bytes as base64url, different every time', () => {
  const a = newSecret();
  const b = newSecret();
  assert.match(a, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(Buffer.from(a, 'base64url').length, 32);
  assert.notEqual(a, b);
});

test('sha256Hex matches the known digest of "abc"', () => {
  assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

test('verifySha256 accepts the secret, refuses others and malformed hashes', () => {
  const secret = newSecret();
  const hash = createHash('sha256').update(secret).digest('hex');
  assert.equal(verifySha256(secret, hash), true);
  assert.equal(verifySha256(secret, hash.toUpperCase()), true);
  assert.equal(verifySha256(`${secret}x`, hash), false);
  assert.equal(verifySha256(secret, hash.slice(1)), false);
  assert.equal(verifySha256(secret, ''), false);
  assert.equal(verifySha256(secret, 'z'.repeat(64)), false);
});

test('hashPassword stores scrypt$N$r$p$salt$hash with a fresh salt', async () => {
  const a = await hashPassword('correct horse', FAST);
  const b = await hashPassword('correct horse', FAST);
  assert.match(a, /^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
  assert.notEqual(a, b);
  assert.equal(passwordHashProblem(a), null);
});

test('verifyPassword accepts the password and refuses any other', async () => {
  const stored = await hashPassword('correct horse', FAST);
  assert.equal(await verifyPassword('correct horse', stored), true);
  assert.equal(await verifyPassword('correct horse ', stored), false);
  assert.equal(await verifyPassword('', stored), false);
});

test('the default cost parameters round-trip', async () => {
  const stored = await hashPassword('battery staple');
  assert.match(stored, /^scrypt\$32768\$8\$1\$/);
  assert.equal(await verifyPassword('battery staple', stored), true);
});

test('malformed stored hashes are refused, with a reason for config checks', async () => {
  const good = await hashPassword('pw', FAST);
  const parts = good.split('$');
  const cases: [string, RegExp][] = [
    ['bcrypt$xyz', /expected scrypt/],
    [['scrypt', '1000', ...parts.slice(2)].join('$'), /power of two/],
    [['scrypt', String(1 << 22), ...parts.slice(2)].join('$'), /power of two/],
    [['scrypt', '1024', '0', ...parts.slice(3)].join('$'), /r must be/],
    [['scrypt', '1024', '8', '99', ...parts.slice(4)].join('$'), /p must be/],
    [[...parts.slice(0, 4), 'not base64!', parts[5]].join('$'), /base64url/],
    [[...parts.slice(0, 5), 'AAAA'].join('$'), /hash must be/],
  ];
  for (const [stored, reason] of cases) {
    assert.match(passwordHashProblem(stored) ?? '', reason, stored);
    assert.equal(await verifyPassword('pw', stored), false, stored);
  }
});

test('an empty password cannot be hashed', async () => {
  await assert.rejects(hashPassword('', FAST), /empty/);
});
