import { createPublicKey, verify as verifySignature } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';

/**
 * A Google Calendar v3 and Admin SDK stand-in that keeps the documented contract, so the official
 * client talks to it unchanged: bearer auth required; events.list pages (an empty page may still
 * carry nextPageToken), nextSyncToken only on the last page, syncToken refused with timeMin
 * (400), an expired token answers 410; inserts with a client id validate base32hex and answer
 * 409 when the id exists; patch honours If-Match (412); watch channels expire and notify with
 * the X-Goog-* headers and no body; freeBusy takes at most 50 calendars. Failures (429 with
 * Retry-After, 403 usageLimits, 5xx) are injected per request.
 *
 * Copies, as Google keeps them: an insert makes the calendar's owner the organizer (whatever the
 * body says) and gives each invited resource its own copy, which carries the shared extended
 * properties but not the private ones (those stay on the copy they were written to); a change
 * on the organizer's copy reaches the attendees' copies. On an attendee's copy, a change of
 * start or end is refused with 403 forbiddenForNonOrganizer. freeBusy counts opaque events,
 * all-day ones included (midnight to midnight, UTC here), and leaves out transparent ones and
 * those the calendar declined. With `earlySync`, the "sync" message of a new channel is sent
 * before the watch call answers, as Google may.
 *
 * Guest mail: insert, patch and delete take `sendUpdates` (all, externalOnly, none; anything else
 * is a 400); Google mails the guests (not the resources) only with all or externalOnly (every
 * guest is external here), and by default nobody. Each write is recorded in `writes`, with the
 * guests it mailed.
 */

export interface FakeEvent {
  id: string;
  status: 'confirmed' | 'tentative' | 'cancelled';
  summary?: string;
  start: { dateTime?: string; date?: string };
  end: { dateTime?: string; date?: string };
  organizer?: { email: string; displayName?: string };
  attendees?: Array<{ email: string; displayName?: string; resource?: boolean; responseStatus?: string }>;
  recurringEventId?: string;
  extendedProperties?: { private?: Record<string, string>; shared?: Record<string, string> };
  visibility?: string;
  transparency?: 'opaque' | 'transparent';
}

interface Stored {
  event: FakeEvent;
  etag: string;
  seq: number;
}

export interface FakeChannel {
  id: string;
  calendarId: string;
  token: string;
  address: string;
  resourceId: string;
  expiration: number;
  messages: number;
}

export interface Injected {
  status: number;
  reason?: string;
  retryAfter?: string;
  /** Only requests whose path contains this. */
  path?: string;
}

const BASE32HEX = /^[a-v0-9]{5,1024}$/;

export class FakeGoogle {
  readonly calendars = new Map<string, Map<string, Stored>>();
  readonly channels = new Map<string, FakeChannel>();
  readonly resources: Array<{ resourceId: string; resourceName: string; resourceEmail: string; capacity?: number }> = [];
  readonly log: Array<{ method: string; path: string; status: number }> = [];
  /** Event writes with their `sendUpdates` and the guests Google mailed about them. */
  readonly writes: Array<{ method: string; calendarId: string; eventId: string; sendUpdates: string | null; mailed: string[] }> = [];
  private readonly failures: Injected[] = [];
  private seq = 0;
  /** Sync tokens below this sequence are expired (410). */
  private oldestValidSeq = 0;
  private server: Server | null = null;
  /** Events per page; small in tests to exercise paging. */
  pageSize = 3;
  /** Answer an empty page (with nextPageToken) before the first real page of a full listing. */
  emptyFirstPage = true;
  token = 'fake-access-token';
  /** Every request in [from, to) (fake time) answers 503, as during a Google outage. */
  outage: { from: number; to: number } | null = null;
  /** The impersonated account: the owner of `primary`, and the organizer of what it inserts. */
  self = 'admin@example.com';
  /** Send a new channel's "sync" message before the watch call answers. */
  earlySync = false;
  /** What the receiver answered to each early "sync" message. */
  readonly earlySyncAnswers: number[] = [];

  constructor(
    private readonly now: () => number,
    private readonly tlsCa?: string,
  ) {}

  /** Service accounts whose signed JWT grants the token endpoint (`POST /token`) accepts: client_email -> public key PEM. */
  readonly serviceAccounts = new Map<string, string>();
  /** Token grants answered, with the subject each asked to act as. */
  readonly grants: Array<{ iss: string; sub: string | null }> = [];

