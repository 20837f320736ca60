import type { Hello } from '../../shared/api/payloads.js';

export type DeviceStatus = 'pending' | 'approved' | 'revoked';

export interface DeviceRecord {
  id: string;
  status: DeviceStatus;
  roomId: string | null;
  secretHash: string | null;
  secretConfirmed: boolean;
  hello: Hello | null;
  address: string | null;
  lastSeenAt: string | null;
  online: boolean;
  createdAt: string;
  approvedAt: string | null;
}

/** What the fleet logic needs from the store. */
export interface DeviceStore {
  get(id: string): DeviceRecord | undefined;
  list(): DeviceRecord[];
  getOrCreatePending(id: string, hello: Hello | null, address: string | null): DeviceRecord;
  approve(id: string): void;
  assignRoom(id: string, roomId: string | null): void;
  revoke(id: string): void;
  setSecretHash(id: string, hash: string): void;
  confirmSecret(id: string): void;
  markSeen(id: string, online: boolean, at: string): void;
  updateHello(id: string, hello: Hello): void;
  delete(id: string): void;
}

/** The public view of a device: never its secret or its hash. */
export function publicDevice(d: DeviceRecord): Omit<DeviceRecord, 'secretHash'> & { hasSecret: boolean } {
  const { secretHash, ...rest } = d;
  return { ...rest, hasSecret: secretHash !== null };
}
