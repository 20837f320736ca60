import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../shared/logger.js';

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
 * the config, apart from the admin API. Each route is a POST handler that verifies, records and
 * answers; the sync it triggers runs after the answer has been sent.
 */
export class WebhookServer {
  private server: Server | null = null;
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly opts: { host: string; port: number; keyPath: string; certPath: string; routes: Readonly<Record<string, WebhookHandler>>; log: Logger },
  ) {}

  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0;
  }

  async start(): Promise<void> {
    const read = (path: string, what: string): Buffer => {
      try {
        return readFileSync(path);
      } catch (e) {
        throw new Error(`provider.webhook.${what}: cannot read ${path}: ${(e as Error).message}`, { cause: e });
      }
    };
    const server = createServer({ key: read(this.opts.keyPath, 'key'), cert: read(this.opts.certPath, 'cert') }, (req, res) => {
      const url = new URL(req.url ?? '/', 'https://webhook');
      const handler = req.method === 'POST' ? this.opts.routes[url.pathname] : undefined;
      if (!handler) {
        res.writeHead(404).end();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY) req.destroy();
        else chunks.push(c);
      });
      req.on('end', () => {
        const request: WebhookRequest = { headers: req.headers, query: url.searchParams, body: Buffer.concat(chunks).toString('utf8'), remote: req.socket.remoteAddress ?? '' };
        Promise.resolve()
          .then(() => handler(request))
          .then(
            (answer) => {
              res.writeHead(answer.status, answer.body !== undefined ? { 'content-type': answer.contentType ?? 'text/plain; charset=utf-8' } : {});
              res.end(answer.body ?? '');
              if (answer.after) this.track(answer.after());
            },
            (e: unknown) => {
              this.opts.log.error({ path: url.pathname, err: (e as Error).message }, 'webhook handler failed');
              res.writeHead(500).end();
            },
          );
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.opts.log.info({ port: this.port }, 'webhook listener started');
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
    await Promise.allSettled([...this.pending]);
  }

  private track(p: Promise<unknown>): void {
    const tracked = p.catch((e: unknown) => this.opts.log.warn({ err: (e as Error).message }, 'work after a webhook failed')).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }
}
