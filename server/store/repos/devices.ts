import type { Clock } from '../../../shared/clock.js';
import { DoorplateError } from '../../../shared/errors.js';
import type { Database } from '../database.js';
import type { Statement } from 'better-sqlite3';
import { bit, fromJson, toJson } from './json.js';
import { Statements } from './statements.js';

export type DeviceStatus = 'pending' | 'approved' | 'revoked';

export interface Device {
  id: string;
  status: DeviceStatus;
  roomId: string | null;
  /** sha256 hex of the per-device secret; the secret itself is never stored. */
  secretHash: string | null;
  /** The device has connected with its secret at least once, so the enrollment reply can stop. */
  secretConfirmed: boolean;
  /** sha256 hex of the login key the device enrolled with (older agents: of the key their secret goes with). */
  enrollKeyHash: string | null;
  /** The public key the device's secret is sealed to (shared/api/sealed-secret.ts). */
  enrollSealKey: string | null;
  /** The sealed enrollment reply, kept until the device has used its secret. */
  enrollReply: string | null;
  /** The last hello payload as the device sent it (validated by the caller). */
  hello: unknown;
  address: string | null;
  lastSeenAt: number | null;
  online: boolean;
  createdAt: number;
  approvedAt: number | null;
  revokedAt: number | null;
}

interface DeviceRow {
  id: string;
  status: DeviceStatus;
  room_id: string | null;
  secret_hash: string | null;
  secret_confirmed: number;
  enroll_key_hash: string | null;
  enroll_seal_key: string | null;
  enroll_reply: string | null;
  hello: string | null;
  address: string | null;
  last_seen_at: number | null;
  online: number;
  created_at: number;
  approved_at: number | null;
  revoked_at: number | null;
}

function toDevice(r: DeviceRow): Device {
  return {
    id: r.id,
    status: r.status,
    roomId: r.room_id,
    secretHash: r.secret_hash,
    secretConfirmed: r.secret_confirmed === 1,
    enrollKeyHash: r.enroll_key_hash,
    enrollSealKey: r.enroll_seal_key,
    enrollReply: r.enroll_reply,
    hello: r.hello === null ? null : fromJson(r.hello),
    address: r.address,
    lastSeenAt: r.last_seen_at,
    online: r.online === 1,
    createdAt: r.created_at,
    approvedAt: r.approved_at,
    revokedAt: r.revoked_at,
  };
}

/** A device as anything outside the broker may see it: nothing that authenticates it. */
export type VisibleDevice = Omit<Device, 'secretHash' | 'enrollKeyHash' | 'enrollSealKey' | 'enrollReply'>;

export function visibleDevice(d: Device): VisibleDevice {
  const { secretHash: _secret, enrollKeyHash: _key, enrollSealKey: _seal, enrollReply: _reply, ...visible } = d;
  return { ...visible, hello: withoutKeys(visible.hello) };
}

