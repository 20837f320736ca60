import { FakeClock } from '../../shared/clock.js';
import { parseConfig } from '../../shared/config/load.js';
import { silentLogger, type Logger } from '../../shared/logger.js';
import type { ServerBus } from '../../server/bus.js';
import { Store } from '../../server/store/store.js';
import { RoomDirectory } from '../../server/rooms/room-directory.js';
import { LocalProvider } from '../../server/providers/local/local-provider.js';
import { StatePublisher } from '../../server/state/state-publisher.js';
import { ChangeFeed } from '../../server/stream/change-feed.js';
import { StreamHub } from '../../server/stream/stream-hub.js';
import { BookingService } from '../../server/bookings/booking-service.js';
import { DeviceService } from '../../server/devices/device-service.js';
import { NotifyService } from '../../server/notify/notify-service.js';
import { TokenBucket } from '../../server/notify/token-bucket.js';
import { newSecret, sha256Hex } from '../../server/security/secrets.js';
import { DoorplateMetrics } from '../../server/metrics/doorplate-metrics.js';
import { buildHttpApp } from '../../server/http/http-app.js';
import type { HttpApp } from '../../server/http/app.js';
import type { HttpContext } from '../../server/http/context.js';
import { ADMIN_TOKEN } from './server.js';

export interface RouteSeen {
  method: string;
  url: string;
  tokenInQuery: boolean;
}

/** An MQTT side that only records what the server would publish. */
function recordingBus(published: Array<{ name: string; params: unknown }>): ServerBus {
  return {
    publish: async (name, params) => void published.push({ name, params }),
    clearRetained: async () => undefined,
    subscribe: async () => undefined,
  };
}

/**
 * The HTTP app over the real services and a `:memory:` store, with no socket anywhere: the
 * routes are called with `inject()`. The MQTT side records instead of sending.
 */
export async function injectableApp(opts: { log?: Logger; clock?: FakeClock } = {}): Promise<{ app: HttpApp; ctx: HttpContext; store: Store; published: Array<{ name: string; params: unknown }>; routes: RouteSeen[]; close: () => Promise<void> }> {
  const clock = opts.clock ?? new FakeClock('2026-03-02T09:07:00Z');
  const log = silentLogger();
  const config = parseConfig({ site: { timeZone: 'Europe/Berlin' }, rooms: [{ id: 'ada', name: 'Ada Lovelace' }, { id: 'grace', name: 'Grace Hopper' }] });
  const store = Store.open({ path: ':memory:', clock });
  store.rooms.upsertFromConfig(config.rooms);
  const rooms = new RoomDirectory(config);
  const published: Array<{ name: string; params: unknown }> = [];
  const bus = recordingBus(published);
  const provider = new LocalProvider({ store, clock, defaultTimeZone: 'Europe/Berlin', logger: log });
  await provider.start();
  const publisher = new StatePublisher({ clock, rooms, events: store.events, bus, log });
  provider.onRoomChanged((roomId) => void publisher.refresh(roomId));
  await publisher.start();
  const feed = new ChangeFeed(store.changes, clock, log);
  const bookings = new BookingService({ clock, rooms, events: store.events, calendar: provider, idempotency: store.idempotency });
  const notify = new NotifyService({ clock, rooms, devices: store.devices, notices: store.notices, bus, feed, limiter: new TokenBucket(clock, 10, 60_000), log });
  const devices = new DeviceService({ clock, store: store.devices, rooms, bookings, bus, secrets: { newSecret, hash: sha256Hex }, log, autoApprove: () => false, disconnect: () => undefined });
  const streams = new StreamHub({ clock, heartbeatMs: 15_000 });
  const ctx: HttpContext = {
    clock,
    rooms,
    events: store.events,
    publisher,
    bookings,
    devices,
    deviceStore: store.devices,
    tokens: { verify: (t) => t === ADMIN_TOKEN },
    health: () => ({ ok: true, checks: { store: { ok: true } } }),
    metrics: new DoorplateMetrics(
      {
        version: 'test',
        providerKind: 'local',
        rooms: () => rooms.list().map((r) => ({ id: r.id, status: publisher.snapshot(r.id)?.state.status })),
        devices: () => store.devices.list(),
        broker: () => null,
        retainedPublishes: () => published.length,
        deviceMessagesRefused: () => 0,
        meetingsReleased: () => 0,
        noticesSent: () => 0,
        noticesResent: () => 0,
        noticesActive: () => 0,
        streamClients: () => ({}),
        streamChanges: () => 0,
        outbox: () => [],
      },
      { clock },
    ),
    provider,
    notify,
    feed,
    streams,
    notices: store.notices,
    seriesFlags: store.seriesFlags,
    rotateAdminToken: () => {
      throw new Error('not in this test');
    },
    fleet: { fleet: () => null, replication: () => null },
    reports: { rooms, events: store.events, changes: store.changes, ledger: store.usageReleases, presence: store.presence, now: () => clock.now() },
  };
  const app = buildHttpApp(opts.log ?? log, ctx);
  const routes: RouteSeen[] = [];
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) if (method !== 'HEAD') routes.push({ method, url: r.url, tokenInQuery: r.config?.tokenInQuery === true });
  });
  await app.ready();
  return {
    app,
    ctx,
    store,
    published,
    routes,
    close: async () => {
      streams.stop();
      await app.close();
      publisher.stop();
      await provider.stop();
      store.close();
    },
  };
}
