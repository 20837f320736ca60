import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isUsableSealKey, loginKeyOf, newEnrollmentKey, openSealedSecret, SEALED_SECRET_PATTERN, sealKeyOf, sealSecret } from '../../shared/api/index.js';

const SECRET = 'a-device-secret-of-forty-three-characters-x';

test('a sealed secret opens with the device key it was sealed to, for that device id only', () => {
  const key = newEnrollmentKey();
  const sealed = sealSecret(SECRET, sealKeyOf(key), 'door-1');
  assert.match(sealed, SEALED_SECRET_PATTERN);
  assert.ok(!sealed.includes(SECRET));
  assert.equal(openSealedSecret(sealed, key, 'door-1'), SECRET);
  // A fresh ephemeral key and iv each time: two seals of one secret differ.
  assert.notEqual(sealSecret(SECRET, sealKeyOf(key), 'door-1'), sealed);
  assert.throws(() => openSealedSecret(sealed, newEnrollmentKey(), 'door-1'), /not sealed to this device key/);
  assert.throws(() => openSealedSecret(sealed, key, 'door-2'), /not sealed to this device key/);
});

test('a sealed secret changed anywhere does not open', () => {
  const key = newEnrollmentKey();
  const sealed = sealSecret(SECRET, sealKeyOf(key), 'door-1');
  const [version, epk, iv, body] = sealed.split('.') as [string, string, string, string];
  const flip = (text: string, at: number): string => {
    const bytes = Buffer.from(text, 'base64url');
    bytes[at] = (bytes[at] ?? 0) ^ 1;
    return bytes.toString('base64url');
  };
  for (const changed of [[version, flip(epk, 3), iv, body], [version, epk, flip(iv, 0), body], [version, epk, iv, flip(body, 0)], [version, epk, iv, flip(body, Buffer.from(body, 'base64url').length - 1)]]) {
    assert.throws(() => openSealedSecret(changed.join('.'), key, 'door-1'), /sealed secret/);
  }
  assert.throws(() => openSealedSecret(`v2.${epk}.${iv}.${body}`, key, 'door-1'), /malformed/);
});

test('keys: a low-order public key cannot be sealed to; the login key is one-way and differs from the key', () => {
  assert.equal(isUsableSealKey('A'.repeat(43)), false);
  assert.equal(isUsableSealKey(sealKeyOf(newEnrollmentKey())), true);
  const key = newEnrollmentKey();
  assert.match(loginKeyOf(key), /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(loginKeyOf(key), key);
  assert.notEqual(loginKeyOf(key), sealKeyOf(key));
  assert.equal(loginKeyOf(key), loginKeyOf(key));
});
