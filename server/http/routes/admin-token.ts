import type { HttpApp } from '../app.js';
import { requireAdmin, type TokenCheck } from '../auth.js';

/**
 * `POST /api/v1/admin-token/rotate`: a new admin token, shown in this answer only; the old one
 * stops working at once, open streams included.
 */
export function adminTokenRoutes(app: HttpApp, deps: { tokens: TokenCheck; rotate: () => string }): void {
  app.post('/api/v1/admin-token/rotate', { preHandler: requireAdmin(deps.tokens) }, async (_req, reply) => {
    const token = deps.rotate();
    return reply.header('cache-control', 'no-store').status(201).send({ token });
  });
}
