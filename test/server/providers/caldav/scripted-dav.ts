import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

/** A recorded multistatus answer from test/fixtures/caldav (read from the source tree). */
export function davFixture(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../../../../../test/fixtures/caldav/${name}`, import.meta.url)), 'utf8');
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A CalDAV collection at /cal/room1/ that answers what the real servers in the other tests do
 * not produce: recorded sync-collection pages (a 507 truncation), or no sync token at all
 * (ctag and ETag listings only). Every request is recorded.
 */
export class ScriptedDav {
  readonly resources = new Map<string, { etag: string; text: string }>();
  /** null: the server has no sync-collection (no DAV:sync-token property). */
  syncToken: string | null = null;
  ctag = '"c1"';
  /** Recorded answers to sync-collection, by the token asked from. */
  readonly syncPages = new Map<string, string>();
  /** Answers 401 to everything when set, as a server does to a wrong password. */
  refuseAuth = false;
  readonly requests: Array<{ method: string; body: string; authorization: string | null }> = [];
  private server: Server | null = null;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        this.requests.push({ method: req.method ?? '', body, authorization: req.headers.authorization ?? null });
        if (this.refuseAuth) {
          res.writeHead(401, { 'www-authenticate': 'Basic realm="cal"' }).end('unauthorized');
          return;
        }
        const ms = (inner: string, status = 207): void => {
          res.writeHead(status, { 'content-type': 'application/xml; charset=utf-8' });
          res.end(`<?xml version="1.0" encoding="utf-8"?><d:multistatus xmlns:d="DAV:" xmlns:cs="http://calendarserver.org/ns/" xmlns:c="urn:ietf:params:xml:ns:caldav">${inner}</d:multistatus>`);
        };
        const item = (name: string, withData: boolean): string => {
          const r = this.resources.get(name)!;
          return `<d:response><d:href>/cal/room1/${encodeURIComponent(name)}</d:href><d:propstat><d:prop><d:getetag>${esc(r.etag)}</d:getetag>${withData ? `<c:calendar-data>${esc(r.text)}</c:calendar-data>` : ''}</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>`;
        };
        if (req.method === 'PROPFIND') {
          const token = this.syncToken ? `<d:sync-token>${this.syncToken}</d:sync-token>` : '';
          const missing = this.syncToken ? '' : '<d:propstat><d:prop><d:sync-token/></d:prop><d:status>HTTP/1.1 404 Not Found</d:status></d:propstat>';
          ms(`<d:response><d:href>/cal/room1/</d:href><d:propstat><d:prop>${token}<cs:getctag>${esc(this.ctag)}</cs:getctag></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>${missing}</d:response>`);
          return;
        }
        if (req.method === 'REPORT' && body.includes('sync-collection')) {
          const from = /<d:sync-token>([^<]*)<\/d:sync-token>/.exec(body)?.[1] ?? '';
          const page = this.syncToken ? this.syncPages.get(from) : undefined;
          if (!page) {
            res.writeHead(403, { 'content-type': 'application/xml' }).end('<?xml version="1.0"?><d:error xmlns:d="DAV:"><d:valid-sync-token/></d:error>');
            return;
          }
          res.writeHead(207, { 'content-type': 'application/xml' }).end(page);
          return;
        }
        if (req.method === 'REPORT' && body.includes('calendar-multiget')) {
          const names = [...body.matchAll(/<d:href>([^<]*)<\/d:href>/g)].map((m) => decodeURIComponent((m[1] ?? '').split('/').pop() ?? ''));
          ms(names.map((n) => (this.resources.has(n) ? item(n, true) : `<d:response><d:href>/cal/room1/${encodeURIComponent(n)}</d:href><d:status>HTTP/1.1 404 Not Found</d:status></d:response>`)).join(''));
          return;
        }
        if (req.method === 'REPORT' && body.includes('calendar-query')) {
          ms([...this.resources.keys()].map((n) => item(n, body.includes('calendar-data'))).join(''));
          return;
        }
        res.writeHead(405).end();
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/cal/room1/`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()));
  }

  /** The REPORT kinds asked so far, in order. */
  reports(): string[] {
    return this.requests.filter((r) => r.method === 'REPORT').map((r) => /<(?:\w+:)?(sync-collection|calendar-multiget|calendar-query)\b/.exec(r.body)?.[1] ?? '?');
  }
}