  /** Listens on loopback; over HTTPS with `tls` (a private endpoint behind its own CA). */
  async start(tls?: { key: string; cert: string }): Promise<string> {
    const handler = (req: IncomingMessage, res: ServerResponse): void => void this.handle(req, res);
    this.server = tls ? createHttpsServer({ key: tls.key, cert: tls.cert }, handler) : createServer(handler);
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', r));
    return `${tls ? 'https' : 'http'}://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  /**
   * The OAuth token endpoint of a service account's key (`token_uri`): a JWT-bearer grant whose
   * assertion is signed (RS256) by a known account's key answers with the access token.
   */
  private grant(raw: string, send: Send, error: Fail): void {
    const form = new URLSearchParams(raw);
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return error(400, 'unsupported_grant_type', 'Invalid grant_type');
    const [h, b, sig] = (form.get('assertion') ?? '').split('.');
    if (!h || !b || !sig) return error(400, 'invalid_grant', 'Invalid JWT');
    const claims = JSON.parse(Buffer.from(b, 'base64url').toString('utf8')) as { iss?: string; sub?: string; exp?: number };
    const pem = this.serviceAccounts.get(claims.iss ?? '');
    if (!pem || !verifySignature('RSA-SHA256', Buffer.from(`${h}.${b}`), createPublicKey(pem), Buffer.from(sig, 'base64url'))) return error(400, 'invalid_grant', 'Invalid JWT Signature.');
    this.grants.push({ iss: claims.iss ?? '', sub: claims.sub ?? null });
    send(200, { access_token: this.token, expires_in: 3600, token_type: 'Bearer' });
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }

  fail(f: Injected, times = 1): void {
    for (let i = 0; i < times; i++) this.failures.push(f);
  }

  count(method: string, pathPart: string): number {
    return this.log.filter((l) => l.method === method && l.path.includes(pathPart)).length;
  }

  put(calendarId: string, e: FakeEvent): void {
    const cal = this.cal(calendarId);
    this.seq++;
    cal.set(e.id, { event: structuredClone(e), etag: `"e${this.seq}"`, seq: this.seq });
  }

  remove(calendarId: string, id: string): void {
    const s = this.cal(calendarId).get(id);
    if (s) this.put(calendarId, { ...s.event, status: 'cancelled' });
  }

  get(calendarId: string, id: string): FakeEvent | undefined {
    return this.cal(calendarId).get(id)?.event;
  }

  /** Every sync token handed out so far now answers 410 Gone. */
  expireSyncTokens(): void {
    this.oldestValidSeq = this.seq + 1;
    this.seq++;
  }

  /** Sends the bodiless notification Google sends for a changed calendar, to every live channel on it. */
  async notify(calendarId: string, override: { token?: string; channelId?: string } = {}): Promise<number[]> {
    const statuses: number[] = [];
    for (const ch of this.channels.values()) {
      if (ch.calendarId !== calendarId || ch.expiration <= this.now()) continue;
      statuses.push(await this.post(ch, override));
    }
    return statuses;
  }

  /** Sends the "sync" message Google sends once on each new channel, to channels that have had none. Returns how many. */
  async greet(): Promise<number> {
    const fresh = [...this.channels.values()].filter((ch) => ch.messages === 0 && ch.expiration > this.now());
    for (const ch of fresh) await this.post(ch, {});
    return fresh.length;
  }

  private post(ch: FakeChannel, override: { token?: string; channelId?: string }): Promise<number> {
    ch.messages++;
    return postTo(ch.address, this.tlsCa, {
      'X-Goog-Channel-ID': override.channelId ?? ch.id,
      'X-Goog-Channel-Token': override.token ?? ch.token,
      'X-Goog-Resource-ID': ch.resourceId,
      'X-Goog-Resource-State': ch.messages === 1 ? 'sync' : 'exists',
      'X-Goog-Message-Number': String(ch.messages),
      'X-Goog-Channel-Expiration': new Date(ch.expiration).toUTCString(),
    });
  }

  private cal(id: string): Map<string, Stored> {
    let c = this.calendars.get(id);
    if (!c) {
      c = new Map();
      this.calendars.set(id, c);
    }
    return c;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const send = (status: number, body?: unknown, headers: Record<string, string> = {}): void => {
      this.log.push({ method: req.method ?? '', path: url.pathname, status });
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(body === undefined ? '' : JSON.stringify(body));
    };
    const error = (status: number, reason: string, message: string, headers: Record<string, string> = {}): void =>
      send(status, { error: { code: status, message, errors: [{ domain: status === 403 ? 'usageLimits' : 'global', reason, message }] } }, headers);
    if (url.pathname === '/token' && req.method === 'POST') return this.grant(raw, send, error);
    if (req.headers.authorization !== `Bearer ${this.token}`) return error(401, 'authError', 'Invalid Credentials');
    if (this.outage && this.now() >= this.outage.from && this.now() < this.outage.to) return error(503, 'backendError', 'The service is currently unavailable.');
    const injected = this.failures.findIndex((f) => !f.path || url.pathname.includes(f.path));
    if (injected >= 0) {
      const [f] = this.failures.splice(injected, 1) as [Injected];
      return error(f.status, f.reason ?? (f.status === 429 ? 'rateLimitExceeded' : 'backendError'), 'injected failure', f.retryAfter ? { 'retry-after': f.retryAfter } : {});
    }
    let body: Record<string, unknown> = {};
    if (raw) {
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return error(400, 'parseError', 'Parse Error');
      }
    }
    const p = url.pathname.split('/').map(decodeURIComponent);
    // /calendar/v3/calendars/{cal}/events[/{id}|/watch]
    if (p[1] === 'calendar' && p[3] === 'calendars' && p[5] === 'events') {
      const calId = p[4] as string;
      const eventId = p[6];
      if (!this.calendars.has(calId)) return error(404, 'notFound', 'Not Found');
      const sendUpdates = url.searchParams.get('sendUpdates');
      if (sendUpdates !== null && !['all', 'externalOnly', 'none'].includes(sendUpdates)) return error(400, 'invalidParameter', `Invalid value for: sendUpdates`);
      const wrote = (method: string, id: string, e: FakeEvent | undefined): void => {
        const mails = sendUpdates === 'all' || sendUpdates === 'externalOnly';
        const mailed = mails ? (e?.attendees ?? []).filter((a) => !a.resource).map((a) => a.email) : [];
        this.writes.push({ method, calendarId: calId, eventId: id, sendUpdates, mailed });
      };
      if (eventId === 'watch' && req.method === 'POST') return this.watch(calId, body, send, error);
      if (!eventId && req.method === 'GET') return this.list(calId, url.searchParams, send, error);
      if (!eventId && req.method === 'POST') return this.insert(calId, body as unknown as FakeEvent, send, error, wrote);
      const stored = eventId ? this.cal(calId).get(eventId) : undefined;
      if (!stored || !eventId) return error(404, 'notFound', 'Not Found');
      if (req.method === 'GET') return send(200, { ...stored.event, etag: stored.etag });
      const ifMatch = req.headers['if-match'];
      if (ifMatch && ifMatch !== stored.etag) return error(412, 'conditionNotMet', 'Precondition Failed');
      if (req.method === 'PATCH') {
        const patch = body as Partial<FakeEvent>;
        if (!this.organizes(calId, stored.event) && (patch.start !== undefined || patch.end !== undefined)) {
          return send(403, { error: { code: 403, message: 'Forbidden', errors: [{ domain: 'calendar', reason: 'forbiddenForNonOrganizer', message: 'Forbidden' }] } });
        }
        this.put(calId, { ...stored.event, ...patch, id: eventId });
        const now = this.cal(calId).get(eventId) as Stored;
        wrote('PATCH', eventId, now.event);
        if (this.organizes(calId, now.event)) this.spread(calId, now.event);
        return send(200, { ...now.event, etag: now.etag });
      }
      if (req.method === 'DELETE') {
        if (stored.event.status === 'cancelled') return error(410, 'deleted', 'Resource has been deleted');
        this.remove(calId, eventId);
        wrote('DELETE', eventId, stored.event);
        if (this.organizes(calId, stored.event)) this.spread(calId, { ...stored.event, status: 'cancelled' });
        return send(204);
      }
    }
    if (url.pathname === '/calendar/v3/channels/stop' && req.method === 'POST') {
      const ch = this.channels.get(String(body.id));
      if (!ch || ch.resourceId !== body.resourceId) return error(404, 'notFound', `Channel '${String(body.id)}' not found for project`);
      this.channels.delete(ch.id);
      return send(204);
    }
    if (url.pathname === '/calendar/v3/freeBusy' && req.method === 'POST') return this.freeBusy(body, send, error);
    if (p[1] === 'admin' && p[6] === 'resources' && p[7] === 'calendars' && req.method === 'GET') {
      const size = Number(url.searchParams.get('maxResults') ?? 100);
      const from = Number(url.searchParams.get('pageToken') ?? 0);
      const items = this.resources.slice(from, from + Math.min(size, 2));
      const next = from + items.length < this.resources.length ? String(from + items.length) : undefined;
      return send(200, { kind: 'admin#directory#resources#calendars#calendarResourcesList', items, ...(next ? { nextPageToken: next } : {}) });
    }
    return error(404, 'notFound', `no route ${req.method} ${url.pathname}`);
  }

  private list(calId: string, q: URLSearchParams, send: Send, error: Fail): void {
    const syncToken = q.get('syncToken');
    if (syncToken && (q.has('timeMin') || q.has('timeMax') || q.has('orderBy') || q.has('q') || q.has('updatedMin'))) {
      return error(400, 'invalid', 'Sync token cannot be combined with timeMin, timeMax, orderBy, q or updatedMin');
    }
    const singleEvents = q.get('singleEvents') === 'true';
    let since = -1;
    if (syncToken) {
      const m = /^sync-(\d+)$/.exec(syncToken);
      if (!m || Number(m[1]) < this.oldestValidSeq) return error(410, 'fullSyncRequired', 'Sync token is no longer valid, a full sync is required.');
      since = Number(m[1]);
    }
    const timeMin = q.get('timeMin') ? Date.parse(q.get('timeMin') as string) : null;
    const all = [...this.cal(calId).values()]
      .filter((s) => (syncToken ? s.seq > since : s.event.status !== 'cancelled'))
      .filter((s) => singleEvents || !s.event.recurringEventId)
      .filter((s) => timeMin === null || endMs(s.event) > timeMin)
      .sort((a, b) => a.seq - b.seq);
    const page = q.get('pageToken');
    let offset = 0;
    if (page) {
      const m = /^page-(\d+)-(\d+)$/.exec(page);
      if (!m) return error(400, 'invalid', 'Invalid page token');
      offset = Number(m[1]);
    } else if (this.emptyFirstPage && !syncToken) {
      return send(200, { kind: 'calendar#events', items: [], nextPageToken: `page-0-${this.seq}` });
    }
    const size = Math.min(Number(q.get('maxResults') ?? 250), this.pageSize);
    const items = all.slice(offset, offset + size).map((s) => ({ ...s.event, etag: s.etag }));
    if (offset + size < all.length) return send(200, { kind: 'calendar#events', items, nextPageToken: `page-${offset + size}-${this.seq}` });
    return send(200, { kind: 'calendar#events', items, nextSyncToken: `sync-${this.seq}` });
  }

  /** Who owns a calendar: `primary` is the impersonated account's. */
  private owner(calId: string): string {
    return calId === 'primary' ? this.self : calId;
  }

  /** Whether the calendar's copy is the organizer's (an event put without an organizer is its calendar's own). */
  private organizes(calId: string, e: FakeEvent): boolean {
    return !e.organizer || e.organizer.email.toLowerCase() === this.owner(calId).toLowerCase();
  }

  /** The organizer's copy changed: each invited resource's copy follows (private properties stay per copy); a resource no longer invited loses its copy. */
  private spread(calId: string, e: FakeEvent): void {
    const invited = new Set((e.attendees ?? []).filter((a) => a.resource).map((a) => a.email));
    for (const [other, cal] of this.calendars) {
      if (other === calId) continue;
      const copy = cal.get(e.id);
      if (!copy && !invited.has(other)) continue;
      if (!invited.has(other) || e.status === 'cancelled') {
        if (copy && copy.event.status !== 'cancelled') this.put(other, { ...copy.event, status: 'cancelled' });
        continue;
      }
      const response = copy?.event.attendees?.find((a) => a.email === other)?.responseStatus ?? 'accepted';
      this.put(other, {
        ...e,
        attendees: (e.attendees ?? []).map((x) => (x.email === other ? { ...x, responseStatus: response } : x)),
        extendedProperties: { ...(e.extendedProperties?.shared ? { shared: e.extendedProperties.shared } : {}), ...(copy?.event.extendedProperties?.private ? { private: copy.event.extendedProperties.private } : {}) },
      });
    }
  }

  private insert(calId: string, e: FakeEvent, send: Send, error: Fail, wrote: (method: string, id: string, e: FakeEvent) => void): void {
    if (e.id !== undefined && !BASE32HEX.test(e.id)) return error(400, 'invalid', 'Invalid resource id value.');
    const id = e.id ?? `gen${this.seq + 1}abc`;
    if (this.cal(calId).has(id)) return error(409, 'duplicate', 'The requested identifier already exists.');
    if (!e.start || !e.end) return error(400, 'required', 'Missing end time.');
    // The calendar's owner organizes what is inserted into it; an organizer in the body is not taken.
    const event: FakeEvent = { ...e, id, status: e.status ?? 'confirmed', organizer: { email: this.owner(calId) } };
    this.put(calId, event);
    wrote('POST', id, event);
    // Each room invited as a resource gets its own copy with the same id, accepted, without the private properties.
    this.spread(calId, event);
    const s = this.cal(calId).get(id) as Stored;
    send(200, { ...s.event, etag: s.etag });
  }

  private async watch(calId: string, body: Record<string, unknown>, send: Send, error: Fail): Promise<void> {
    const id = String(body.id ?? '');
    const address = String(body.address ?? '');
    if (!id || id.length > 64 || !/^[A-Za-z0-9\-_+/=]+$/.test(id)) return error(400, 'invalid', 'Invalid channel id');
    if (body.type !== 'web_hook' || !address.startsWith('https://')) return error(400, 'push.webhookUrlNotHttps', 'WebHook callback must be HTTPS');
    if (this.channels.has(id)) return error(400, 'channelIdNotUnique', 'Channel id not unique');
    const params = body.params as { ttl?: string } | undefined;
    const ttl = Number(params?.ttl ?? 604800);
    const ch: FakeChannel = { id, calendarId: calId, token: String(body.token ?? ''), address, resourceId: `res-${calId}`, expiration: this.now() + ttl * 1000, messages: 0 };
    this.channels.set(id, ch);
    if (this.earlySync) {
      // The channel's first message overtakes the answer to watch; a 404/401 from the receiver leaves Google indifferent.
      this.earlySyncAnswers.push(await this.post(ch, {}).catch(() => 0));
    }
    send(200, { kind: 'api#channel', id, resourceId: ch.resourceId, resourceUri: `https://www.googleapis.com/calendar/v3/calendars/${calId}/events`, expiration: String(ch.expiration) });
  }

