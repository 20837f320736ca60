import { SystemClock, type Clock } from '../shared/clock.js';
import type { Config } from '../shared/config/schema.js';
import { EventBus } from '../shared/event-bus.js';
import { Lifecycle, type HealthReport, type Part } from '../shared/lifecycle.js';
import { createLogger, type Logger } from '../shared/logger.js';
import type { ServerEventBus, ServerEvents } from './events.js';
import type { PartDeps, ServerOptions } from './parts/part-deps.js';
import { Slots, type ServerSlots } from './parts/slots.js';
import { changesPart, storePart } from './parts/store-part.js';
import { brokerPart, mqttPart } from './parts/mqtt-parts.js';
import { brokerAccountsPart, externalHelloPart } from './parts/accounts-part.js';
import { calendarParts } from './parts/calendar-parts.js';
import { statePart } from './parts/state-part.js';
import { replicationPart } from './parts/replication-part.js';
import { presencePart } from './parts/presence-part.js';
import { bookingsPart, fleetPart } from './parts/fleet-parts.js';
import { httpPart } from './parts/http-part.js';
import { serverMetrics } from './server-metrics.js';
import type { DoorplateMetrics } from './metrics/doorplate-metrics.js';
import { homeAssistantPart, mailPart, metricsPart } from './parts/integration-parts.js';

export type { ServerOptions };

/**
 * The server's composition root: its parts in start order (store, change log, broker, MQTT
 * connection, calendar, webhook, publisher, bookings, fleet, HTTP), started by the one
 * lifecycle and stopped in reverse. The parts talk over the typed event bus; nothing here
 * decides anything. The accessors read what the parts made (tests and the demo use them).
 */
export class DoorplateServer implements Part {
  readonly name = 'server';
  readonly clock: Clock;
  readonly log: Logger;
  readonly events: ServerEventBus;
  private readonly slots = new Slots<ServerSlots>();
  private readonly lifecycle: Lifecycle;
  /** The Prometheus registry of this server (one per instance: tests run many in one process). */
  readonly metrics: DoorplateMetrics;

  constructor(private readonly opts: ServerOptions) {
    this.clock = opts.clock ?? new SystemClock();
    this.log = opts.logger ?? createLogger('server');
    this.events = new EventBus<ServerEvents>(createLogger('server:events', this.log));
    this.metrics = serverMetrics(this);
    const deps: PartDeps = { opts, config: opts.config, clock: this.clock, log: this.log, events: this.events, slots: this.slots, health: () => this.health(), metrics: this.metrics };
    const parts = [
      storePart(deps), changesPart(deps), brokerPart(deps),
      ...(opts.config.broker.url ? [brokerAccountsPart(deps), mqttPart(deps), externalHelloPart(deps)] : [mqttPart(deps)]),
      replicationPart(deps), ...calendarParts(deps), metricsPart(deps),
      statePart(deps), presencePart(deps), bookingsPart(deps), fleetPart(deps), mailPart(deps), homeAssistantPart(deps, this), httpPart(deps),
    ];
    this.lifecycle = new Lifecycle(parts, { log: this.log, clock: this.clock });
  }

  get config(): Config { return this.opts.config; }
  get fleet(): ServerOptions['fleet'] { return this.opts.fleet; }
  get store() { return this.slots.get('store'); }
  get rooms() { return this.slots.get('rooms'); }
  get broker() { return this.slots.has('broker') ? this.slots.get('broker') : null; }
  /** The server's MQTT connection. */
  get bus() { return this.slots.get('mqtt'); }
  get provider() { return this.slots.get('provider'); }
  get publisher() { return this.slots.get('publisher'); }
  get bookings() { return this.slots.get('bookings'); }
  get presence() { return this.slots.get('presence'); }
  get autoRelease() { return this.slots.get('autoRelease'); }
  get devices() { return this.slots.get('devices'); }
  get notify() { return this.slots.get('notify'); }
  get mail() { return this.slots.get('mail'); }
  get feed() { return this.slots.get('feed'); }
  get streams() { return this.slots.get('streams'); }
  get http() { return this.slots.get('http'); }
  /** The feed to the standbys; null where nothing is replicated. */
  get replication() { return this.slots.has('replication') ? this.slots.get('replication') : null; }
  get adminTokens() { return this.slots.get('tokens').admin; }
  /** The plain tokens, when known (given, made now, or read back from their files). */
  get adminToken(): string | null { return this.slots.has('tokens') ? this.slots.get('tokens').adminPlain : null; }
  get enrollmentToken(): string | null { return this.slots.has('tokens') ? this.slots.get('tokens').enrollmentPlain : null; }
  get mqttPort(): number { return this.broker?.running ? this.broker.port : 0; }
  get httpPort(): number {
    const addr = this.slots.has('http') ? this.http.server.address() : null;
    return typeof addr === 'object' && addr ? addr.port : 0;
  }

  /** Starts every part in order; when one fails, those started are stopped and the failure is thrown. */
  async start(signal?: AbortSignal): Promise<void> {
    await this.lifecycle.start(signal);
    this.log.info({ http: this.httpPort, mqtt: this.mqttPort, rooms: this.rooms.list().length }, 'server started');
  }

  async stop(): Promise<void> {
    await this.lifecycle.stop();
  }

  /** A new admin token (returned once, only its hash kept); the old one and its streams stop at once. */
  rotateAdminToken(): string {
    const tokens = this.slots.get('tokens');
    tokens.adminPlain = tokens.admin.rotate();
    return tokens.adminPlain;
  }

  /** Each part's own report: store, broker, MQTT connection, provider (and webhook when configured). */
  health(): HealthReport {
    return this.lifecycle.health();
  }
}
