import { Agent, request } from 'node:https';
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';

/** Header values in any of the shapes fetch options allow, as one plain object. */
function plainHeaders(h: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!h) return out;
  if (h instanceof Headers) h.forEach((v, k) => (out[k] = v));
  else if (Array.isArray(h)) for (const [k, v] of h as Array<[string, string]>) out[k] = v;
  else for (const [k, v] of Object.entries(h as Record<string, unknown>)) if (v !== undefined) out[k] = String(v);
  return out;
}

/**
 * The last link of the Graph client's middleware chain: sends the request with node's https
 * client through one keep-alive agent. The agent can be told to trust one more certificate
 * authority (a test fake's self-signed certificate) without loosening checks for anything else.
 */
export class HttpsTransport implements Middleware {
  private readonly agent: Agent;

  constructor(opts: { ca?: string } = {}) {
    this.agent = new Agent({ keepAlive: true, maxSockets: 32, ...(opts.ca ? { ca: opts.ca } : {}) });
  }

  close(): void {
    this.agent.destroy();
  }

  async execute(context: Context): Promise<void> {
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    const opts = context.options ?? {};
    const method = (opts.method ?? 'GET').toUpperCase();
    const headers = plainHeaders(opts.headers);
    const body = typeof opts.body === 'string' ? opts.body : opts.body == null ? undefined : String(opts.body);
    if (!url.startsWith('https://')) throw new Error(`refusing to send a Graph request over plain HTTP: ${url}`);
    context.response = await new Promise<Response>((resolve, reject) => {
      const req = request(url, { method, headers: body !== undefined ? { ...headers, 'content-length': String(Buffer.byteLength(body)) } : headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const h = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
          const empty = status === 204 || status === 304 || chunks.length === 0;
          resolve(new Response(empty ? null : Buffer.concat(chunks), { status, statusText: res.statusMessage ?? '', headers: h }));
        });
      });
      req.on('error', reject);
      if (opts.signal) opts.signal.addEventListener('abort', () => req.destroy(new Error('aborted')), { once: true });
      req.end(body);
    });
  }
}
