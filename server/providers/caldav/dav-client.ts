import type { CaldavProviderConfig } from '../../../shared/config/schema.js';
import { ProviderRequestError, parseRetryAfter } from '../../sync/provider-error.js';
import { httpFetch, safeOrigin, type HttpAnswer, type HttpFetch } from '../ical/http.js';
import { parseMultistatus, type Multistatus } from './multistatus.js';
import { readSecret } from '../../../shared/config/secret.js';

/** Multistatus answers and calendar objects larger than this are refused. */
const MAX_BYTES = 20 * 1024 * 1024;

export interface DavResource {
  text: string;
  etag: string | null;
}

/**
 * The WebDAV/CalDAV requests the provider makes, each one HTTP exchange. Failures become
 * ProviderRequestErrors with the status and, for a DAV precondition (`valid-sync-token`), its
 * name as the reason. The Authorization header is built once and never logged.
 */
export class DavClient {
  private readonly authorization: string | null;
  private readonly timeoutMs: number;

  constructor(
    config: Pick<CaldavProviderConfig, 'auth' | 'timeoutSecs'>,
    private readonly fetch: HttpFetch = httpFetch,
    private readonly now: () => number = Date.now,
  ) {
    const auth = config.auth;
    this.authorization =
      auth.type === 'basic'
        ? `Basic ${Buffer.from(`${auth.username}:${readSecret(auth.password, 'provider.auth.password')}`).toString('base64')}`
        : auth.type === 'bearer'
          ? `Bearer ${readSecret(auth.token, 'provider.auth.token')}`
          : null;
    this.timeoutMs = config.timeoutSecs * 1000;
  }

  async request(method: string, url: string, opts: { headers?: Record<string, string>; body?: string; ok?: readonly number[] } = {}): Promise<HttpAnswer> {
    const headers: Record<string, string> = { ...opts.headers };
    if (this.authorization) headers.authorization = this.authorization;
    if (opts.body !== undefined && !headers['content-type']) headers['content-type'] = 'application/xml; charset=utf-8';
    const a = await this.fetch({ method, url, headers, body: opts.body, timeoutMs: this.timeoutMs, maxBytes: MAX_BYTES });
    if ((opts.ok ?? [200, 201, 204, 207]).includes(a.status)) return a;
    const reason = /<(?:\w+:)?(valid-sync-token|number-of-matches-within-limits|no-uid-conflict)\b/.exec(a.text)?.[1] ?? null;
    throw new ProviderRequestError(a.status, reason, `${method} ${safeOrigin(url)}${new URL(url).pathname}: HTTP ${a.status}${reason ? ` (${reason})` : ''}`, parseRetryAfter(a.headers.get('retry-after'), this.now()));
  }

  async propfind(url: string, depth: 0 | 1, body: string): Promise<Multistatus> {
    const a = await this.request('PROPFIND', url, { headers: { depth: String(depth) }, body, ok: [207] });
    return parseMultistatus(a.text);
  }

  /** A REPORT; a 507 multistatus (truncated) is an answer too, read by the caller. */
  async report(url: string, body: string, depth: 0 | 1 = 1): Promise<Multistatus> {
    const a = await this.request('REPORT', url, { headers: { depth: String(depth) }, body, ok: [207] });
    return parseMultistatus(a.text);
  }

  /** A free-busy-query REPORT; null when the answer is not iCalendar (Radicale answers a multistatus: no free-busy). */
  async freeBusy(url: string, body: string): Promise<string | null> {
    const a = await this.request('REPORT', url, { headers: { depth: '1' }, body, ok: [200, 207] });
    // Judged by the body: Xandikos labels its answer application/octet-stream.
    return a.status === 200 && /^\s*BEGIN:VCALENDAR/i.test(a.text) ? a.text : null;
  }

  async get(url: string): Promise<DavResource> {
    const a = await this.request('GET', url, { headers: { accept: 'text/calendar' }, ok: [200] });
    return { text: a.text, etag: a.headers.get('etag') };
  }

  /** PUT with a precondition: `create` (If-None-Match: *) or the ETag to match. Returns the new ETag when the server tells it. */
  async put(url: string, text: string, precondition: { create: true } | { ifMatch: string }): Promise<string | null> {
    const cond: Record<string, string> = 'create' in precondition ? { 'if-none-match': '*' } : { 'if-match': precondition.ifMatch };
    const a = await this.request('PUT', url, { headers: { 'content-type': 'text/calendar; charset=utf-8', ...cond }, body: text, ok: [200, 201, 204] });
    return a.headers.get('etag');
  }

  async delete(url: string, ifMatch: string | null): Promise<void> {
    await this.request('DELETE', url, { headers: ifMatch ? { 'if-match': ifMatch } : {}, ok: [200, 204] });
  }
}
