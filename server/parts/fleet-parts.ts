import type { Part } from '../../shared/lifecycle.js';
import { createLogger } from '../../shared/logger.js';
import { BookingService } from '../bookings/booking-service.js';
import { AutoRelease } from '../bookings/auto-release.js';
import { DeviceService } from '../devices/device-service.js';
import { NotifyService } from '../notify/notify-service.js';
import { TokenBucket } from '../notify/token-bucket.js';
import { newSecret, sha256Hex } from '../security/secrets.js';
import type { PartDeps } from './part-deps.js';
import { keepingReleases } from '../reports/release-ledger.js';
import { accountsFirst } from './accounts-part.js';

/** The booking rules and the release of no-shows and empty rooms, re-armed on `room.changed`, `presence.changed` and `device.changed`. */
export function bookingsPart({ clock, log, slots, events }: PartDeps): Part {
  const owner = 'bookings';
  return {
    name: owner,
    start() {
      const store = slots.get('store');
      const [rooms, calendar] = [slots.get('rooms'), slots.get('provider')];
      const replication = slots.get('replication');
      slots.set('bookings', new BookingService({ clock, rooms, events: store.events, calendar, idempotency: store.idempotency, ...(replication ? { durable: () => replication.durable() } : {}) }));
      const release = slots.set(
        'autoRelease',
        new AutoRelease({
          clock,
          rooms,
          events: store.events,
          calendar,
          // Releases are also kept in their own table, so the usage report outlives the change log.
          changes: keepingReleases(slots.get('feed'), store.usageReleases, () => clock.now()),
          flags: store.seriesFlags,
          devicesInRoom: (roomId) => store.devices.list({ status: 'approved', roomId }).map((d) => d.id),
          absentSince: (roomId) => slots.get('presence').absentSince(roomId),
          log: createLogger('server:bookings:release', log),
        }),
      );
      events.on(owner, 'room.changed', ({ roomId }) => release.refresh(roomId));
      // Nobody present may start the countdown of a release by occupancy; someone back stops it.
      events.on(owner, 'presence.changed', ({ roomId }) => release.refresh(roomId));
      // A display moved to a room may bring a later check-in window with it.
      events.on(owner, 'device.changed', ({ device }) => {
        if (device.roomId) release.refresh(device.roomId);
      });
      release.start();
    },
    stop() {
      events.off(owner);
      if (slots.has('autoRelease')) slots.get('autoRelease').stop();
    },
  };
}

/** Enrollment, rooms of displays, their requests, and notify messages; tells `device.changed`. */
export function fleetPart({ config, clock, log, slots, events }: PartDeps): Part {
  const owner = 'devices';
  return {
    name: owner,
    async start() {
      const store = slots.get('store');
      const [rooms, mqtt] = [slots.get('rooms'), slots.get('mqtt')];
      const notify = slots.set(
        'notify',
        new NotifyService({ clock, rooms, devices: store.devices, notices: store.notices, bus: mqtt, feed: slots.get('feed'), limiter: new TokenBucket(clock, config.server.notify.perMinute, 60_000), log: createLogger('server:notify', log) }),
      );
      const broker = slots.get('broker');
      const accounts = () => (slots.has('accounts') ? slots.get('accounts') : null);
      const devices = slots.set(
        'devices',
        new DeviceService({
          clock,
          store: store.devices,
          rooms,
          bookings: slots.get('bookings'),
          bus: accountsFirst(mqtt, accounts, (id) => broker?.refreshDevice(id)),
          secretIssued: (id, secret) => accounts()?.secretIssued(id, secret) ?? Promise.resolve(),
          sealedOnly: () => accounts() !== null,
          secrets: { newSecret, hash: sha256Hex },
          log: createLogger('server:devices', log),
          autoApprove: () => config.server.enrollment.autoApprove,
          disconnect: (id) => void broker?.disconnect(id),
          // Notify messages are not retained: a display that connects later gets those in force.
          configSent: (id, roomId) => notify.resendTo(id, roomId),
          limits: config.server.limits,
          ...(slots.get('replication') ? { durable: () => slots.get('replication')?.durable() ?? Promise.resolve() } : {}),
          addressOf: (id) => broker?.limitedAddressOf(id) ?? null,
          freeRooms: (roomId) => slots.get('publisher').snapshot(roomId)?.state.freeRooms,
        }),
      );
      devices.onChange(({ device }) => events.emit('device.changed', { device }));
      // Connections keep the identity decided at CONNECT; a device change updates it at once.
      events.on(owner, 'device.changed', ({ device }) => broker?.refreshDevice(device.id));
      events.on(owner, 'device.connected', ({ deviceId }) => devices.secretUsed(deviceId));
      events.on(owner, 'mqtt.connected', () => devices.republishConfigs());
      await devices.start();
    },
    stop() {
      events.off(owner);
    },
  };
}
