import type { HttpApp } from '../app.js';

/**
 * `POST /api/v1/admin-token/rotate`: a new admin token, shown in this answer only; the old one
 * stops working at once, open streams included.
 */
export function adminTokenRoutes(app: HttpApp, deps: { rotate: () => string }): void {
  app.post('/admin-token/rotate', async (_req, reply) => {
    const token = deps.rotate();
    return reply.header('cache-control', 'no-store').status(201).send({ token });
  });
}
