import type { FleetMetrics } from '../metrics/metric-sources.js';
import type { Clock } from '../../shared/clock.js';
import type { Config } from '../../shared/config/schema.js';
import type { HealthReport } from '../../shared/lifecycle.js';
import type { Logger } from '../../shared/logger.js';
import type { CalendarEvent } from '../../shared/model/event.js';
import type { ProviderDeps } from '../providers/create-provider.js';
import type { HttpApp } from '../http/app.js';
import type { HttpContext } from '../http/context.js';
import type { ServerEventBus } from '../events.js';
import type { MailPartDeps } from '../mail/mail-part.js';
import type { DoorplateMetrics } from '../metrics/doorplate-metrics.js';
import type { ServerSlots, Slots } from './slots.js';

export interface ServerOptions {
  config: Config;
  clock?: Clock;
  logger?: Logger;
  /** Known tokens (demo, tests); otherwise they come from the config, the store or are made. */
  adminToken?: string;
  enrollmentToken?: string;
  /** Events to put in the built-in calendar at start (demo seed). */
  seed?: ReadonlyMap<string, readonly CalendarEvent[]>;
  /** More routes on the same HTTP server (the demo page), outside the admin API's scope. */
  extraRoutes?: (app: HttpApp, ctx: HttpContext) => void;
  /** Provider credentials injected instead of the configured ones (tests, the benchmark). */
  providerDeps?: Pick<ProviderDeps, 'googleAuth'>;
  /** Mail transport and jitter injected instead of SMTP from the config (tests). */
  mail?: Pick<MailPartDeps, 'transport' | 'random'>;
  /** The fleet election as the node running this server sees it (the `node` role), for the metrics. */
  fleet?: () => FleetMetrics | null;
  /** The fleet epoch this server leads under (the `node` role): recorded as the epoch of the store's own history. */
  servingEpoch?: number;
}

/** What every server part is built from. */
export interface PartDeps {
  opts: ServerOptions;
  config: Config;
  clock: Clock;
  log: Logger;
  events: ServerEventBus;
  slots: Slots<ServerSlots>;
  /** The whole server's health and metrics, for the routes that report them. */
  health: () => HealthReport;
  metrics: DoorplateMetrics;
}
