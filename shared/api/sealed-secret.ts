import { createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';

/**
 * The sealed enrollment reply, part of the MQTT contract. An enrolling device turns its one-time
 * key (32 random bytes, shared/api/enrollment-key.ts) into an X25519 key pair and sends the
 * public half in its hello (`sealKey`). The server seals the device's new secret to that key:
 * an ephemeral X25519 exchange, HKDF-SHA256, AES-256-GCM with the device id as associated data.
 *
 * Whoever else reads the reply (anyone holding the site's enrollment token who claims the id)
 * gets nothing of use, and the secret itself stays an ordinary password, so a broker that can
 * only compare passwords it was given in plain (Mosquitto's dynamic security) can check it.
 *
 * Wire form: `v1.<ephemeral public key>.<iv>.<ciphertext and tag>`, each base64url.
 */
const VERSION = 'v1';
const INFO = Buffer.from('doorplate sealed secret v1');
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** The fixed DER head of a PKCS#8 X25519 private key (RFC 8410): the 32 key bytes follow it. */
const PKCS8_X25519_HEAD = Buffer.from('302e020100300506032b656e04220420', 'hex');

/** An X25519 public key: 32 bytes, base64url. */
export const SEAL_KEY_PATTERN = /^[A-Za-z0-9_-]{43}$/;
/** A sealed secret of up to 128 characters. */
export const SEALED_SECRET_PATTERN = /^v1\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22,192}$/;

function privateKeyOf(key: string): KeyObject {
  const raw = Buffer.from(key, 'base64url');
  if (raw.length !== 32) throw new Error('sealed secret: the private key must be 32 bytes');
  return createPrivateKey({ key: Buffer.concat([PKCS8_X25519_HEAD, raw]), format: 'der', type: 'pkcs8' });
}

function publicKeyOf(x: string): KeyObject {
  if (!SEAL_KEY_PATTERN.test(x)) throw new Error('sealed secret: a public key must be 43 base64url characters');
  return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x }, format: 'jwk' });
}

function rawPublic(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new Error('sealed secret: not an X25519 key');
  return jwk.x;
}

function aeadKey(shared: Buffer, ephemeral: string, recipient: string): Buffer {
  const salt = Buffer.concat([Buffer.from(ephemeral, 'base64url'), Buffer.from(recipient, 'base64url')]);
  return Buffer.from(hkdfSync('sha256', shared, salt, INFO, 32));
}

/** The public key (`sealKey` of the hello) that belongs to a device's one-time key. */
export function sealKeyOf(oneTimeKey: string): string {
  return rawPublic(createPublicKey(privateKeyOf(oneTimeKey)));
}

/** Seals `secret` for the holder of the private half of `sealKey`, bound to `deviceId`. */
export function sealSecret(secret: string, sealKey: string, deviceId: string): string {
  const recipient = publicKeyOf(sealKey);
  const ephemeral = generateKeyPairSync('x25519');
  const epk = rawPublic(ephemeral.publicKey);
  const key = aeadKey(diffieHellman({ privateKey: ephemeral.privateKey, publicKey: recipient }), epk, sealKey);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(deviceId));
  const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return [VERSION, epk, iv.toString('base64url'), body.toString('base64url')].join('.');
}

/** The secret sealed to this device's one-time key; throws when it was sealed to another. */
export function openSealedSecret(sealed: string, oneTimeKey: string, deviceId: string): string {
  if (!SEALED_SECRET_PATTERN.test(sealed)) throw new Error('sealed secret: malformed');
  const [, epk, ivText, bodyText] = sealed.split('.') as [string, string, string, string];
  const own = privateKeyOf(oneTimeKey);
  const key = aeadKey(diffieHellman({ privateKey: own, publicKey: publicKeyOf(epk) }), epk, sealKeyOf(oneTimeKey));
  const body = Buffer.from(bodyText, 'base64url');
  if (body.length <= TAG_BYTES) throw new Error('sealed secret: too short');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(ivText, 'base64url'));
  decipher.setAAD(Buffer.from(deviceId));
  decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new Error('sealed secret: not sealed to this device key');
  }
}

/** Whether a key sent as `sealKey` can be sealed to (a low-order point cannot) and is spelt as the one spelling. */
export function isUsableSealKey(sealKey: string): boolean {
  if (canonicalSealKey(sealKey) !== sealKey) return false;
  try {
    sealSecret('x'.repeat(32), sealKey, 'probe');
    return true;
  } catch {
    return false;
  }
}

/** The one spelling of an X25519 public key (base64url has two for its last bits), or null when it is none. */
export function canonicalSealKey(sealKey: string): string | null {
  try {
    return rawPublic(publicKeyOf(sealKey));
  } catch {
    return null;
  }
}
