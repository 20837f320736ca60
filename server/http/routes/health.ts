import type { HttpApp } from '../app.js';
import type { HttpContext } from '../context.js';

export function healthRoutes(app: HttpApp, ctx: HttpContext): void {
  app.get('/healthz', async (_req, reply) => {
    const report = ctx.health();
    return reply.status(report.ok ? 200 : 503).send(report);
  });
  app.get('/metrics', async (_req, reply) => {
    return reply.type(ctx.metrics.contentType).send(await ctx.metrics.text());
  });
}
