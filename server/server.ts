import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SystemClock, type Clock } from '../shared/clock.js';
import type { Config } from '../shared/config/schema.js';
import { createLogger, type Logger } from '../shared/logger.js';
import { Store } from './store/store.js';
import { LocalProvider } from './providers/local/local-provider.js';
import { createProvider, type ProviderDeps } from './providers/create-provider.js';
import type { CalendarProvider } from './providers/provider.js';
import { RoomDirectory, systemTimeZone } from './rooms/room-directory.js';
import { StatePublisher } from './state/state-publisher.js';
import { BookingService } from './bookings/booking-service.js';
import { AutoRelease } from './bookings/auto-release.js';
import { DeviceService } from './devices/device-service.js';
import { EmbeddedBroker } from './broker/embedded-broker.js';
import { ServerClient } from './broker/server-client.js';
import { storeDirectory } from './broker/store-directory.js';
import { newSecret, sha256Hex } from './security/secrets.js';
import { bootstrapSecret } from './secrets-bootstrap.js';
import { createHttpApp, type HttpApp } from './http/app.js';
import type { HttpContext, HealthReport } from './http/context.js';
import { healthRoutes } from './http/routes/health.js';
import { roomRoutes } from './http/routes/rooms.js';
import { meetingRoutes } from './http/routes/meetings.js';
import { deviceRoutes } from './http/routes/devices.js';
import { adminPageRoutes } from './http/routes/admin-page.js';
import { flagRoutes } from './http/routes/flags.js';
import { serverMetrics } from './server-metrics.js';
import { AdminToken } from './security/admin-token.js';
import { ChangeFeed } from './stream/change-feed.js';
import { ChangePruner } from './stream/change-pruner.js';
import { StreamHub } from './stream/stream-hub.js';
import { buildSnapshot } from './stream/snapshot.js';
import { NotifyService } from './notify/notify-service.js';
import { TokenBucket } from './notify/token-bucket.js';
import { streamRoutes } from './http/routes/stream.js';
import { notifyRoutes } from './http/routes/notify.js';
import { kioskRoutes } from './http/routes/kiosk.js';
import { adminTokenRoutes } from './http/routes/admin-token.js';
import { providerRoutes } from './http/routes/providers.js';
import { phoneLinkRoutes } from './http/routes/phone-links.js';
import { reportRoutes } from './http/routes/reports.js';
import { keepingReleases } from './reports/release-ledger.js';
import { RoomLinks } from './qr/room-links.js';
import { linkSecret } from './qr/link-secret.js';
import type { CalendarEvent } from '../shared/model/event.js';

export interface ServerOptions {
  config: Config;
  clock?: Clock;
  logger?: Logger;
  /** Known tokens (demo, tests); otherwise they come from the config, the store or are made. */
  adminToken?: string;
  enrollmentToken?: string;
  /** Events to put in the built-in calendar at start (demo seed). */
  seed?: ReadonlyMap<string, readonly CalendarEvent[]>;
  /** More routes on the same HTTP server (the demo page). */
  extraRoutes?: (app: HttpApp, ctx: HttpContext) => void;
  /** Provider credentials injected instead of the configured ones (tests, the benchmark). */
  providerDeps?: Pick<ProviderDeps, 'googleAuth'>;
}

/**
 * The server's composition root: builds every part with its dependencies, starts them in
 * order (store, broker, MQTT connection, calendar, publisher, fleet, HTTP) and stops them in
 * reverse. Nothing here decides anything; the parts do.
 */
export class DoorplateServer {
  readonly clock: Clock;
  readonly log: Logger;
  store!: Store;
  rooms!: RoomDirectory;
  broker: EmbeddedBroker | null = null;
  bus!: ServerClient;
  provider!: CalendarProvider;
  publisher!: StatePublisher;
  bookings!: BookingService;
  autoRelease!: AutoRelease;
  devices!: DeviceService;
  http!: HttpApp;
  adminToken: string | null = null;
  adminTokens!: AdminToken;
  feed!: ChangeFeed;
  streams!: StreamHub;
  notify!: NotifyService;
  enrollmentToken: string | null = null;
  private readonly stops: Array<() => Promise<void> | void> = [];

