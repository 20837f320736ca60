/**
 * Decides who a connecting MQTT client is. Conventions on the wire:
 *
 * - the server itself: username `$server`, password = the server's internal password (the
 *   directory holds its SHA-256); any client id that is not a device id. Client ids starting
 *   with `doorplate-server` are the server's alone.
 * - a device: username = its device id, password = its per-device secret (older agents follow
 *   it with `|<enrollment key>`), and the client id must equal the device id (so one device
 *   cannot take over another's session).
 * - an enrolling device: username `enroll:<deviceId>`, password = the site enrollment token
 *   followed by `|<login key>` (shared/api/enrollment-key.ts), client id = the device id.
 *   Refused when enrollment is closed, the device is revoked or already enrolled, or it is
 *   bound to another key; the token alone only for an id bound to no key.
 * - a standby node: username `standby:<nodeId>`, password = the site's fleet secret (the
 *   directory holds its SHA-256; none configured = no standby may connect), client id = the
 *   username.
 * - an inspector: username and password from the broker config (scrypt hash).
 * - anonymous (no username): only from 127.0.0.1, ::1 or ::ffff:127.0.0.1, and only when
 *   `anonymousLoopbackInspect` is on; it is a read-only inspector.
 *
 * A username that is a known device id is a device login even if an inspector has the same name.
 * Clients that are not devices may not use a known device id as client id: the broker would
 * otherwise hand them that device's session and disconnect the display. Likewise a client id
 * in use is taken over only by the same principal with its own proof (the device with its
 * secret, the enrolling device with its key, the server, the same named inspector); anyone
 * else is refused and the connected client stays.
 * Client ids are 1-128 printable ASCII characters.
 *
 * CONNACK codes: 2 identifier rejected (client id rules), 4 bad username or password (wrong or
 * unknown credentials), 5 not authorized (revoked or not yet approved device, closed enrollment,
 * anonymous from elsewhere).
 *
 * Passwords and secrets never leave this module; reasons name the account, never the secret.
 */
import { isId } from '../../shared/ids.js';
import { splitKey } from '../../shared/api/enrollment-key.js';
import { verifyPassword, verifySha256 } from '../security/secrets.js';
import type { Identity } from './acl.js';

export interface BrokerDirectory {
  /** sha256 of the server's own internal password. */
  serverPasswordHash(): string;
  device(id: string): DirectoryDevice | null;
  /** sha256 of the site enrollment token; null = enrollment closed. */
  enrollmentTokenHash(): string | null;
  inspectors(): ReadonlyArray<{ username: string; passwordHash: string; homeAssistant?: { discoveryPrefix: string } }>;
  anonymousLoopbackInspect(): boolean;
  /** sha256 of the site's fleet secret; null = no standby may connect. */
  standbySecretHash?(): string | null;
}

export interface DirectoryDevice {
  status: 'pending' | 'approved' | 'revoked';
  secretHash: string | null;
  roomId: string | null;
  /** It has connected with its secret: enrolling under its id is over. */
  secretConfirmed?: boolean;
  /** sha256 of the login key it enrolled with; null for a device enrolled without one. */
  enrollKeyHash?: string | null;
  /** Its secret was sealed to its key (shared/api/sealed-secret.ts): the secret alone is its password. */
  sealed?: boolean;
}

export interface ConnectAttempt {
  clientId: string;
  username: string | undefined;
  password: Buffer | undefined;
  remoteAddress: string | undefined;
  /** Who is connected with this client id right now, if anyone. */
  holder?: Identity | null;
}

/** The client ids the server's own connection uses; nobody else may. */
export const SERVER_CLIENT_ID_PREFIX = 'doorplate-server';
const CLIENT_ID = /^[\x21-\x7e]{1,128}$/;

export const CONNACK = { IDENTIFIER_REJECTED: 2, BAD_USERNAME_OR_PASSWORD: 4, NOT_AUTHORIZED: 5 } as const;
export type RefusalCode = (typeof CONNACK)[keyof typeof CONNACK];

export type AuthDecision = { ok: true; identity: Identity } | { ok: false; returnCode: RefusalCode; reason: string };

export const SERVER_USERNAME = '$server';
export const ENROLL_PREFIX = 'enroll:';
export const STANDBY_PREFIX = 'standby:';
export const ANONYMOUS_INSPECTOR = '(anonymous)';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export function isLoopback(address: string | undefined): boolean {
  return address !== undefined && LOOPBACK.has(address);
}

function refuse(returnCode: RefusalCode, reason: string): { ok: false; returnCode: RefusalCode; reason: string } {
  return { ok: false, returnCode, reason };
}

