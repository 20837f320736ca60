import type { HttpApp } from '../app.js';
import { ADMIN_PAGE } from '../pages/admin-html.js';
import { ADMIN_SCRIPT } from '../pages/admin-script.js';

/**
 * The page may run only its own script file and frame only this server's kiosk pages; nothing
 * a meeting title could smuggle in would run even if it reached the page as markup.
 */
const CSP = "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self'; connect-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function adminPageRoutes(app: HttpApp): void {
  // The page itself holds no data: it asks for the token and calls the REST API with it.
  app.get('/', async (_req, reply) =>
    reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-store').header('content-security-policy', CSP).header('referrer-policy', 'no-referrer').send(ADMIN_PAGE),
  );
  app.get('/admin.js', async (_req, reply) => reply.type('text/javascript; charset=utf-8').header('Cache-Control', 'no-store').send(ADMIN_SCRIPT));
}
