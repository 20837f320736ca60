import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { calendar, type calendar_v3 } from '@googleapis/calendar';
import { admin } from '@googleapis/admin';
import { JWT, type OAuth2Client } from 'google-auth-library';
import { DoorplateError } from '../../../shared/errors.js';
import type { GoogleProviderConfig } from '../../../shared/config/schema.js';
import { parseRetryAfter, ProviderRequestError } from '../../sync/provider-error.js';
import type { GoogleApi, GoogleChannel, GoogleEvent, GoogleEventPage, GoogleResource } from './google-types.js';

/** Read-write calendars, the room directory, and free/busy; what the admin console must delegate. */
export const GOOGLE_SCOPES = [
  'https://www.googleapis.com/auth/calendar',
  'https://www.googleapis.com/auth/admin.directory.resource.calendar.readonly',
] as const;

/** Where Google's own service-account tokens come from; a key file's `token_uri` may name another. */
const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

/**
 * The service account acting as the configured admin (domain-wide delegation). The key's
 * `token_uri` is honoured (a proxy, a private endpoint, a test double), and `ca` is trusted for
 * it and for the API calls made through this client.
 */
export function serviceAccountAuth(cfg: Pick<GoogleProviderConfig, 'credentialsFile' | 'credentials' | 'subject'>, opts: { ca?: string } = {}): OAuth2Client {
  let creds: { client_email?: unknown; private_key?: unknown; token_uri?: unknown };
  if (cfg.credentials) creds = cfg.credentials;
  else if (cfg.credentialsFile) {
    try {
      creds = JSON.parse(readFileSync(cfg.credentialsFile, 'utf8')) as typeof creds;
    } catch (e) {
      throw new DoorplateError('VALIDATION', `provider.credentialsFile: cannot read ${cfg.credentialsFile}: ${(e as Error).message}`);
    }
  } else throw new DoorplateError('VALIDATION', 'provider: needs credentialsFile or credentials');
  if (typeof creds.client_email !== 'string' || typeof creds.private_key !== 'string') {
    throw new DoorplateError('VALIDATION', 'provider.credentials: a service-account key needs client_email and private_key');
  }
  const jwt = new JWT({ email: creds.client_email, key: creds.private_key, scopes: [...GOOGLE_SCOPES], subject: cfg.subject });
  const tokenUri = typeof creds.token_uri === 'string' && creds.token_uri !== GOOGLE_TOKEN_URL ? creds.token_uri : null;
  if (tokenUri || opts.ca) {
    // The library posts the JWT grant to Google's token URL through the client's transporter:
    // route that one request to token_uri, and give every request the extra CA.
    const base = jwt.transporter;
    const agent = opts.ca ? new Agent({ ca: opts.ca, keepAlive: true }) : undefined;
    const request: typeof base.request = (o) => {
      const url = String(o?.url ?? '');
      return base.request({ ...o, ...(tokenUri && url === GOOGLE_TOKEN_URL ? { url: tokenUri } : {}), ...(agent ? { agent } : {}) });
    };
    jwt.transporter = Object.assign(Object.create(base) as typeof base, { request });
  }
  return jwt;
}

interface GaxiosLikeError {
  status?: number;
  message: string;
  response?: { status?: number; headers?: { get?(name: string): string | null }; data?: unknown };
}

/** Google's error body: `{error: {code, message, errors: [{reason}]}}`. */
function reasonOf(data: unknown): string | null {
  if (typeof data !== 'object' || data === null) return null;
  const err = (data as { error?: { errors?: Array<{ reason?: unknown }>; status?: unknown } }).error;
  const first = err?.errors?.[0]?.reason;
  return typeof first === 'string' ? first : null;
}

function translate(e: unknown, what: string, now: () => number): never {
  const g = e as GaxiosLikeError;
  const status = g.response?.status ?? g.status ?? null;
  if (typeof status !== 'number') throw new ProviderRequestError(null, null, `${what}: ${g.message ?? String(e)}`);
  const retryAfter = parseRetryAfter(g.response?.headers?.get?.('retry-after'), now());
  throw new ProviderRequestError(status, reasonOf(g.response?.data), `${what}: HTTP ${status} ${g.message}`, retryAfter);
}

/** Google dates and times as the official client hands them over, narrowed to what the mapping reads. */
function event(e: calendar_v3.Schema$Event): GoogleEvent {
  return e as GoogleEvent;
}

/**
 * The Google Calendar and Admin SDK calls the provider makes, through the official clients.
 * Their own retries are off: the request runner owns backoff, so waits follow the injected clock
 * and every try counts against the budget.
 */
