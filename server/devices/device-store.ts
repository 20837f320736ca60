import { visibleDevice, type Device, type DevicesRepo, type VisibleDevice } from '../store/repos/devices.js';

export type DeviceRecord = Device;

/** What the fleet logic needs from the store. */
export type DeviceStore = Pick<
  DevicesRepo,
  | 'get'
  | 'list'
  | 'getOrCreatePending'
  | 'approve'
  | 'readmit'
  | 'assignRoom'
  | 'revoke'
  | 'setSecretHash'
  | 'confirmSecret'
  | 'markSeen'
  | 'markAllOffline'
  | 'delete'
  | 'pending'
  | 'countPending'
>;

/** The public view of a device: never its secret's hash. */
export function publicDevice(d: DeviceRecord): VisibleDevice & { hasSecret: boolean } {
  return { ...visibleDevice(d), hasSecret: d.secretHash !== null };
}