  constructor(private readonly opts: ServerOptions) {
    this.clock = opts.clock ?? new SystemClock();
    this.log = opts.logger ?? createLogger('server');
  }

  get config(): Config {
    return this.opts.config;
  }

  get mqttPort(): number {
    return this.broker?.port ?? 0;
  }

  get httpPort(): number {
    const addr = this.http.server.address();
    return typeof addr === 'object' && addr ? addr.port : 0;
  }

  async start(): Promise<void> {
    try {
      await this.startParts();
    } catch (e) {
      await this.stop();
      throw e;
    }
  }

  private async startParts(): Promise<void> {
    const { config } = this.opts;
    const log = this.log;
    const dataDir = resolve(config.server.dataDir);
    mkdirSync(dataDir, { recursive: true });

    this.store = Store.open({ path: join(dataDir, 'doorplate.db'), clock: this.clock });
    this.stops.push(() => this.store.close());
    // Removing a room drops its push channels from the store; the provider still has to stop them.
    const configured = new Set(config.rooms.map((r) => r.id));
    const orphanChannels = this.store.pushChannels.list().filter((c) => !configured.has(c.roomId));
    this.store.rooms.upsertFromConfig(config.rooms);
    this.rooms = new RoomDirectory(config);

    const admin = bootstrapSecret({ name: 'admin-token', configuredHash: config.server.adminTokenHash, settings: this.store.settings, dataDir, plain: this.opts.adminToken });
    const enrollment = bootstrapSecret({ name: 'enrollment-token', configuredHash: config.server.enrollment.tokenHash, settings: this.store.settings, dataDir, plain: this.opts.enrollmentToken });
    this.adminToken = admin.plain;
    this.adminTokens = new AdminToken({ hash: admin.hash, fromConfig: !this.opts.adminToken && config.server.adminTokenHash !== undefined, settings: this.store.settings, file: admin.file });
    this.enrollmentToken = enrollment.plain;

    // The server's own broker password lives only in memory, new at every start.
    const serverPassword = newSecret();
    let url = config.broker.url;
    if (!url) {
      this.broker = new EmbeddedBroker({
        host: config.broker.host,
        port: config.broker.port,
        tls: config.broker.tls && { port: config.broker.tls.port, keyPath: config.broker.tls.key, certPath: config.broker.tls.cert },
        prefix: config.broker.prefix,
        directory: storeDirectory({ devices: this.store.devices, serverPasswordHash: sha256Hex(serverPassword), enrollmentTokenHash: () => enrollment.hash, broker: config.broker }),
        logger: createLogger('server:broker', log),
      });
      await this.broker.start();
      this.stops.push(() => this.broker?.stop());
      url = `mqtt://127.0.0.1:${this.broker.port}`;
    }
    this.bus = new ServerClient({
      url,
      prefix: config.broker.prefix,
      username: config.broker.url ? (config.broker.username ?? '$server') : '$server',
      password: config.broker.url ? (config.broker.password ?? '') : serverPassword,
      clientId: `doorplate-server-${process.pid}`,
      logger: createLogger('server:mqtt', log),
    });
    await this.bus.start();
    this.stops.push(() => this.bus.stop());

    const providerParts = createProvider(config, { ...this.opts.providerDeps, store: this.store, clock: this.clock, log, defaultTimeZone: config.site.timeZone ?? systemTimeZone() });
    this.provider = providerParts.provider;
    const local = this.provider instanceof LocalProvider ? this.provider : null;
    // Seed only empty rooms, so a restarted demo keeps what people booked or cancelled.
    for (const [roomId, events] of this.opts.seed ?? []) {
      if (local && this.store.events.listForRoom(roomId).length === 0) for (const e of events) local.addEvent(roomId, e);
    }
    await this.provider.start();
    this.stops.push(() => this.provider.stop());
    if (orphanChannels.length && this.provider.stopRemovedChannels) {
      void this.provider.stopRemovedChannels(orphanChannels).catch((e: Error) => log.warn({ err: e.message }, 'stopping the channels of removed rooms failed'));
    }
    const webhook = providerParts.webhook;
    if (webhook) {
      await webhook.start();
      this.stops.push(() => webhook.stop());
    }

    const qr = config.server.qr;
    const links = qr ? new RoomLinks({ secret: linkSecret(this.store.settings), publicUrl: qr.publicUrl, graceMs: qr.graceMins * 60_000 }) : undefined;
    this.publisher = new StatePublisher({ clock: this.clock, rooms: this.rooms, events: this.store.events, bus: this.bus, log: createLogger('server:state', log), ...(links ? { links } : {}) });
    this.provider.onRoomChanged((roomId) => void this.publisher.refresh(roomId));
    // The displays keep the last known state, marked stale, while the provider is unreachable.
    providerParts.onStale((roomId, stale) => void this.publisher.setStale(roomId, stale));
    this.feed = new ChangeFeed(this.store.changes, this.clock, createLogger('server:stream', log));
    this.publisher.onUpdate((roomId, what) => {
      this.feed.append({ kind: 'room', roomId, payload: what });
    });

    this.bookings = new BookingService({ clock: this.clock, rooms: this.rooms, events: this.store.events, calendar: this.provider, idempotency: this.store.idempotency });
    this.autoRelease = new AutoRelease({
      clock: this.clock,
      rooms: this.rooms,
      events: this.store.events,
      calendar: this.provider,
      changes: keepingReleases(this.feed, this.store.usageReleases, () => this.clock.now()),
      flags: this.store.seriesFlags,
      devicesInRoom: (roomId) => this.store.devices.list({ status: 'approved', roomId }).map((d) => d.id),
      log: createLogger('server:bookings:release', log),
    });
    this.provider.onRoomChanged((roomId) => this.autoRelease.refresh(roomId));
    this.notify = new NotifyService({
      clock: this.clock,
      rooms: this.rooms,
      devices: this.store.devices,
      notices: this.store.notices,
      bus: this.bus,
      feed: this.feed,
      limiter: new TokenBucket(this.clock, config.server.notify.perMinute, 60_000),
      log: createLogger('server:notify', log),
    });
    this.devices = new DeviceService({
      clock: this.clock,
      store: this.store.devices,
      rooms: this.rooms,
      bookings: this.bookings,
      bus: this.bus,
      secrets: { newSecret, hash: sha256Hex },
      log: createLogger('server:devices', log),
      autoApprove: () => config.server.enrollment.autoApprove,
      disconnect: (id) => void this.broker?.disconnect(id),
      // Notify messages are not retained: a display that connects later gets those in force.
      configSent: (id, roomId) => this.notify.resendTo(id, roomId),
      freeRooms: (roomId) => this.publisher.snapshot(roomId)?.state.freeRooms,
    });
    this.devices.onChange(({ device }) => {
      const { secretHash: _hidden, ...visible } = device;
      this.feed.append({ kind: 'device', deviceId: device.id, payload: visible });
    });
    this.broker?.on('clientConnected', (identity) => {
      if (identity.kind === 'device') this.devices.secretUsed(identity.deviceId);
    });

    await this.publisher.start();
    this.stops.push(() => this.publisher.stop());
    this.autoRelease.start();
    this.stops.push(() => this.autoRelease.stop());
    await this.devices.start();
    // A display moved to a room may bring a later check-in window with it.
    this.devices.onChange(({ device }) => {
      if (device.roomId) this.autoRelease.refresh(device.roomId);
    });
    // Retained messages do not survive a broker restart: put them back after each reconnect.
    this.bus.on('connected', () => {
      void Promise.all([this.publisher.republishAll(), this.devices.republishConfigs()]).catch((e: Error) =>
        log.warn({ err: e.message }, 'republishing after a reconnect failed'),
      );
    });

    const { stream: streamCfg } = config.server;
    const pruner = new ChangePruner({
      clock: this.clock,
      changes: this.store.changes,
      maxChanges: streamCfg.maxChanges,
      maxAgeMs: streamCfg.maxAgeHours * 3_600_000,
      also: () => this.store.notices.pruneExpired(),
      log: createLogger('server:stream', log),
    });
    pruner.start();
    this.stops.push(() => pruner.stop());
    this.streams = new StreamHub({ clock: this.clock, heartbeatMs: streamCfg.heartbeatSecs * 1000 });
    this.adminTokens.onRotate(() => this.streams.recheckAll());

    const tls = config.server.http.tls;
    this.http = createHttpApp(createLogger('server:http', log), { tls: tls && { key: readFileSync(tls.key), cert: readFileSync(tls.cert) } });
    const ctx: HttpContext = {
      clock: this.clock,
      rooms: this.rooms,
      events: this.store.events,
      publisher: this.publisher,
      bookings: this.bookings,
      devices: this.devices,
      deviceStore: this.store.devices,
      tokens: { verify: (token) => this.adminTokens.verify(token) },
      health: () => this.health(),
      metrics: () => serverMetrics(this),
    };
    healthRoutes(this.http, ctx);
    roomRoutes(this.http, ctx);
    meetingRoutes(this.http, ctx);
    deviceRoutes(this.http, ctx);
    flagRoutes(this.http, ctx, this.store.seriesFlags);
    adminPageRoutes(this.http);
    const published = (roomId: string) => this.publisher.snapshot(roomId);
    streamRoutes(this.http, { clock: this.clock, feed: this.feed, hub: this.streams, tokens: ctx.tokens, snapshot: () => buildSnapshot({ rooms: this.rooms, roomView: (id) => this.feed.room(id), published, devices: this.store.devices }) });
    notifyRoutes(this.http, { tokens: ctx.tokens, notify: this.notify });
    kioskRoutes(this.http, { clock: this.clock, feed: this.feed, hub: this.streams, published, notices: this.store.notices, rooms: this.rooms });
    adminTokenRoutes(this.http, { tokens: ctx.tokens, rotate: () => this.rotateAdminToken() });
    providerRoutes(this.http, { tokens: ctx.tokens, provider: this.provider });
    reportRoutes(this.http, { tokens: ctx.tokens, rooms: this.rooms, events: this.store.events, changes: this.store.changes, ledger: this.store.usageReleases });
    if (links) phoneLinkRoutes(this.http, { clock: this.clock, rooms: this.rooms, bookings: this.bookings, links, status: (id) => this.publisher.snapshot(id)?.state.status });
    this.opts.extraRoutes?.(this.http, ctx);
    await this.http.listen({ host: config.server.http.host, port: config.server.http.port });
    this.stops.push(() => this.http.close());
    // Open event streams would keep the HTTP server from closing: end them first.
    this.stops.push(() => this.streams.stop());
    log.info({ http: this.httpPort, mqtt: this.mqttPort, rooms: this.rooms.list().length }, 'server started');
  }

  /** A new admin token (returned once, only its hash kept); the old one and its streams stop at once. */
  rotateAdminToken(): string {
    const plain = this.adminTokens.rotate();
    this.adminToken = plain;
    return plain;
  }

  health(): HealthReport {
    const checks: HealthReport['checks'] = {};
    try {
      this.store.ping();
      checks.store = { ok: true };
    } catch (e) {
      checks.store = { ok: false, detail: (e as Error).message };
    }
    if (this.broker) checks.broker = { ok: this.broker.running, detail: `${this.broker.stats().connectedClients} clients` };
    checks.mqtt = { ok: this.bus.connected };
    checks.provider = { ok: true, detail: this.provider.kind };
    return { ok: Object.values(checks).every((c) => c.ok), checks };
  }

  async stop(): Promise<void> {
    while (this.stops.length) {
      const stop = this.stops.pop();
      try {
        await stop?.();
      } catch (e) {
        this.log.warn({ err: (e as Error).message }, 'a part did not stop cleanly');
      }
    }
  }
}