  private freeBusy(body: Record<string, unknown>, send: Send, error: Fail): void {
    const items = (body.items as Array<{ id: string }> | undefined) ?? [];
    if (items.length > 50) return error(400, 'tooManyCalendarsRequested', 'Too many calendars requested');
    const from = Date.parse(String(body.timeMin));
    const to = Date.parse(String(body.timeMax));
    const calendars: Record<string, unknown> = {};
    for (const { id } of items) {
      const c = this.calendars.get(id);
      if (!c) {
        calendars[id] = { errors: [{ domain: 'global', reason: 'notFound' }], busy: [] };
        continue;
      }
      const busy = [...c.values()]
        .map((s) => s.event)
        .filter((e) => e.status !== 'cancelled' && e.transparency !== 'transparent')
        .filter((e) => e.attendees?.find((a) => a.email === id)?.responseStatus !== 'declined')
        .map((e) => ({ s: startMs(e), t: endMs(e) }))
        .filter((b) => b.t > from && b.s < to)
        .sort((a, b) => a.s - b.s);
      const merged: Array<{ s: number; t: number }> = [];
      for (const b of busy) {
        const last = merged[merged.length - 1];
        if (last && b.s <= last.t) last.t = Math.max(last.t, b.t);
        else merged.push({ ...b });
      }
      calendars[id] = { busy: merged.map((b) => ({ start: new Date(Math.max(b.s, from)).toISOString(), end: new Date(Math.min(b.t, to)).toISOString() })) };
    }
    send(200, { kind: 'calendar#freeBusy', timeMin: body.timeMin, timeMax: body.timeMax, calendars });
  }
}

type Send = (status: number, body?: unknown, headers?: Record<string, string>) => void;
type Fail = (status: number, reason: string, message: string, headers?: Record<string, string>) => void;

function endMs(e: FakeEvent): number {
  return Date.parse(e.end.dateTime ?? `${e.end.date ?? '1970-01-01'}T00:00:00Z`);
}

function startMs(e: FakeEvent): number {
  return Date.parse(e.start.dateTime ?? `${e.start.date ?? '1970-01-01'}T00:00:00Z`);
}

function postTo(address: string, ca: string | undefined, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(address, { method: 'POST', headers: { ...headers, 'content-length': '0' }, ca }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}
