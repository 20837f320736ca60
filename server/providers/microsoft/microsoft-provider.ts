import type { Clock } from '../../../shared/clock.js';
import type { MicrosoftProviderConfig } from '../../../shared/config/schema.js';
import type { Logger } from '../../../shared/logger.js';
import type { Store } from '../../store/store.js';
import { RemoteCalendar } from '../../sync/remote-calendar.js';
import type { WebhookAnswer, WebhookRequest } from '../../webhooks/webhook-server.js';
import { DoorplateError } from '../../../shared/errors.js';
import type { TimerHandle } from '../../../shared/clock.js';
import type { ChannelRenewal, ProviderChannel, ProviderResource, StoredChannel } from '../provider.js';
import { ProviderRequestError } from '../../sync/provider-error.js';
import { BookingIds } from './booking-ids.js';
import { GraphAdapter } from './graph-adapter.js';
import { GraphSubscriptions, notificationsOf } from './graph-subscriptions.js';
import { GraphSync, MICROSOFT } from './graph-sync.js';
import type { GraphApi } from './graph-types.js';
import type { GraphWrite } from './graph-writes.js';
import { MailboxLimit } from './mailbox-limit.js';

export interface MicrosoftProviderDeps {
  api: GraphApi;
  store: Store;
  clock: Clock;
  config: MicrosoftProviderConfig;
  log: Logger;
  defaultTimeZone?: string;
  random?: () => number;
}

/** Graph's limit of concurrent requests per mailbox. */
const PER_MAILBOX = 4;
const DAY = 86_400_000;

/**
 * Microsoft 365 room mailboxes on the remote core: each room mailbox's calendar view is copied
 * into the store through delta queries, triggered by change notifications, a poll and the
 * safety net. Adds to the core the subscriptions, their webhook (notifications, lifecycle
 * events, the validation handshake) and the room directory.
 */
export class MicrosoftProvider extends RemoteCalendar<GraphWrite> {
  readonly limit: MailboxLimit;
  readonly subscriptions: GraphSubscriptions | null;
  readonly ids: BookingIds;
  private readonly m: MicrosoftProviderDeps;
  private dayTimer: TimerHandle | null = null;

  constructor(m: MicrosoftProviderDeps) {
    const limit = new MailboxLimit(PER_MAILBOX);
    const ids = new BookingIds(m.store.settings);
    super({ ...m, name: MICROSOFT }, ({ runner, rooms }) => {
      const { api, store, clock, log, config } = m;
      const run = <T>(mailbox: string, fn: () => Promise<T>): Promise<T> => limit.run(mailbox, fn);
      const base = config.webhook?.publicUrl.replace(/\/$/, '');
      const subscriptions = base
        ? new GraphSubscriptions({
            api,
            runner,
            store,
            clock,
            log,
            notificationUrl: `${base}/webhooks/microsoft`,
            lifecycleUrl: `${base}/webhooks/microsoft/lifecycle`,
            rooms: () => rooms().map((r) => ({ id: r.id, mailbox: r.calendar })),
            random: m.random,
          })
        : null;
      const syncer = new GraphSync({ api, runner, store, clock, log, ids, limit: run });
      return new GraphAdapter({ api, runner, ids, syncer, limit: run, subscriptions });
    });
    this.m = m;
    this.limit = limit;
    this.ids = ids;
    this.subscriptions = (this.adapter as GraphAdapter).subscriptions;
  }

  override async start(): Promise<void> {
    await super.start();
    this.armDay();
  }

  override async stop(): Promise<void> {
    this.m.clock.clearTimeout(this.dayTimer);
    this.dayTimer = null;
    await super.stop();
    this.m.api.close();
  }

  /**
   * The delta window starts at yesterday's midnight (UTC) and reaches 15 days on; it moves with
   * the clock: just after each midnight every room syncs, so its window slides (a fresh delta)
   * even when nothing in it changed, and a meeting booked far ahead comes into view on time.
   */
  private armDay(): void {
    const now = this.m.clock.now();
    const next = now - (now % DAY) + DAY + 60_000;
    this.dayTimer = this.m.clock.setTimeout(() => {
      for (const r of this.rooms()) void this.requestSync(r.id);
      this.armDay();
    }, next - now);
  }

  listChannels(): ProviderChannel[] {
    return (this.subscriptions?.list() ?? []).map((c) => ({ id: c.id, roomId: c.roomId, provider: c.provider, expiresAt: c.expiresAt }));
  }

  /** Deletes one subscription at Graph and forgets it; false when we hold no such subscription. */
  async stopChannel(id: string): Promise<boolean> {
    const subs = this.subscriptions;
    const c = this.m.store.pushChannels.get(id);
    if (!subs || !c || c.provider !== MICROSOFT) return false;
    await subs.remove(id);
    return true;
  }

