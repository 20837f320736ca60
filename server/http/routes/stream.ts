import type { FastifyRequest } from 'fastify';
import type { HttpApp } from '../app.js';
import { requireAdmin, type TokenCheck } from '../auth.js';
import { openAdminStream, type AdminStreamDeps } from '../../stream/admin-stream.js';

export interface StreamRouteDeps extends AdminStreamDeps {
  tokens: TokenCheck;
}

/** The token the request came with: the Authorization header, or `access_token` for EventSource. */
function presentedToken(req: FastifyRequest): string {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  const q = (req.query as Record<string, unknown> | undefined)?.access_token;
  return m?.[1] ?? (typeof q === 'string' ? q : '');
}

/**
 * `GET /api/v1/stream`: the admin live stream (SSE). Resumes from the `Last-Event-ID` header
 * (what EventSource sends by itself) or `?since=`.
 */
export function streamRoutes(app: HttpApp, deps: StreamRouteDeps): void {
  app.get('/api/v1/stream', { preHandler: requireAdmin(deps.tokens) }, async (req, reply) => {
    const token = presentedToken(req);
    const header = req.headers['last-event-id'];
    const since = (req.query as Record<string, unknown> | undefined)?.since;
    const lastEventId = typeof header === 'string' ? header : typeof since === 'string' ? since : undefined;
    reply.hijack();
    openAdminStream(deps, reply.raw, { lastEventId, stillAllowed: () => deps.tokens.verify(token) });
  });
}
