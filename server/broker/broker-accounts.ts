import type { Device } from '../store/repos/devices.js';

/**
 * Keeps the broker's accounts and access rules in step with the fleet. The embedded broker
 * needs nothing (it reads the device store at each decision); an external broker is told.
 */
export interface BrokerAccounts {
  /** At start: brings every account in line with the store. */
  sync(devices: readonly Device[]): Promise<void>;
  /** A device was enrolled, approved, moved or revoked. */
  deviceChanged(device: Device): Promise<void>;
  /** The device is about to be sent its config (its room): its rights follow first. */
  beforeConfig(deviceId: string): Promise<void>;
  /** A new secret for the device: its account accepts it before the device is told it. */
  secretIssued(deviceId: string, secret: string): Promise<void>;
  stop(): Promise<void>;
}

/** The embedded broker: the device store is its account list already. */
export const embeddedAccounts: BrokerAccounts = {
  sync: () => Promise.resolve(),
  deviceChanged: () => Promise.resolve(),
  beforeConfig: () => Promise.resolve(),
  secretIssued: () => Promise.resolve(),
  stop: () => Promise.resolve(),
};
