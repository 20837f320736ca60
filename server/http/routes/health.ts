import type { HttpApp } from '../app.js';
import type { HttpContext } from '../context.js';

export function healthRoutes(app: HttpApp, ctx: HttpContext): void {
  // Refused requests by status (a bounded label; the route and the caller are in the log).
  app.addHook('onResponse', async (_req, reply) => {
    if (reply.statusCode >= 400 && reply.statusCode < 500) ctx.metrics.refused('http', String(reply.statusCode));
  });
  app.get('/healthz', async (_req, reply) => {
    const report = ctx.health();
    return reply.status(report.ok ? 200 : 503).send(report);
  });
  app.get('/metrics', async (_req, reply) => {
    return reply.type(ctx.metrics.contentType).send(await ctx.metrics.text());
  });
}
