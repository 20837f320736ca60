import { AuthenticationHandler, Client, GraphError } from '@microsoft/microsoft-graph-client';
import { parseRetryAfter, ProviderRequestError } from '../../sync/provider-error.js';
import { HttpsTransport } from './graph-transport.js';
import type { GraphApi, GraphDeltaPage, GraphEvent, GraphRoom, GraphScheduleItem, GraphSubscription } from './graph-types.js';

export const GRAPH_ROOT = 'https://graph.microsoft.com';

/** Times in UTC, so the mapping never needs Windows time-zone names; pages of at most 100. */
const PREFER = 'outlook.timezone="UTC", odata.maxpagesize=100';

function translate(e: unknown, what: string, now: () => number): never {
  if (e instanceof GraphError && e.statusCode > 0) {
    const retryAfter = parseRetryAfter(e.headers?.get('retry-after'), now());
    throw new ProviderRequestError(e.statusCode, e.code ?? null, `${what}: HTTP ${e.statusCode} ${e.code ?? ''} ${e.message}`.trim(), retryAfter);
  }
  // No HTTP answer at all (network, TLS, token endpoint): worth another try later.
  throw new ProviderRequestError(null, null, `${what}: ${(e as Error).message ?? String(e)}`);
}

function page(res: Record<string, unknown>): GraphDeltaPage {
  const out: GraphDeltaPage = { value: Array.isArray(res.value) ? (res.value as GraphEvent[]) : [] };
  if (typeof res['@odata.nextLink'] === 'string') out.nextLink = res['@odata.nextLink'];
  if (typeof res['@odata.deltaLink'] === 'string') out.deltaLink = res['@odata.deltaLink'];
  return out;
}

const user = (mailbox: string): string => `/users/${encodeURIComponent(mailbox)}`;

/**
 * The Graph calls the provider makes, through the official client. Its own retry and redirect
 * handlers are left out of the chain: the request runner owns backoff (waits follow the
 * injected clock, every try counts against the budget). The client only attaches the token
 * for hosts it knows, so another API root (a fake, a proxy) is added to its custom hosts.
 */
