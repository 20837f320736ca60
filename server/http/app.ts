import Fastify, { LogController, type FastifyError, type FastifyInstance, type RawServerDefault, type RawRequestDefaultExpression, type RawReplyDefaultExpression } from 'fastify';
import type { Logger } from '../../shared/logger.js';
import { DoorplateError } from '../../shared/errors.js';

/**
 * The Fastify instance with the error contract every route shares: `{error: {code, message}}`
 * with the status of the code, never a 200 that says it failed.
 */
export function createHttpApp(log: Logger, opts: { bodyLimit?: number; tls?: { key: Buffer; cert: Buffer }; http1Only?: boolean } = {}): HttpApp {
  // With TLS: HTTP/2 (a browser holds many event streams on one connection), HTTP/1.1 still answered.
  // Routes see the same request and reply API either way, so the instance keeps the HTTP/1 type.
  const transport = !opts.tls ? {} : opts.http1Only ? { https: { key: opts.tls.key, cert: opts.tls.cert } } : ({ http2: true, https: { allowHTTP1: true, key: opts.tls.key, cert: opts.tls.cert } } as unknown as { http2?: false });
  const app = Fastify({
    ...transport,
    // Should fastify itself log a request, its URL goes without the query string too.
    loggerInstance: log.child({}, { serializers: { req: (r: { method?: string; url?: string }) => ({ method: r.method, url: loggedUrl(r.url ?? '') }) } }),
    // A stop must not wait for clients: a socket opened but never used (browsers and fetch open
    // spares) counts as busy and would hold close() for the 72 s keep-alive time.
    forceCloseConnections: true,
    // Refusals and failures are logged by the error handler below; one line per request is noise on a Pi.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: opts.bodyLimit ?? 64 * 1024,
    // The store holds JSON; a body that is not an object is refused by the route schemas.
    ajv: { customOptions: { removeAdditional: false } },
  });

  app.setErrorHandler((err: FastifyError | DoorplateError, req, reply) => {
    if (err instanceof DoorplateError) {
      if (err.status >= 500) req.log.error({ code: err.code, url: loggedUrl(req.url) }, err.message);
      else req.log.info({ code: err.code, url: loggedUrl(req.url), method: req.method }, `refused: ${err.message}`);
      return reply.status(err.status).send({ error: err.toJSON() });
    }
    const status = err.statusCode ?? 500;
    if (status >= 500) {
      req.log.error({ err, url: loggedUrl(req.url) }, 'request failed');
      return reply.status(500).send({ error: { code: 'INTERNAL', message: 'internal error' } });
    }
    // Fastify's own refusals (unparsable JSON, wrong content type, too large).
    const code = status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST';
    req.log.info({ code, url: loggedUrl(req.url), method: req.method }, `refused: ${err.message}`);
    return reply.status(status).send({ error: { code, message: err.message } });
  });

  app.setNotFoundHandler((req, reply) => {
    reply.status(404).send({ error: { code: 'NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` } });
  });
  return app;
}

/**
 * A URL as it may appear in a log line: the path only. The query string can hold a token
 * (`?access_token=` on the event streams, `?validationToken=` on a webhook), so it is never logged.
 */
export function loggedUrl(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : `${url.slice(0, q)}?[redacted]`;
}

/** The app, or one of its encapsulated plugin scopes (the same API). */
export type HttpApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, Logger>;
