import type { Logger } from '../../shared/logger.js';
import { createHttpApp, type HttpApp } from './app.js';
import { requireAdmin } from './auth.js';
import type { HttpContext } from './context.js';
import { buildSnapshot } from '../stream/snapshot.js';
import { healthRoutes } from './routes/health.js';
import { adminPageRoutes } from './routes/admin-page.js';
import { kioskRoutes } from './routes/kiosk.js';
import { roomRoutes } from './routes/rooms.js';
import { meetingRoutes } from './routes/meetings.js';
import { mailRoutes } from './routes/mail.js';
import { reportPageRoutes, reportRoutes } from './routes/reports.js';
import { phoneLinkRoutes } from './routes/phone-links.js';
import { deviceRoutes } from './routes/devices.js';
import { flagRoutes } from './routes/flags.js';
import { streamRoutes } from './routes/stream.js';
import { notifyRoutes } from './routes/notify.js';
import { adminTokenRoutes } from './routes/admin-token.js';
import { providerRoutes } from './routes/providers.js';
import { fleetRoutes } from './routes/fleet.js';

/** Open to anyone: health, metrics, the admin page (it holds no data) and the kiosk pages. */
function publicPlugin(ctx: HttpContext) {
  return async (app: HttpApp): Promise<void> => {
    healthRoutes(app, ctx);
    reportPageRoutes(app, { ...ctx.reports, tokens: ctx.tokens });
    if (ctx.phoneLinks) phoneLinkRoutes(app, ctx.phoneLinks);
    adminPageRoutes(app);
    kioskRoutes(app, { clock: ctx.clock, feed: ctx.feed, hub: ctx.streams, published: (id) => ctx.publisher.snapshot(id), notices: ctx.notices, rooms: ctx.rooms, ...(ctx.presence ? { presence: ctx.presence } : {}) });
  };
}

/** `/api/v1`: every route behind the one admin guard, installed on this scope only. */
function adminApiPlugin(ctx: HttpContext) {
  return async (api: HttpApp): Promise<void> => {
    api.addHook('onRequest', requireAdmin(ctx.tokens));
    roomRoutes(api, ctx);
    meetingRoutes(api, ctx);
    if (ctx.mail) mailRoutes(api, ctx.mail);
    reportRoutes(api, ctx.reports);
    deviceRoutes(api, ctx);
    flagRoutes(api, ctx, ctx.seriesFlags);
    const published = (roomId: string) => ctx.publisher.snapshot(roomId);
    const snapshot = () => buildSnapshot({ rooms: ctx.rooms, roomView: (id) => ctx.feed.room(id), published, devices: ctx.deviceStore });
    streamRoutes(api, { clock: ctx.clock, feed: ctx.feed, hub: ctx.streams, tokens: ctx.tokens, snapshot });
    notifyRoutes(api, { notify: ctx.notify });
    adminTokenRoutes(api, { rotate: ctx.rotateAdminToken });
    providerRoutes(api, { provider: ctx.provider });
    fleetRoutes(api, ctx.fleet);
  };
}

/**
 * The server's HTTP API as encapsulated plugins over one error contract. Nothing listens
 * yet: the caller listens, or tests call `inject()`.
 */
export function buildHttpApp(log: Logger, ctx: HttpContext, opts: { tls?: { key: Buffer; cert: Buffer }; extra?: (app: HttpApp, ctx: HttpContext) => void } = {}): HttpApp {
  const app = createHttpApp(log, { tls: opts.tls });
  // Refused requests by status, on the root so every scope is counted (a bounded label; the
  // route and the caller are in the log).
  app.addHook('onResponse', async (_req, reply) => {
    if (reply.statusCode >= 400 && reply.statusCode < 500) ctx.metrics.refused('http', String(reply.statusCode));
  });
  void app.register(publicPlugin(ctx));
  void app.register(adminApiPlugin(ctx), { prefix: '/api/v1' });
  if (opts.extra) void app.register(async (scope: HttpApp) => opts.extra?.(scope, ctx));
  return app;
}