  /** Subscriptions of rooms no longer configured: deleted at Graph, or Graph keeps notifying until they expire. */
  async stopRemovedChannels(channels: readonly StoredChannel[]): Promise<void> {
    for (const c of channels.filter((x) => x.provider === MICROSOFT)) {
      try {
        await this.runner.run('subscriptions.delete', () => this.m.api.deleteSubscription(c.id));
        this.m.log.info({ room: c.roomId, subscription: c.id }, 'subscription of a removed room deleted');
      } catch (e) {
        if (e instanceof ProviderRequestError && e.status === 404) continue;
        this.m.log.warn({ room: c.roomId, subscription: c.id, err: (e as Error).message }, 'could not delete the subscription of a removed room');
      }
    }
  }

  async stopAllChannels(): Promise<number> {
    return (await this.subscriptions?.removeAll()) ?? 0;
  }

  async renewChannels(opts: { all: boolean }): Promise<ChannelRenewal> {
    if (!this.subscriptions) throw new DoorplateError('NOT_FOUND', 'Graph subscriptions are off: set provider.webhook to use them');
    return this.subscriptions.renewDue(opts.all);
  }

  async listResources(): Promise<ProviderResource[]> {
    const rooms = await this.runner.run('places.rooms', () => this.m.api.listRooms());
    return rooms.map((r) => ({ id: r.id, name: r.displayName, email: r.emailAddress, capacity: r.capacity }));
  }

  /**
   * `POST /webhooks/microsoft`: the validation handshake, or change notifications. Each verified
   * notification records its room as due for a sync (outbox) before the 202 goes out; the syncs
   * run after the answer. Forged ones (wrong clientState) are logged and not acted on.
   */
  notification(req: WebhookRequest): WebhookAnswer {
    const handshake = validation(req);
    if (handshake) return handshake;
    const subs = this.subscriptions;
    if (!subs) return { status: 404 };
    const items = notificationsOf(req.body);
    if (!items) return { status: 400, body: 'body: expected {"value": [...]}' };
    const rooms = new Set<string>();
    const strays = new Set<string>();
    let refused = 0;
    for (const item of items) {
      const c = subs.check(item);
      if (c.kind === 'ok') rooms.add(c.roomId);
      // Not ours any more (its room was removed, and the row with it): only our own app can delete it at Graph.
      else if (c.kind === 'unknown') strays.add(c.subscriptionId);
      else {
        refused++;
        this.m.log.warn({ remote: req.remote, why: c.why }, 'refused a Graph notification');
      }
    }
    if (rooms.size === 0 && strays.size === 0 && refused > 0) return { status: 403 };
    for (const id of strays) this.m.log.warn({ remote: req.remote, subscription: id }, 'notification for a subscription we do not hold; deleting it');
    const ids = [...rooms].map((roomId) => this.queuePushSync(roomId, { reason: 'notification' }));
    return { status: 202, after: () => Promise.all([...ids.map((id) => this.sendQueued(id)), ...[...strays].map((id) => subs.remove(id))]) };
  }

  /** `POST /webhooks/microsoft/lifecycle`: the validation handshake, or lifecycle events. */
  lifecycle(req: WebhookRequest): WebhookAnswer {
    const handshake = validation(req);
    if (handshake) return handshake;
    const subs = this.subscriptions;
    if (!subs) return { status: 404 };
    const items = notificationsOf(req.body);
    if (!items) return { status: 400, body: 'body: expected {"value": [...]}' };
    const work: Array<() => Promise<unknown>> = [];
    let accepted = 0;
    for (const item of items) {
      const c = subs.check(item);
      if (c.kind !== 'ok') {
        this.m.log.warn({ remote: req.remote, ...(c.kind === 'refused' ? { why: c.why } : { subscription: c.subscriptionId }) }, 'refused a Graph lifecycle notification');
        continue;
      }
      accepted++;
      const { roomId, subscriptionId } = c;
      this.m.log.info({ room: roomId, subscription: subscriptionId, event: item.lifecycleEvent }, 'Graph lifecycle event');
      switch (item.lifecycleEvent) {
        case 'reauthorizationRequired':
          work.push(() => subs.reauthorize(subscriptionId));
          break;
        case 'subscriptionRemoved': {
          const id = this.queuePushSync(roomId, { reason: 'notification' });
          work.push(async () => {
            await subs.replace(subscriptionId);
            await this.sendQueued(id);
          });
          break;
        }
        case 'missed': {
          const id = this.queuePushSync(roomId, { reason: 'notification' });
          work.push(() => this.sendQueued(id));
          break;
        }
        default:
          this.m.log.warn({ event: item.lifecycleEvent }, 'unknown Graph lifecycle event; ignored');
      }
    }
    if (accepted === 0 && items.length > 0) return { status: 403 };
    return { status: 202, after: async () => Promise.all(work.map((w) => w())) };
  }
}

/** Graph proves an endpoint by POSTing `?validationToken=`: echo it, decoded, as plain text. */
function validation(req: WebhookRequest): WebhookAnswer | null {
  const token = req.query.get('validationToken');
  if (token === null) return null;
  return { status: 200, body: token, contentType: 'text/plain; charset=utf-8' };
}
