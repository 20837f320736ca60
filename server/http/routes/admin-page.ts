import type { HttpApp } from '../app.js';
import { ADMIN_PAGE } from '../pages/admin-html.js';

export function adminPageRoutes(app: HttpApp): void {
  // The page itself holds no data: it asks for the token and calls the REST API with it.
  app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-store').send(ADMIN_PAGE));
}
