import type { HttpApp } from '../app.js';
import { parse } from '../validate.js';
import { isDoorplateError } from '../../../shared/errors.js';
import { NotifyRequestSchema } from '../../notify/notify-request.js';
import type { NotifyService } from '../../notify/notify-service.js';

/** `POST /api/v1/notify`: a message line on all displays, some rooms' or some devices'. */
export function notifyRoutes(app: HttpApp, deps: { notify: NotifyService }): void {
  app.post('/notify', async (req, reply) => {
    const body = parse(NotifyRequestSchema, req.body, 'body');
    try {
      const sent = deps.notify.send(body);
      return reply.status(201).send(sent);
    } catch (e) {
      if (isDoorplateError(e) && e.code === 'RATE_LIMITED') reply.header('retry-after', String(e.details?.retryAfterSecs ?? 60));
      throw e;
    }
  });
}
