import * as z from 'zod';
import { DoorplateError, isDoorplateError } from '../../../shared/errors.js';
import type { CalendarProvider, ProviderChannel } from '../../providers/provider.js';
import { ProviderRequestError } from '../../sync/provider-error.js';
import type { HttpApp } from '../app.js';
import { parse } from '../validate.js';

const NoQuery = z.strictObject({});
const RenewQuery = z.strictObject({ all: z.enum(['true', 'false']).optional() });
const ChannelParams = z.strictObject({ id: z.string().min(1).max(200) });

/** What the admin sees of a push channel: where it points and when it runs out, never its token. */
function view(c: ProviderChannel): { id: string; room: string; provider: string; expiresAt: string } {
  return { id: c.id, room: c.roomId, provider: c.provider, expiresAt: new Date(c.expiresAt).toISOString() };
}

/**
 * A provider's own refusal (a missing scope, an unknown customer) reaches the admin with its
 * words: a 4xx from the provider is PROVIDER_REFUSED with its reason, anything else unavailable.
 */
async function fromProvider<T>(kind: string, what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (isDoorplateError(e)) throw e;
    if (e instanceof ProviderRequestError && e.status !== null && e.status >= 400 && e.status < 500) {
      throw new DoorplateError('PROVIDER_REFUSED', `${kind} ${what}: refused (${e.reason ?? `HTTP ${e.status}`}): ${e.message}`, { status: e.status, reason: e.reason });
    }
    throw new DoorplateError('PROVIDER_UNAVAILABLE', `${kind} ${what}: ${(e as Error).message}`);
  }
}

/**
 * The calendar provider's side for the admin: its room resources (to fill in rooms[].calendar)
 * and its push subscriptions (list, stop, renew). Provider-neutral: a provider without a
 * directory answers with the configured rooms' view it has, one without push with no channels.
 */
export function providerRoutes(app: HttpApp, deps: { provider: CalendarProvider }): void {
  const { provider } = deps;

  app.get('/resources', async (req) => {
    parse(NoQuery, req.query, 'query');
    if (!provider.listResources) throw new DoorplateError('NOT_FOUND', `the ${provider.kind} provider has no room directory`);
    const list = provider.listResources.bind(provider);
    return { provider: provider.kind, resources: await fromProvider(provider.kind, 'resources', list) };
  });

  app.get('/subscriptions', async (req) => {
    parse(NoQuery, req.query, 'query');
    return { provider: provider.kind, subscriptions: (provider.listChannels?.() ?? []).map(view) };
  });

  app.delete('/subscriptions', async (req) => {
    parse(NoQuery, req.query, 'query');
    const stopAll = provider.stopAllChannels?.bind(provider);
    return { stopped: stopAll ? await fromProvider(provider.kind, 'stopping channels', stopAll) : 0 };
  });

  app.delete('/subscriptions/:id', async (req, reply) => {
    const { id } = parse(ChannelParams, req.params, 'params');
    parse(NoQuery, req.query, 'query');
    const stop = provider.stopChannel?.bind(provider);
    const stopped = stop ? await fromProvider(provider.kind, `stopping channel ${id}`, () => stop(id)) : false;
    if (!stopped) throw new DoorplateError('NOT_FOUND', `no subscription ${JSON.stringify(id)}`);
    return reply.status(204).send();
  });

  app.post('/subscriptions/renew', async (req) => {
    const { all } = parse(RenewQuery, req.query, 'query');
    const renew = provider.renewChannels?.bind(provider);
    if (!renew) throw new DoorplateError('NOT_FOUND', `the ${provider.kind} provider has no push subscriptions`);
    const result = await fromProvider(provider.kind, 'renewing channels', () => renew({ all: all === 'true' }));
    return { opened: result.opened.map(view), failed: result.failed.map((f) => ({ room: f.roomId, error: f.error })) };
  });
}
