import type { BrokerDirectory } from './authenticator.js';
import type { Config } from '../../shared/config/schema.js';
import type { DevicesRepo } from '../store/repos/devices.js';

/**
 * The broker's view of who exists, read from the store at each CONNECT; the broker keeps each
 * connection's identity and is told of device changes (EmbeddedBroker.refreshDevice).
 */
export function storeDirectory(opts: {
  devices: Pick<DevicesRepo, 'get'>;
  serverPasswordHash: string;
  enrollmentTokenHash: () => string | null;
  broker: Config['broker'];
  /** Where Home Assistant reads discovery: given to the inspector accounts with that role. */
  discoveryPrefix?: string;
  /** sha256 of the fleet secret standbys log in with; absent = no standby may. */
  standbySecretHash?: string | null;
}): BrokerDirectory {
  return {
    serverPasswordHash: () => opts.serverPasswordHash,
    device: (id) => {
      const d = opts.devices.get(id);
      return d ? { status: d.status, secretHash: d.secretHash, roomId: d.roomId, secretConfirmed: d.secretConfirmed, enrollKeyHash: d.enrollKeyHash, sealed: d.enrollSealKey !== null } : null;
    },
    enrollmentTokenHash: opts.enrollmentTokenHash,
    inspectors: () =>
      opts.broker.inspectors.map((i) => (i.role === 'homeassistant' ? { ...i, homeAssistant: { discoveryPrefix: opts.discoveryPrefix ?? 'homeassistant' } } : i)),
    anonymousLoopbackInspect: () => opts.broker.anonymousLoopbackInspect,
    standbySecretHash: () => opts.standbySecretHash ?? null,
  };
}
