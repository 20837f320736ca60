import type { Store } from '../store/store.js';
import type { RoomDirectory } from '../rooms/room-directory.js';
import type { EmbeddedBroker } from '../broker/embedded-broker.js';
import type { ServerClient } from '../broker/server-client.js';
import type { BrokerAccounts } from '../broker/broker-accounts.js';
import type { CalendarProvider } from '../providers/provider.js';
import type { StatePublisher } from '../state/state-publisher.js';
import type { RoomLinks } from '../qr/room-links.js';
import type { ChangeFeed } from '../stream/change-feed.js';
import type { BookingService } from '../bookings/booking-service.js';
import type { AutoRelease } from '../bookings/auto-release.js';
import type { NotifyService } from '../notify/notify-service.js';
import type { DeviceService } from '../devices/device-service.js';
import type { MailPart } from '../mail/mail-part.js';
import type { StreamHub } from '../stream/stream-hub.js';
import type { HttpApp } from '../http/app.js';
import type { AdminToken } from '../security/admin-token.js';
import type { PushChannel } from '../store/repos/push-channels.js';
import type { Replication } from './replication-part.js';
import type { RoomPresence } from '../presence/room-presence.js';

/** The site's tokens: plain values only when known (made now, given, or read from their file). */
export interface ServerTokens {
  admin: AdminToken;
  adminPlain: string | null;
  enrollmentHash: string;
  enrollmentPlain: string | null;
}

/** How the server's own MQTT client logs in to the broker (embedded or external). */
export interface MqttLogin {
  url: string;
  username: string;
  password: string;
}

/** What each part makes when it starts, for the parts after it and the root's accessors. */
export interface ServerSlots {
  store: Store;
  rooms: RoomDirectory;
  tokens: ServerTokens;
  /** Push channels of rooms no longer configured, found before the rooms were updated. */
  orphanChannels: PushChannel[];
  feed: ChangeFeed;
  broker: EmbeddedBroker | null;
  mqttLogin: MqttLogin;
  mqtt: ServerClient;
  /** The feed to the standbys; null where nothing is replicated. */
  replication: Replication | null;
  /** The device accounts on an external broker (absent on the embedded one). */
  accounts: BrokerAccounts;
  provider: CalendarProvider;
  publisher: StatePublisher;
  /** The signer of the panels' QR links, when `server.qr` is set. */
  links: RoomLinks | null;
  /** Each room's presence, from its displays' presence sensors. */
  presence: RoomPresence;
  bookings: BookingService;
  autoRelease: AutoRelease;
  notify: NotifyService;
  devices: DeviceService;
  mail: MailPart;
  streams: StreamHub;
  http: HttpApp;
}

/**
 * A typed registry filled as the parts start: reading a slot before its part started is a
 * clear error instead of an `undefined` deep inside a listener.
 */
export class Slots<T extends object> {
  private values: Partial<T> = {};

  set<K extends keyof T>(key: K, value: T[K]): T[K] {
    this.values[key] = value;
    return value;
  }

  get<K extends keyof T>(key: K): T[K] {
    if (!(key in this.values)) throw new Error(`the server has not started: no ${String(key)} yet`);
    return this.values[key] as T[K];
  }

  has(key: keyof T): boolean {
    return key in this.values;
  }
}