/** A decision before the client-id rules; `proven`: the login proved who it is beyond the site token. */
type Decided = { ok: true; identity: Identity; proven: boolean } | { ok: false; returnCode: RefusalCode; reason: string };

/** Whether `newcomer` may replace the connection `holder` has under the same client id. */
function mayTakeOver(newcomer: Identity, holder: Identity, proven: boolean): boolean {
  if (!proven) return false;
  switch (newcomer.kind) {
    case 'server':
      return holder.kind === 'server';
    case 'device':
      return (holder.kind === 'device' || holder.kind === 'enrolling') && holder.deviceId === newcomer.deviceId;
    case 'enrolling':
      return holder.kind === 'enrolling' && holder.deviceId === newcomer.deviceId;
    case 'inspector':
      return holder.kind === 'inspector' && holder.username === newcomer.username;
    case 'standby':
      return holder.kind === 'standby' && holder.nodeId === newcomer.nodeId;
  }
}

export class Authenticator {
  constructor(private readonly directory: BrokerDirectory) {}

  async authenticate(attempt: ConnectAttempt): Promise<AuthDecision> {
    const decision = await this.decide(attempt);
    if (!decision.ok) return decision;
    const { clientId } = attempt;
    if (decision.identity.kind !== 'server' && clientId.startsWith(SERVER_CLIENT_ID_PREFIX)) {
      return refuse(CONNACK.IDENTIFIER_REJECTED, `client id ${clientId} is reserved for the server`);
    }
    const holder = attempt.holder ?? null;
    if (holder !== null && !mayTakeOver(decision.identity, holder, decision.proven)) {
      return refuse(CONNACK.IDENTIFIER_REJECTED, `client id ${clientId} is in use`);
    }
    return { ok: true, identity: decision.identity };
  }

  private async decide(attempt: ConnectAttempt): Promise<Decided> {
    const { username, password, clientId } = attempt;
    if (!CLIENT_ID.test(clientId)) return refuse(CONNACK.IDENTIFIER_REJECTED, 'a client id must be 1-128 printable ASCII characters');
    const secret = password === undefined ? undefined : password.toString('utf8');

    if (username === undefined || username === '') {
      if (secret !== undefined) return refuse(CONNACK.BAD_USERNAME_OR_PASSWORD, 'password without a username');
      if (!this.directory.anonymousLoopbackInspect()) return refuse(CONNACK.NOT_AUTHORIZED, 'anonymous access is off');
      if (!isLoopback(attempt.remoteAddress)) return refuse(CONNACK.NOT_AUTHORIZED, `anonymous access from ${attempt.remoteAddress ?? 'an unknown address'}`);
      return this.notADeviceId(clientId, { kind: 'inspector', username: ANONYMOUS_INSPECTOR });
    }
    if (secret === undefined) return refuse(CONNACK.BAD_USERNAME_OR_PASSWORD, `no password for ${username}`);

    if (username === SERVER_USERNAME) {
      if (!verifySha256(secret, this.directory.serverPasswordHash())) return refuse(CONNACK.BAD_USERNAME_OR_PASSWORD, 'wrong server password');
      return this.notADeviceId(clientId, { kind: 'server' });
    }

    if (username.startsWith(STANDBY_PREFIX)) return this.standby(username.slice(STANDBY_PREFIX.length), secret, clientId, username);

    if (username.startsWith(ENROLL_PREFIX)) return this.enrolling(username.slice(ENROLL_PREFIX.length), secret, clientId);

    if (isId(username) && this.directory.device(username) !== null) return this.device(username, secret, clientId);

    const inspector = this.directory.inspectors().find((i) => i.username === username);
    if (inspector !== undefined) {
      if (!(await verifyPassword(secret, inspector.passwordHash))) return refuse(CONNACK.BAD_USERNAME_OR_PASSWORD, `wrong password for inspector ${username}`);
      return this.notADeviceId(clientId, inspector.homeAssistant ? { kind: 'inspector', username, homeAssistant: inspector.homeAssistant } : { kind: 'inspector', username });
    }
    return refuse(CONNACK.BAD_USERNAME_OR_PASSWORD, isId(username) ? `unknown device or inspector ${username}` : 'unknown username');
  }