export function createGoogleApi(opts: { auth: OAuth2Client; apiRoot?: string; ca?: string; now?: () => number }): GoogleApi {
  const now = opts.now ?? Date.now;
  const rootUrl = opts.apiRoot ? (opts.apiRoot.endsWith('/') ? opts.apiRoot : `${opts.apiRoot}/`) : undefined;
  // The clients bundle their own copy of google-auth-library; its classes differ only in
  // private fields, and the client only calls the auth object's request methods.
  const auth = opts.auth as unknown as NonNullable<calendar_v3.Options['auth']>;
  // An extra CA (provider.caFile) for the API root: every request carries an agent that trusts it.
  const agent = opts.ca ? new Agent({ ca: opts.ca, keepAlive: true }) : undefined;
  const cal = calendar({ version: 'v3', auth, rootUrl, retry: false, ...(agent ? { agent } : {}) });
  const dir = admin({ version: 'directory_v1', auth, rootUrl, retry: false, ...(agent ? { agent } : {}) });
  const call = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      translate(e, what, now);
    }
  };
  return {
    listEvents: (calendarId, q) =>
      call(`events.list ${calendarId}`, async () => {
        const res = await cal.events.list({
          calendarId,
          singleEvents: true,
          maxResults: q.maxResults,
          pageToken: q.pageToken,
          syncToken: q.syncToken,
          timeMin: q.syncToken ? undefined : q.timeMin,
          showDeleted: q.syncToken ? undefined : false,
        });
        const page: GoogleEventPage = { items: (res.data.items ?? []).map(event) };
        if (res.data.nextPageToken) page.nextPageToken = res.data.nextPageToken;
        if (res.data.nextSyncToken) page.nextSyncToken = res.data.nextSyncToken;
        return page;
      }),
    getEvent: (calendarId, eventId) => call(`events.get ${eventId}`, async () => event((await cal.events.get({ calendarId, eventId })).data)),
    insertEvent: (calendarId, body, sendUpdates) =>
      call(`events.insert ${body.id ?? ''}`, async () =>
        event((await cal.events.insert({ calendarId, requestBody: body as calendar_v3.Schema$Event, ...(sendUpdates ? { sendUpdates } : {}) })).data),
      ),
    patchEvent: (calendarId, eventId, patch, etag, sendUpdates) =>
      call(`events.patch ${eventId}`, async () =>
        event(
          (
            await cal.events.patch(
              { calendarId, eventId, requestBody: patch as calendar_v3.Schema$Event, ...(sendUpdates ? { sendUpdates } : {}) },
              etag ? { headers: { 'If-Match': etag } } : {},
            )
          ).data,
        ),
      ),
    deleteEvent: (calendarId, eventId, sendUpdates) =>
      call(`events.delete ${eventId}`, async () => {
        await cal.events.delete({ calendarId, eventId, ...(sendUpdates ? { sendUpdates } : {}) });
      }),
    watch: (calendarId, ch) =>
      call(`events.watch ${calendarId}`, async () => {
        const res = await cal.events.watch({
          calendarId,
          requestBody: { id: ch.id, type: 'web_hook', address: ch.address, token: ch.token, params: { ttl: String(ch.ttlSecs) } },
        });
        const expiration = Number(res.data.expiration);
        const out: GoogleChannel = { id: res.data.id ?? ch.id, resourceId: res.data.resourceId ?? '', expiration: Number.isFinite(expiration) ? expiration : now() + ch.ttlSecs * 1000 };
        return out;
      }),
    stopChannel: (id, resourceId) =>
      call(`channels.stop ${id}`, async () => {
        await cal.channels.stop({ requestBody: { id, resourceId } });
      }),
    freeBusy: (calendarIds, timeMin, timeMax) =>
      call('freeBusy.query', async () => {
        const res = await cal.freebusy.query({ requestBody: { timeMin, timeMax, items: calendarIds.map((id) => ({ id })) } });
        const out = new Map<string, Array<{ start: string; end: string }> | null>();
        for (const id of calendarIds) {
          const c = res.data.calendars?.[id];
          out.set(id, !c || (c.errors?.length ?? 0) > 0 ? null : (c.busy ?? []).flatMap((b) => (b.start && b.end ? [{ start: b.start, end: b.end }] : [])));
        }
        return out;
      }),
    listResources: (customer) =>
      call('resources.calendars.list', async () => {
        const out: GoogleResource[] = [];
        let pageToken: string | undefined;
        do {
          const res = await dir.resources.calendars.list({ customer, pageToken, maxResults: 500 });
          for (const r of res.data.items ?? []) {
            if (!r.resourceId || !r.resourceEmail) continue;
            out.push({ id: r.resourceId, name: r.resourceName ?? r.resourceEmail, email: r.resourceEmail, capacity: typeof r.capacity === 'number' ? r.capacity : null });
          }
          pageToken = res.data.nextPageToken ?? undefined;
        } while (pageToken);
        return out;
      }),
  };
}
