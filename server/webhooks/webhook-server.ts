import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../shared/logger.js';
import { DoorplateError } from '../../shared/errors.js';
import { createHttpApp, loggedUrl, type HttpApp } from '../http/app.js';

export interface WebhookRequest {
  headers: IncomingHttpHeaders;
  query: URLSearchParams;
  body: string;
  remote: string;
}

export interface WebhookAnswer {
  status: number;
  body?: string;
  contentType?: string;
  /** Work to do once the answer is on its way (a sync): providers want answers within seconds. */
  after?: () => Promise<unknown>;
}

export type WebhookHandler = (req: WebhookRequest) => Promise<WebhookAnswer> | WebhookAnswer;

const MAX_BODY = 1_000_000;

/**
 * The HTTPS listener providers push to, on its own port with the PEM key and certificate from
 * the config, apart from the admin API: a second fastify instance with the same error
 * contract. Each route is a POST handler that verifies, records and answers; the sync it
 * triggers runs after the answer has been sent. Bodies reach the handler as they came (a
 * notification is verified on its exact bytes, and Google's have none).
 */
export class WebhookServer {
  private app: HttpApp | null = null;
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly opts: { host: string; port: number; keyPath: string; certPath: string; routes: Readonly<Record<string, WebhookHandler>>; log: Logger },
  ) {}

  get port(): number {
    return (this.app?.server.address() as AddressInfo | null)?.port ?? 0;
  }

  async start(): Promise<void> {
    const read = (path: string, what: string): Buffer => {
      try {
        return readFileSync(path);
      } catch (e) {
        throw new Error(`provider.webhook.${what}: cannot read ${path}: ${(e as Error).message}`, { cause: e });
      }
    };
    const app = createHttpApp(this.opts.log, { tls: { key: read(this.opts.keyPath, 'key'), cert: read(this.opts.certPath, 'cert') }, http1Only: true, bodyLimit: MAX_BODY });
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    for (const [path, handler] of Object.entries(this.opts.routes)) {
      app.post(path, async (req, reply) => {
        const query = new URLSearchParams(req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '');
        const request: WebhookRequest = { headers: req.headers, query, body: typeof req.body === 'string' ? req.body : '', remote: req.socket.remoteAddress ?? '' };
        let answer: WebhookAnswer;
        try {
          answer = await handler(request);
        } catch (e) {
          this.opts.log.error({ path: loggedUrl(req.url), err: (e as Error).message }, 'webhook handler failed');
          throw new DoorplateError('INTERNAL');
        }
        reply.status(answer.status);
        if (answer.body !== undefined) reply.type(answer.contentType ?? 'text/plain; charset=utf-8');
        await reply.send(answer.body ?? '');
        if (answer.after) this.track(answer.after());
        return reply;
      });
    }
    try {
      await app.listen({ host: this.opts.host, port: this.opts.port });
    } catch (e) {
      await app.close();
      throw e;
    }
    this.app = app;
    this.opts.log.info({ port: this.port }, 'webhook listener started');
  }

  async stop(): Promise<void> {
    const app = this.app;
    this.app = null;
    await app?.close();
    await Promise.allSettled([...this.pending]);
  }

  private track(p: Promise<unknown>): void {
    const tracked = p.catch((e: unknown) => this.opts.log.warn({ err: (e as Error).message }, 'work after a webhook failed')).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }
}
