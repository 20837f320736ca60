import { randomBytes } from 'node:crypto';
import { createServer, request as httpsRequest, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A Microsoft Graph v1.0 stand-in over HTTPS that keeps the documented contract, so the
 * official client talks to it unchanged: bearer auth required; calendarView/delta needs
 * startDateTime and endDateTime, pages with @odata.nextLink and ends with @odata.deltaLink;
 * a delta link answers only what changed, with `@removed` for deletions; expired delta links
 * answer 410 or syncStateNotFound; an event created with a transactionId already used answers
 * the existing event; subscriptions validate both URLs with the validationToken handshake,
 * take at most 10080 minutes, expire, renew with PATCH, and notify with clientState;
 * places/microsoft.graph.room pages with @odata.nextLink. Failures are injected per request.
 *
 * Copies, as Graph keeps them: in a copy the mailbox does not organize every attendee's status
 * reads `none` (the mailbox's own answer is the event's responseStatus); only the organizer may
 * move start or end (403 ErrorAccessDenied), and the organizer cannot decline its own meeting.
 * Nothing refuses a clash in a room calendar written directly. Extended properties are kept on
 * the copy written to and returned only when expanded on a single event (a delta never carries
 * them). calendarView lists a window; getSchedule answers busy items for many mailboxes, leaving
 * out what is free. With `earlyNotify`, a new subscription's first change notification is sent
 * before the create call answers; `refuseValidations` makes the next handshakes fail.
 * Meeting mail: creating an event with attendees sends each (but the mailbox) an invitation from
 * the mailbox, its organizer; a cancel sends them a cancellation; both are recorded in `sent`.
 * An attendee without an address, or of another type than required/optional/resource, is a 400.
 */

export interface FakeEvent {
  id: string;
  subject?: string;
  start: { dateTime: string; timeZone: string };
  end: { dateTime: string; timeZone: string };
  isAllDay?: boolean;
  isCancelled?: boolean;
  showAs?: string;
  sensitivity?: string;
  organizer?: { emailAddress: { address: string; name?: string } };
  attendees?: Array<{ emailAddress: { address: string; name?: string }; type?: string; status?: { response: string } }>;
  responseStatus?: { response: string };
  seriesMasterId?: string;
  transactionId?: string;
  singleValueExtendedProperties?: Array<{ id: string; value: string }>;
}

interface Stored {
  event: FakeEvent;
  seq: number;
  removed: boolean;
}

export interface FakeSubscription {
  id: string;
  resource: string;
  mailbox: string;
  notificationUrl: string;
  lifecycleNotificationUrl: string;
  clientState: string;
  expiration: number;
}

export interface Injected {
  status: number;
  code?: string;
  retryAfter?: string;
  path?: string;
}

export class FakeGraph {
  readonly mailboxes = new Map<string, Map<string, Stored>>();
  readonly subscriptions = new Map<string, FakeSubscription>();
  readonly rooms: Array<{ id: string; displayName: string; emailAddress: string; capacity?: number }> = [];
  readonly log: Array<{ method: string; path: string; status: number; prefer: string }> = [];
  /** Delta states: token -> the window and the sequence it has seen. */
  private readonly deltas = new Map<string, { mailbox: string; from: number; to: number; seq: number }>();
  private readonly failures: Injected[] = [];
  private server: Server | null = null;
  private seq = 0;
  private base = '';
  pageSize = 3;
  token = 'fake-graph-token';
  /** How an expired delta link answers. */
  expiredAs: 'gone' | 'syncStateNotFound' = 'gone';
  /** Send a change notification on a new subscription before its create call answers. */
  earlyNotify = false;
  /** What the receiver answered to each early notification. */
  readonly earlyAnswers: number[] = [];
  /** The next this many subscription creates fail validation (the webhook is not reachable yet). */
  refuseValidations = 0;
  /** Every request in [from, to) (fake time) answers 503, as during an outage. */
  outage: { from: number; to: number } | null = null;

  constructor(
    private readonly now: () => number,
    private readonly tls: { key: string; cert: string },
  ) {}

  async start(): Promise<string> {
    this.server = createServer({ key: this.tls.key, cert: this.tls.cert }, (req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', r));
    this.base = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.base;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }

  fail(f: Injected, times = 1): void {
    for (let i = 0; i < times; i++) this.failures.push(f);
  }

  count(method: string, pathPart: string): number {
    return this.log.filter((l) => l.method === method && l.path.includes(pathPart)).length;
  }

  mailbox(address: string): Map<string, Stored> {
    let m = this.mailboxes.get(address.toLowerCase());
    if (!m) {
      m = new Map();
      this.mailboxes.set(address.toLowerCase(), m);
    }
    return m;
  }

  put(mailbox: string, e: FakeEvent): void {
    this.seq++;
    this.mailbox(mailbox).set(e.id, { event: structuredClone(e), seq: this.seq, removed: false });
  }

  remove(mailbox: string, id: string): void {
    const s = this.mailbox(mailbox).get(id);
    if (!s) return;
    this.seq++;
    s.removed = true;
    s.seq = this.seq;
  }

  get(mailbox: string, id: string): FakeEvent | undefined {
    const s = this.mailbox(mailbox).get(id);
    return s && !s.removed ? s.event : undefined;
  }

  live(mailbox: string): FakeEvent[] {
    return [...this.mailbox(mailbox).values()].filter((s) => !s.removed).map((s) => s.event);
  }

  /** Every delta link handed out so far stops working. */
  expireDeltaLinks(as: 'gone' | 'syncStateNotFound'): void {
    this.expiredAs = as;
    this.deltas.clear();
  }

  /** Posts a change notification for the mailbox to every live subscription on it. */
  async notify(mailbox: string, override: { clientState?: string } = {}): Promise<number[]> {
    const out: number[] = [];
    for (const s of this.subscriptions.values()) {
      if (s.mailbox !== mailbox.toLowerCase() || s.expiration <= this.now()) continue;
      const value = [{ subscriptionId: s.id, clientState: override.clientState ?? s.clientState, changeType: 'updated', resource: `Users/${mailbox}/Events/x`, subscriptionExpirationDateTime: new Date(s.expiration).toISOString(), tenantId: 'tenant' }];
      out.push((await post(`${s.notificationUrl}`, this.tls.cert, JSON.stringify({ value }))).status);
    }
    return out;
  }

  /** Posts a lifecycle event for one subscription; `subscriptionRemoved` removes it first, as Graph does. */
  async lifecycle(id: string, lifecycleEvent: 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed', override: { clientState?: string } = {}): Promise<number> {
    const s = this.subscriptions.get(id);
    if (!s) throw new Error(`no subscription ${id}`);
    if (lifecycleEvent === 'subscriptionRemoved') this.subscriptions.delete(id);
    const value = [{ subscriptionId: id, clientState: override.clientState ?? s.clientState, lifecycleEvent, resource: s.resource, subscriptionExpirationDateTime: new Date(s.expiration).toISOString(), tenantId: 'tenant' }];
    return (await post(s.lifecycleNotificationUrl, this.tls.cert, JSON.stringify({ value }))).status;
  }

  /** An event as the mailbox's copy shows it: attendees' statuses only in the organizer's copy, no extended properties unless expanded. */
  private view(mb: string, e: FakeEvent, expand: string | null = null): FakeEvent {
    const { singleValueExtendedProperties: props, ...rest } = e;
    const out: FakeEvent = this.organizes(mb, e) ? rest : { ...rest, attendees: (e.attendees ?? []).map((a) => ({ ...a, status: { response: 'none' } })) };
    const wanted = expand ? /singleValueExtendedProperties\(\$filter=id eq '([^']+)'\)/i.exec(expand)?.[1] : undefined;
    if (wanted) {
      const found = (props ?? []).filter((p) => p.id.toLowerCase() === wanted.toLowerCase());
      if (found.length) out.singleValueExtendedProperties = found;
    }
    return out;
  }

  private organizes(mb: string, e: FakeEvent): boolean {
    return !e.organizer || e.organizer.emailAddress.address.toLowerCase() === mb;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.base);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const prefer = String(req.headers.prefer ?? '');
    const send = (status: number, body?: unknown, headers: Record<string, string> = {}): void => {
      this.log.push({ method: req.method ?? '', path: url.pathname, status, prefer });
      res.writeHead(status, body === undefined ? headers : { 'content-type': 'application/json', ...headers });
      res.end(body === undefined ? '' : JSON.stringify(body));
    };
    const error = (status: number, code: string, message: string, headers: Record<string, string> = {}): void => send(status, { error: { code, message } }, headers);
    if (req.headers.authorization !== `Bearer ${this.token}`) return error(401, 'InvalidAuthenticationToken', 'Access token is empty or invalid.');
    if (this.outage && this.now() >= this.outage.from && this.now() < this.outage.to) return error(503, 'ServiceUnavailable', 'The service is temporarily unavailable.');
    const injected = this.failures.findIndex((f) => !f.path || url.pathname.includes(f.path));
    if (injected >= 0) {
      const [f] = this.failures.splice(injected, 1) as [Injected];
      return error(f.status, f.code ?? (f.status === 429 ? 'TooManyRequests' : 'ServiceUnavailable'), 'injected failure', f.retryAfter ? { 'retry-after': f.retryAfter } : {});
    }
    let body: Record<string, unknown> = {};
    if (raw) {
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return error(400, 'BadRequest', 'Unable to read JSON request payload.');
      }
    }
    const p = url.pathname.split('/').map(decodeURIComponent);
    if (p[1] !== 'v1.0') return error(404, 'BadRequest', `Invalid version: ${p[1] ?? ''}`);
    // /v1.0/users/{mb}/calendarView/delta | /events[/{id}[/cancel|/decline]]
    if (p[2] === 'users' && p[3]) {
      const mb = p[3].toLowerCase();
      if (!this.mailboxes.has(mb)) return error(404, 'ErrorInvalidUser', `The requested user '${p[3]}' is invalid.`);
      if (p[4] === 'calendarView' && p[5] === 'delta' && req.method === 'GET') return this.delta(mb, url.searchParams, send, error);
      if (p[4] === 'calendarView' && !p[5] && req.method === 'GET') return this.calendarView(mb, url.searchParams, send, error);
      if (p[4] === 'calendar' && p[5] === 'getSchedule' && req.method === 'POST') return this.schedule(body, send, error);
      if (p[4] === 'events' && !p[5] && req.method === 'POST') return this.create(mb, body as unknown as FakeEvent, send, error);
      if (p[4] === 'events' && p[5]) {
        const s = this.mailbox(mb).get(p[5]);
        if (!s || s.removed) return error(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
        if (p[6] === 'cancel' && req.method === 'POST') {
          if (s.event.organizer?.emailAddress.address.toLowerCase() !== mb) return error(400, 'ErrorAccessDenied', 'Your request cannot be completed. You need to be an organizer to cancel a meeting.');
          this.mail('cancellation', mb, s.event);
          this.remove(mb, p[5]);
          return send(202);
        }
        if (p[6] === 'decline' && req.method === 'POST') {
          if (this.organizes(mb, s.event)) return error(400, 'ErrorInvalidRequest', "Your request can't be completed. You can't respond to a meeting you organized.");
          const attendees = (s.event.attendees ?? []).map((a) => (a.emailAddress.address.toLowerCase() === mb ? { ...a, status: { response: 'declined' } } : a));
          this.put(mb, { ...s.event, attendees, responseStatus: { response: 'declined' } });
          return send(202);
        }
        if (!p[6] && req.method === 'GET') return send(200, this.view(mb, s.event, url.searchParams.get('$expand')));
        if (!p[6] && req.method === 'PATCH') {
          const patch = body as Partial<FakeEvent>;
          if (!this.organizes(mb, s.event) && (patch.start !== undefined || patch.end !== undefined)) return error(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
          this.put(mb, { ...s.event, ...(body as Partial<FakeEvent>), id: s.event.id });
          return send(200, this.get(mb, p[5]));
        }
      }
    }
    if (p[2] === 'subscriptions') return this.subscription(req.method ?? '', p[3], p[4], body, send, error);
    if (p[2] === 'places' && p[3] === 'microsoft.graph.room' && req.method === 'GET') {
      const from = Number(url.searchParams.get('$skiptoken') ?? 0);
      const value = this.rooms.slice(from, from + 2);
      const next = from + value.length < this.rooms.length ? `${this.base}/v1.0/places/microsoft.graph.room?$skiptoken=${from + value.length}` : undefined;
      return send(200, { value, ...(next ? { '@odata.nextLink': next } : {}) });
    }
    return error(404, 'BadRequest', `Resource not found for the segment '${url.pathname}'.`);
  }

  private delta(mb: string, q: URLSearchParams, send: Send, error: Fail): void {
    const deltaToken = q.get('$deltatoken');
    const skipToken = q.get('$skiptoken');
    let state: { mailbox: string; from: number; to: number; seq: number };
    let offset = 0;
    let since = -1;
    let upTo = this.seq;
    if (deltaToken || skipToken) {
      const [token, off, snapshot, sinceStr] = (deltaToken ?? skipToken ?? '').split('.');
      const found = this.deltas.get(token ?? '');
      if (!found || found.mailbox !== mb) {
        return this.expiredAs === 'gone' ? error(410, 'SyncStateNotFound', 'The sync state is gone.') : error(400, 'syncStateNotFound', 'The sync state generation is not found.');
      }
      state = found;
      if (skipToken) {
        offset = Number(off);
        upTo = Number(snapshot);
        since = Number(sinceStr);
      } else since = found.seq;
    } else {
      const s = q.get('startDateTime');
      const e = q.get('endDateTime');
      if (!s || !e) return error(400, 'ErrorInvalidParameter', 'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.');
      state = { mailbox: mb, from: Date.parse(s), to: Date.parse(e), seq: -1 };
    }
    const inWindow = (ev: FakeEvent): boolean => Date.parse(`${ev.end.dateTime}Z`) > state.from && Date.parse(`${ev.start.dateTime}Z`) < state.to;
    const all = [...this.mailbox(mb).values()]
      .filter((s) => s.seq > since && s.seq <= upTo)
      .filter((s) => (since < 0 ? !s.removed && inWindow(s.event) : s.removed || inWindow(s.event)))
      .sort((a, b) => a.seq - b.seq);
    const items = all.slice(offset, offset + this.pageSize).map((s) => (s.removed ? { id: s.event.id, '@removed': { reason: 'deleted' } } : this.view(mb, s.event)));
    const token = randomBytes(6).toString('hex');
    if (offset + this.pageSize < all.length) {
      this.deltas.set(token, state);
      return send(200, { value: items, '@odata.nextLink': `${this.base}/v1.0/users/${mb}/calendarView/delta?$skiptoken=${token}.${offset + this.pageSize}.${upTo}.${since}` });
    }
    this.deltas.set(token, { ...state, seq: upTo });
    send(200, { value: items, '@odata.deltaLink': `${this.base}/v1.0/users/${mb}/calendarView/delta?$deltatoken=${token}` });
  }

  /** Meeting mail Exchange sent: invitations on create, cancellations on cancel. */
  readonly sent: Array<{ kind: 'invitation' | 'cancellation'; from: string; eventId: string; to: Array<{ address: string; name?: string }> }> = [];

  private mail(kind: 'invitation' | 'cancellation', mb: string, e: FakeEvent): void {
    const to = (e.attendees ?? []).filter((a) => a.type !== 'resource' && a.emailAddress.address.toLowerCase() !== mb).map((a) => a.emailAddress);
    if (to.length) this.sent.push({ kind, from: mb, eventId: e.id, to });
  }

  private create(mb: string, e: FakeEvent, send: Send, error: Fail): void {
    if (!e.start?.dateTime || !e.end?.dateTime) return error(400, 'ErrorInvalidRequest', 'Start and End are required.');
    for (const a of e.attendees ?? []) {
      if (!a.emailAddress?.address) return error(400, 'ErrorInvalidRequest', 'An attendee has no email address.');
      if (a.type !== undefined && !['required', 'optional', 'resource'].includes(a.type)) return error(400, 'ErrorInvalidRequest', `Invalid attendee type: ${a.type}`);
    }
    if (e.transactionId) {
      const same = this.live(mb).find((x) => x.transactionId === e.transactionId);
      // The same transaction made this event already: nobody is invited twice.
      if (same) return send(201, same);
    }
    const id = `AAMk${randomBytes(12).toString('hex')}`;
    // Times are kept in UTC: the provider writes them so, as the fake's delta answers them.
    if (e.start.timeZone !== 'UTC' || e.end.timeZone !== 'UTC') return error(400, 'ErrorInvalidRequest', 'the fake takes UTC only');
    this.put(mb, { ...e, id, organizer: { emailAddress: { address: mb } }, responseStatus: { response: 'organizer' } });
    this.mail('invitation', mb, this.get(mb, id) as FakeEvent);
    send(201, this.view(mb, this.get(mb, id) as FakeEvent));
  }

  private calendarView(mb: string, q: URLSearchParams, send: Send, error: Fail): void {
    const s = q.get('startDateTime');
    const e = q.get('endDateTime');
    if (!s || !e) return error(400, 'ErrorInvalidParameter', 'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.');
    const from = Date.parse(s);
    const to = Date.parse(e);
    const value = this.live(mb)
      .filter((ev) => !ev.isCancelled && Date.parse(`${ev.end.dateTime}Z`) > from && Date.parse(`${ev.start.dateTime}Z`) < to)
      .map((ev) => this.view(mb, ev));
    send(200, { value });
  }

  private schedule(body: Record<string, unknown>, send: Send, error: Fail): void {
    const schedules = (body.schedules as string[] | undefined) ?? [];
    if (schedules.length === 0 || schedules.length > 100) return error(400, 'ErrorInvalidParameter', 'schedules: 1 to 100 addresses');
    const t = (x: unknown): number => Date.parse(`${String((x as { dateTime?: string } | undefined)?.dateTime ?? '')}Z`);
    const from = t(body.startTime);
    const to = t(body.endTime);
    const value = schedules.map((id) => {
      if (!this.mailboxes.has(id.toLowerCase())) return { scheduleId: id, error: { message: 'The requested user is invalid.', responseCode: 'ErrorInvalidUser' } };
      const scheduleItems = this.live(id.toLowerCase())
        .filter((ev) => !ev.isCancelled && ev.showAs !== 'free' && ev.responseStatus?.response !== 'declined')
        .filter((ev) => Date.parse(`${ev.end.dateTime}Z`) > from && Date.parse(`${ev.start.dateTime}Z`) < to)
        .map((ev) => ({ status: ev.showAs ?? 'busy', start: ev.start, end: ev.end }));
      return { scheduleId: id, scheduleItems };
    });
    send(200, { value });
  }

  private subscription(method: string, id: string | undefined, action: string | undefined, body: Record<string, unknown>, send: Send, error: Fail): void {
    for (const [k, s] of this.subscriptions) if (s.expiration <= this.now()) this.subscriptions.delete(k);
    const maxExpiry = this.now() + 10_080 * 60_000;
    if (method === 'POST' && !id) {
      const resource = String(body.resource ?? '');
      const m = /^\/?users\/([^/]+)\/events$/i.exec(resource);
      if (!m?.[1] || !this.mailboxes.has(m[1].toLowerCase())) return error(400, 'ExtensionError', `resource ${resource} is not valid`);
      const exp = Date.parse(String(body.expirationDateTime));
      if (!Number.isFinite(exp) || exp > maxExpiry || exp <= this.now()) return error(400, 'ExtensionError', 'Subscription expiration can only be 10070 minutes in the future.');
      const notificationUrl = String(body.notificationUrl ?? '');
      const lifecycleNotificationUrl = String(body.lifecycleNotificationUrl ?? '');
      if (!notificationUrl.startsWith('https://') || !lifecycleNotificationUrl.startsWith('https://')) return error(400, 'ValidationError', 'NotificationUrl must be https');
      if (String(body.clientState ?? '').length > 128) return error(400, 'ValidationError', 'clientState is longer than 128 characters');
      // Both endpoints must echo a validation token before the subscription exists.
      const refused = this.refuseValidations > 0;
      if (refused) this.refuseValidations--;
      void Promise.all([validate(notificationUrl, this.tls.cert), validate(lifecycleNotificationUrl, this.tls.cert)]).then(async ([a, b]) => {
        if (!a || !b || refused) return error(400, 'ValidationError', 'Subscription validation request failed. Response must exactly match validationToken query parameter.');
        const sub: FakeSubscription = { id: `sub-${randomBytes(8).toString('hex')}`, resource, mailbox: m[1]!.toLowerCase(), notificationUrl, lifecycleNotificationUrl, clientState: String(body.clientState ?? ''), expiration: exp };
        this.subscriptions.set(sub.id, sub);
        if (this.earlyNotify) this.earlyAnswers.push(...(await this.notify(sub.mailbox).catch(() => [0])));
        send(201, { id: sub.id, resource, changeType: body.changeType, expirationDateTime: new Date(exp).toISOString(), notificationUrl });
      }, () => error(400, 'ValidationError', 'Subscription validation request failed.'));
      return;
    }
    const sub = id ? this.subscriptions.get(id) : undefined;
    if (!sub || !id) return error(404, 'ResourceNotFound', `The object was not found.`);
    if (method === 'PATCH' && !action) {
      const exp = Date.parse(String(body.expirationDateTime));
      if (!Number.isFinite(exp) || exp > maxExpiry) return error(400, 'ExtensionError', 'Subscription expiration can only be 10070 minutes in the future.');
      sub.expiration = exp;
      return send(200, { id, resource: sub.resource, expirationDateTime: new Date(exp).toISOString() });
    }
    if (method === 'POST' && action === 'reauthorize') return send(204);
    if (method === 'DELETE' && !action) {
      this.subscriptions.delete(id);
      return send(204);
    }
    return error(405, 'BadRequest', 'method not allowed');
  }
}

type Send = (status: number, body?: unknown, headers?: Record<string, string>) => void;
type Fail = (status: number, code: string, message: string, headers?: Record<string, string>) => void;

function post(address: string, ca: string, body: string | null, timeoutMs = 10_000): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(address, { method: 'POST', ca, timeout: timeoutMs, headers: body === null ? { 'content-length': '0' } : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), type: String(res.headers['content-type'] ?? '') }));
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 10 s')));
    req.on('error', reject);
    req.end(body ?? undefined);
  });
}

/** Graph's handshake: POST ?validationToken=..., expecting 200 text/plain with the token, decoded, within 10 s. */
async function validate(url: string, ca: string): Promise<boolean> {
  const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomBytes(4).toString('hex')}`;
  const res = await post(`${url}${url.includes('?') ? '&' : '?'}validationToken=${encodeURIComponent(token)}`, ca, null);
  return res.status === 200 && res.type.startsWith('text/plain') && res.body === token;
}
