import type { HttpApp } from '../app.js';
import { presentedToken, type TokenCheck } from '../auth.js';
import { openAdminStream, type AdminStreamDeps } from '../../stream/admin-stream.js';

export interface StreamRouteDeps extends AdminStreamDeps {
  tokens: TokenCheck;
}

/**
 * `GET /api/v1/stream`: the admin live stream (SSE). Resumes from the `Last-Event-ID` header
 * (what EventSource sends by itself) or `?since=`. The one admin route that takes
 * `?access_token=`, since EventSource cannot send a header.
 */
export function streamRoutes(app: HttpApp, deps: StreamRouteDeps): void {
  app.get('/stream', { config: { tokenInQuery: true } }, async (req, reply) => {
    const token = presentedToken(req) ?? '';
    const header = req.headers['last-event-id'];
    const since = (req.query as Record<string, unknown> | undefined)?.since;
    const lastEventId = typeof header === 'string' ? header : typeof since === 'string' ? since : undefined;
    reply.hijack();
    openAdminStream(deps, reply.raw, { lastEventId, stillAllowed: () => deps.tokens.verify(token) });
  });
}