export function createGraphApi(opts: { getToken: () => Promise<string>; apiRoot?: string; ca?: string; now?: () => number }): GraphApi {
  const now = opts.now ?? Date.now;
  const root = (opts.apiRoot ?? GRAPH_ROOT).replace(/\/+$/, '');
  if (!root.startsWith('https://')) throw new Error(`provider.apiRoot: Graph is only called over https, got ${root}`);
  const transport = new HttpsTransport({ ca: opts.ca });
  const client = Client.initWithMiddleware({
    baseUrl: root,
    defaultVersion: 'v1.0',
    customHosts: new Set([new URL(root).hostname]),
    middleware: [new AuthenticationHandler({ getAccessToken: () => opts.getToken() }), transport],
  });
  const call = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      translate(e, what, now);
    }
  };
  return {
    deltaStart: (mailbox, startDateTime, endDateTime) =>
      call(`calendarView.delta ${mailbox}`, async () =>
        page((await client.api(`${user(mailbox)}/calendarView/delta`).query({ startDateTime, endDateTime }).header('Prefer', PREFER).get()) as Record<string, unknown>),
      ),
    deltaFollow: (link) => call('calendarView.delta (link)', async () => page((await client.api(link).header('Prefer', PREFER).get()) as Record<string, unknown>)),
    createEvent: (mailbox, body) =>
      call(`events.create ${mailbox}`, async () => (await client.api(`${user(mailbox)}/events`).header('Prefer', PREFER).post(body)) as GraphEvent),
    getEvent: (mailbox, id, expandProperty) =>
      call(`events.get ${id}`, async () => {
        const req = client.api(`${user(mailbox)}/events/${encodeURIComponent(id)}`).header('Prefer', PREFER);
        if (expandProperty) req.expand(`singleValueExtendedProperties($filter=id eq '${expandProperty}')`);
        return (await req.get()) as GraphEvent;
      }),
    calendarView: (mailbox, startDateTime, endDateTime) =>
      call(`calendarView ${mailbox}`, async () => {
        const res = (await client.api(`${user(mailbox)}/calendarView`).query({ startDateTime, endDateTime }).top(50).header('Prefer', PREFER).get()) as { value?: GraphEvent[] };
        return res.value ?? [];
      }),
    getSchedule: (asMailbox, mailboxes, startDateTime, endDateTime) =>
      call(`getSchedule (${mailboxes.length} mailboxes)`, async () => {
        const res = (await client
          .api(`${user(asMailbox)}/calendar/getSchedule`)
          .header('Prefer', PREFER)
          .post({ schedules: mailboxes, startTime: { dateTime: startDateTime.slice(0, 19), timeZone: 'UTC' }, endTime: { dateTime: endDateTime.slice(0, 19), timeZone: 'UTC' }, availabilityViewInterval: 15 })) as {
          value?: Array<{ scheduleId?: string; scheduleItems?: GraphScheduleItem[]; error?: unknown }>;
        };
        const out = new Map<string, GraphScheduleItem[] | null>();
        for (const m of mailboxes) {
          const found = res.value?.find((v) => v.scheduleId?.toLowerCase() === m.toLowerCase());
          out.set(m, !found || found.error ? null : (found.scheduleItems ?? []));
        }
        return out;
      }),
    patchEvent: (mailbox, id, patch) =>
      call(`events.update ${id}`, async () => (await client.api(`${user(mailbox)}/events/${encodeURIComponent(id)}`).header('Prefer', PREFER).patch(patch)) as GraphEvent),
    cancelEvent: (mailbox, id, comment) =>
      call(`events.cancel ${id}`, async () => {
        await client.api(`${user(mailbox)}/events/${encodeURIComponent(id)}/cancel`).post({ comment });
      }),
    declineEvent: (mailbox, id, comment) =>
      call(`events.decline ${id}`, async () => {
        await client.api(`${user(mailbox)}/events/${encodeURIComponent(id)}/decline`).post({ comment, sendResponse: true });
      }),
    createSubscription: (body) =>
      call(`subscriptions.create ${body.resource}`, async () => subscription((await client.api('/subscriptions').post(body)) as Record<string, unknown>)),
    renewSubscription: (id, expirationDateTime) =>
      call(`subscriptions.update ${id}`, async () => subscription((await client.api(`/subscriptions/${encodeURIComponent(id)}`).patch({ expirationDateTime })) as Record<string, unknown>)),
    reauthorizeSubscription: (id) =>
      call(`subscriptions.reauthorize ${id}`, async () => {
        await client.api(`/subscriptions/${encodeURIComponent(id)}/reauthorize`).post({});
      }),
    deleteSubscription: (id) =>
      call(`subscriptions.delete ${id}`, async () => {
        await client.api(`/subscriptions/${encodeURIComponent(id)}`).delete();
      }),
    listRooms: () =>
      call('places.rooms', async () => {
        const out: GraphRoom[] = [];
        let link: string | undefined = '/places/microsoft.graph.room';
        while (link) {
          const res = (await client.api(link).get()) as { value?: Array<Record<string, unknown>>; '@odata.nextLink'?: string };
          for (const r of res.value ?? []) {
            if (typeof r.id !== 'string') continue;
            const email = typeof r.emailAddress === 'string' ? r.emailAddress : null;
            out.push({ id: r.id, displayName: typeof r.displayName === 'string' ? r.displayName : (email ?? r.id), emailAddress: email, capacity: typeof r.capacity === 'number' ? r.capacity : null });
          }
          link = res['@odata.nextLink'];
        }
        return out;
      }),
    close: () => transport.close(),
  };
}

function subscription(r: Record<string, unknown>): GraphSubscription {
  if (typeof r.id !== 'string' || typeof r.expirationDateTime !== 'string') throw new ProviderRequestError(502, null, 'subscription answer without id or expirationDateTime');
  return { id: r.id, resource: typeof r.resource === 'string' ? r.resource : '', expirationDateTime: r.expirationDateTime };
}