/** The stored hello without the keys the device enrolled with (the same values as above). */
function withoutKeys(hello: unknown): unknown {
  if (hello === null || typeof hello !== 'object' || Array.isArray(hello)) return hello;
  const { sealKey: _seal, enrollmentKey: _key, ...rest } = hello as Record<string, unknown>;
  return rest;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
const SEAL_KEY = /^[A-Za-z0-9_-]{43}$/;

/** What an enrolling device bound its id to: its login key's hash and its sealing key (older agents: no sealing key). */
export interface EnrollmentBinding {
  keyHash: string | null;
  sealKey: string | null;
}

/** The devices table (its statements prepared once: see Statements). */
export class DevicesRepo {
  private readonly statements: Statements;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {
    this.statements = new Statements(db);
  }

  private sql(text: string): Statement {
    return this.statements.sql(text);
  }

  /** Each filter is its own statement, so every one of them can use its index. */
  list(filter: { status?: DeviceStatus; roomId?: string } = {}): Device[] {
    const { status, roomId } = filter;
    let rows: DeviceRow[];
    if (status !== undefined && roomId !== undefined) rows = this.sql('SELECT * FROM devices WHERE room_id = ? AND status = ? ORDER BY id').all(roomId, status) as DeviceRow[];
    else if (roomId !== undefined) rows = this.sql('SELECT * FROM devices WHERE room_id = ? ORDER BY id').all(roomId) as DeviceRow[];
    else if (status !== undefined) rows = this.sql('SELECT * FROM devices WHERE status = ? ORDER BY id').all(status) as DeviceRow[];
    else rows = this.sql('SELECT * FROM devices ORDER BY id').all() as DeviceRow[];
    return rows.map(toDevice);
  }

  get(id: string): Device | null {
    const row = this.sql('SELECT * FROM devices WHERE id = ?').get(id) as DeviceRow | undefined;
    return row ? toDevice(row) : null;
  }

  /**
   * Records a hello: a new device becomes pending, bound to what it sent (`binding`); a known one
   * keeps its status (a revoked device stays revoked however often it says hello) and gets its
   * hello and address refreshed. A known device bound to nothing takes the first binding sent.
   */
  getOrCreatePending(id: string, hello: unknown, address: string | null, binding: EnrollmentBinding | null = null): { device: Device; created: boolean } {
    const keyHash = binding?.keyHash ?? null;
    const sealKey = binding?.sealKey ?? null;
    if (keyHash !== null && !SHA256_HEX.test(keyHash)) throw new DoorplateError('VALIDATION', `devices.${id}.enrollKeyHash: must be a lowercase sha256 hex digest`);
    if (sealKey !== null && !SEAL_KEY.test(sealKey)) throw new DoorplateError('VALIDATION', `devices.${id}.enrollSealKey: must be 43 base64url characters`);
    const now = this.clock.now();
    const helloJson = toJson(hello, `devices.${id}.hello`);
    return this.db.transaction(() => {
      const created =
        this.sql(
          `INSERT INTO devices (id, status, hello, address, last_seen_at, created_at, enroll_key_hash, enroll_seal_key)
           VALUES (?, 'pending', ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
        ).run(id, helloJson, address, now, now, keyHash, sealKey).changes === 1;
      if (!created) {
        this.sql(
          `UPDATE devices SET hello = ?, address = ?, last_seen_at = ?,
             enroll_key_hash = CASE WHEN enroll_key_hash IS NULL AND enroll_seal_key IS NULL THEN ? ELSE enroll_key_hash END,
             enroll_seal_key = CASE WHEN enroll_key_hash IS NULL AND enroll_seal_key IS NULL THEN ? ELSE enroll_seal_key END
           WHERE id = ?`,
        ).run(helloJson, address, now, keyHash, sealKey, id);
      }
      return { device: this.require(id), created };
    })();
  }

  /** Pending devices, oldest first. */
  pending(): Device[] {
    return (this.sql(`SELECT * FROM devices WHERE status = 'pending' ORDER BY created_at, id`).all() as DeviceRow[]).map(toDevice);
  }

  countPending(): number {
    return (this.sql(`SELECT count(*) AS n FROM devices WHERE status = 'pending'`).get() as { n: number }).n;
  }

  /** A revoked device may enroll again: it is pending, bound to nothing, until approved once more. */
  readmit(id: string): Device {
    this.require(id);
    this.sql(`UPDATE devices SET status = 'pending', revoked_at = NULL WHERE id = ? AND status = 'revoked'`).run(id);
    return this.require(id);
  }

  /** Approves a pending device, or re-admits a revoked one (which must then enroll for a new secret). */
  approve(id: string): Device {
    this.require(id);
    this.sql(
      `UPDATE devices SET status = 'approved', approved_at = COALESCE(approved_at, ?), revoked_at = NULL
       WHERE id = ? AND status <> 'approved'`,
    ).run(this.clock.now(), id);
    return this.require(id);
  }

  assignRoom(id: string, roomId: string | null): Device {
    this.require(id);
    if (roomId !== null && !this.sql('SELECT 1 FROM rooms WHERE id = ?').get(roomId)) {
      throw new DoorplateError('ROOM_NOT_FOUND', `no room ${JSON.stringify(roomId)}`);
    }
    this.sql('UPDATE devices SET room_id = ? WHERE id = ?').run(roomId, id);
    return this.require(id);
  }

  /**
   * Revoking forgets the secret and the enrollment key, so the device cannot connect again even
   * if it is re-approved later: it enrolls afresh, with a new key.
   */
  revoke(id: string): Device {
    this.require(id);
    this.sql(
      `UPDATE devices SET status = 'revoked', revoked_at = ?, secret_hash = NULL, secret_confirmed = 0, online = 0, enroll_key_hash = NULL, enroll_seal_key = NULL, enroll_reply = NULL
       WHERE id = ?`,
    ).run(this.clock.now(), id);
    return this.require(id);
  }

  /**
   * Stores a new secret's hash, and the sealed reply that carries it (kept to be sent again until
   * the device has used the secret); it counts as confirmed only once the device has used it.
   */
  setSecretHash(id: string, hash: string, sealedReply: string | null = null): Device {
    if (!SHA256_HEX.test(hash)) throw new DoorplateError('VALIDATION', `devices.${id}.secretHash: must be a lowercase sha256 hex digest`);
    this.require(id);
    this.sql('UPDATE devices SET secret_hash = ?, secret_confirmed = 0, enroll_reply = ? WHERE id = ?').run(hash, sealedReply, id);
    return this.require(id);
  }

  confirmSecret(id: string): Device {
    const d = this.require(id);
    if (d.secretHash === null) throw new DoorplateError('BAD_REQUEST', `device ${JSON.stringify(id)} has no secret to confirm`);
    this.sql('UPDATE devices SET secret_confirmed = 1, enroll_reply = NULL WHERE id = ?').run(id);
    return this.require(id);
  }

  /** Returns false for an unknown device (a stale will from a deleted one), which is not an error. */
  markSeen(id: string, online: boolean, at: number): boolean {
    return this.sql('UPDATE devices SET online = ?, last_seen_at = MAX(COALESCE(last_seen_at, 0), ?) WHERE id = ?').run(bit(online), at, id).changes === 1;
  }

  /** Every device offline: at server start nothing is connected yet. Returns how many were online. */
  markAllOffline(): number {
    return this.sql('UPDATE devices SET online = 0 WHERE online = 1').run().changes;
  }

  delete(id: string): boolean {
    return this.sql('DELETE FROM devices WHERE id = ?').run(id).changes === 1;
  }

  private require(id: string): Device {
    const d = this.get(id);
    if (!d) throw new DoorplateError('DEVICE_NOT_FOUND', `no device ${JSON.stringify(id)}`);
    return d;
  }
}