  private device(deviceId: string, password: string, clientId: string): Decided {
    const record = this.directory.device(deviceId);
    if (record === null) return refuse(CONNACK.BAD_USERNAME_OR_PASSWORD, `unknown device ${deviceId}`);
    // Older agents send their key with the secret; a sealed secret is a password on its own.
    const keyHash = record.sealed === true ? null : (record.enrollKeyHash ?? null);
    const parts = keyHash === null ? { value: password, key: null } : splitKey(password);
    if (parts === null || (keyHash !== null && !verifySha256(parts.key ?? '', keyHash))) {
      return refuse(CONNACK.BAD_USERNAME_OR_PASSWORD, `wrong secret or key for device ${deviceId}`);
    }
    if (record.secretHash === null || !verifySha256(parts.value, record.secretHash)) {
      return refuse(CONNACK.BAD_USERNAME_OR_PASSWORD, `wrong secret for device ${deviceId}`);
    }
    if (record.status === 'revoked') return refuse(CONNACK.NOT_AUTHORIZED, `device ${deviceId} is revoked`);
    if (record.status !== 'approved') return refuse(CONNACK.NOT_AUTHORIZED, `device ${deviceId} is not approved`);
    if (clientId !== deviceId) return refuse(CONNACK.IDENTIFIER_REJECTED, `device ${deviceId} must use its id as client id`);
    return { ok: true, identity: { kind: 'device', deviceId, roomId: record.roomId }, proven: true };
  }

  private enrolling(deviceId: string, password: string, clientId: string): Decided {
    if (!isId(deviceId)) return refuse(CONNACK.BAD_USERNAME_OR_PASSWORD, 'enrollment with a malformed device id');
    const tokenHash = this.directory.enrollmentTokenHash();
    if (tokenHash === null) return refuse(CONNACK.NOT_AUTHORIZED, `enrollment is closed (device ${deviceId})`);
    // The token alone, or the token and the device's key.
    let key: string | null = null;
    if (!verifySha256(password, tokenHash)) {
      const parts = splitKey(password);
      if (parts === null || !verifySha256(parts.value, tokenHash)) return refuse(CONNACK.BAD_USERNAME_OR_PASSWORD, `wrong enrollment token (device ${deviceId})`);
      key = parts.key;
    }
    const record = this.directory.device(deviceId);
    if (record?.status === 'revoked') return refuse(CONNACK.NOT_AUTHORIZED, `device ${deviceId} is revoked`);
    if (record?.status === 'approved' && record.secretConfirmed === true) {
      return refuse(CONNACK.NOT_AUTHORIZED, `device ${deviceId} already enrolled; an administrator must revoke it first`);
    }
    const keyHash = record?.enrollKeyHash ?? null;
    if (keyHash !== null && (key === null || !verifySha256(key, keyHash))) {
      return refuse(CONNACK.NOT_AUTHORIZED, `enrolling device ${deviceId} does not hold the key it enrolled with`);
    }
    if (clientId !== deviceId) return refuse(CONNACK.IDENTIFIER_REJECTED, `enrolling device ${deviceId} must use its id as client id`);
    return { ok: true, identity: { kind: 'enrolling', deviceId }, proven: keyHash !== null };
  }

  private standby(nodeId: string, secret: string, clientId: string, username: string): Decided {
    if (!isId(nodeId)) return refuse(CONNACK.BAD_USERNAME_OR_PASSWORD, 'standby with a malformed node id');
    const hash = this.directory.standbySecretHash?.() ?? null;
    if (hash === null) return refuse(CONNACK.NOT_AUTHORIZED, `no fleet secret is configured (standby ${nodeId})`);
    if (!verifySha256(secret, hash)) return refuse(CONNACK.BAD_USERNAME_OR_PASSWORD, `wrong fleet secret (standby ${nodeId})`);
    if (clientId !== username) return refuse(CONNACK.IDENTIFIER_REJECTED, `standby ${nodeId} must use ${username} as client id`);
    return { ok: true, identity: { kind: 'standby', nodeId }, proven: true };
  }

  private notADeviceId(clientId: string, identity: Identity): Decided {
    if (isId(clientId) && this.directory.device(clientId) !== null) {
      return refuse(CONNACK.IDENTIFIER_REJECTED, `client id ${clientId} belongs to a device`);
    }
    return { ok: true, identity, proven: identity.kind === 'server' || (identity.kind === 'inspector' && identity.username !== ANONYMOUS_INSPECTOR) };
  }

  /**
   * The identity as it stands now: a device's room is read again (it changes while the device
   * stays connected); null when the device was revoked or removed since it connected.
   */
  current(identity: Identity): Identity | null {
    if (identity.kind !== 'device' && identity.kind !== 'enrolling') return identity;
    const record = this.directory.device(identity.deviceId);
    if (identity.kind === 'enrolling') return record?.status === 'revoked' ? null : identity;
    if (record === null || record.status !== 'approved') return null;
    return record.roomId === identity.roomId ? identity : { ...identity, roomId: record.roomId };
  }
}
