import type { Clock } from '../../../shared/clock.js';
import type { Logger } from '../../../shared/logger.js';
import { newSecret, sha256Hex, verifySha256 } from '../../security/secrets.js';
import type { PushChannel } from '../../store/repos/push-channels.js';
import type { Store } from '../../store/store.js';
import { ProviderRequestError } from '../../sync/provider-error.js';
import type { ChannelRenewal } from '../provider.js';
import { PushRenewals } from '../../sync/push-renewals.js';
import type { RequestRunner } from '../../sync/request-runner.js';
import type { GraphApi } from './graph-types.js';
import { MICROSOFT } from './graph-sync.js';

const MINUTE = 60_000;
/** Graph's longest lifetime for an event subscription. */
export const MAX_SUBSCRIPTION_MINUTES = 10_080;

/** One item of a notification or lifecycle POST body (`{value: [...]}`). */
export interface GraphNotification {
  subscriptionId?: string;
  clientState?: string;
  changeType?: string;
  lifecycleEvent?: string;
  resource?: string;
}

export type CheckedNotification =
  | { kind: 'ok'; roomId: string; subscriptionId: string; item: GraphNotification }
  | { kind: 'unknown'; subscriptionId: string }
  | { kind: 'refused'; why: string };

/** Reads `{value: [...]}`; null when the body is not one. */
export function notificationsOf(body: string): GraphNotification[] | null {
  try {
    const parsed = JSON.parse(body) as { value?: unknown };
    return Array.isArray(parsed.value) ? (parsed.value.filter((v) => typeof v === 'object' && v !== null) as GraphNotification[]) : null;
  } catch {
    return null;
  }
}

/**
 * Graph change subscriptions, one per room mailbox's events. Each gets a random clientState,
 * stored only as a hash; a notification counts only when its subscription is ours and its
 * clientState matches (compared in constant time). Subscriptions are renewed (PATCH) a day
 * before they run out, recreated when Graph has forgotten them, and deleted for rooms no longer
 * configured.
 */
export class GraphSubscriptions {
  private readonly renewals: PushRenewals<{ id: string; mailbox: string }>;
  /** Subscriptions being created: Graph may notify before the create call answers. clientState -> room. */
  private readonly creating = new Map<string, string>();

  constructor(
    private readonly deps: {
      api: GraphApi;
      runner: RequestRunner;
      store: Store;
      clock: Clock;
      log: Logger;
      notificationUrl: string;
      lifecycleUrl: string;
      rooms: () => ReadonlyArray<{ id: string; mailbox: string }>;
      lifetimeMinutes?: number;
      renewBeforeMs?: number;
      random?: () => number;
    },
  ) {
    const m = deps.lifetimeMinutes ?? 4_320;
    if (m < 45 || m > MAX_SUBSCRIPTION_MINUTES) throw new RangeError(`subscription lifetime: must be 45 to ${MAX_SUBSCRIPTION_MINUTES} minutes, got ${m}`);
    this.renewals = new PushRenewals({
      clock: deps.clock,
      log: deps.log,
      random: deps.random,
      renewBeforeMs: this.renewBefore,
      channels: () => this.list(),
      rooms: deps.rooms,
      ensure: async (room, all) => {
        const c = await this.ensure(room.id, room.mailbox, all);
        return c ? { id: c.id, roomId: c.roomId, provider: c.provider, expiresAt: c.expiresAt } : null;
      },
      drop: (c) => this.remove(c.id),
      what: 'subscribe to the room mailbox',
    });
  }

  private get renewBefore(): number {
    return this.deps.renewBeforeMs ?? 24 * 60 * MINUTE;
  }

  list(): PushChannel[] {
    return this.deps.store.pushChannels.list({ provider: MICROSOFT });
  }

  async start(): Promise<void> {
    await this.renewals.start();
  }

  stop(): void {
    this.renewals.stop();
  }

  /**
   * Subscribes rooms without one, renews those close to running out (every one with `all`),
   * drops those of removed rooms. A room that fails is tried again with backoff.
   */
  renewDue(all = false): Promise<ChannelRenewal> {
    return this.renewals.renewDue(all);
  }

  private expiry(): string {
    return new Date(this.deps.clock.now() + (this.deps.lifetimeMinutes ?? 4_320) * MINUTE).toISOString();
  }

  /** The room's subscription after this: renewed or made (null when it had long enough to run). */
  async ensure(roomId: string, mailbox: string, force = false): Promise<PushChannel | null> {
    const now = this.deps.clock.now();
    const existing = this.deps.store.pushChannels.list({ roomId, provider: MICROSOFT });
    if (!force && existing.some((c) => c.expiresAt > now + this.renewBefore)) return null;
    for (const c of existing) {
      if (c.expiresAt > now && (await this.renew(c.id))) return this.deps.store.pushChannels.get(c.id);
      this.deps.store.pushChannels.remove(c.id);
    }
    return this.create(roomId, mailbox);
  }

  async create(roomId: string, mailbox: string): Promise<PushChannel> {
    const clientState = newSecret();
    const resource = `/users/${mailbox}/events`;
    this.creating.set(clientState, roomId);
    let sub;
    try {
      sub = await this.deps.runner.run('subscriptions.create', () =>
        this.deps.api.createSubscription({
          changeType: 'created,updated,deleted',
          notificationUrl: this.deps.notificationUrl,
          lifecycleNotificationUrl: this.deps.lifecycleUrl,
          resource,
          expirationDateTime: this.expiry(),
          clientState,
        }),
      );
    } finally {
      this.creating.delete(clientState);
    }
    const expiresAt = Date.parse(sub.expirationDateTime);
    const c = this.deps.store.pushChannels.add({ id: sub.id, roomId, provider: MICROSOFT, resourceId: resource, tokenHash: sha256Hex(clientState), expiresAt });
    this.deps.log.info({ room: roomId, subscription: sub.id, expiresAt: sub.expirationDateTime }, 'subscribed to the room mailbox');
    return c;
  }

  /** Extends a subscription; false when Graph no longer has it. */
  async renew(id: string): Promise<boolean> {
    try {
      const sub = await this.deps.runner.run('subscriptions.renew', () => this.deps.api.renewSubscription(id, this.expiry()));
      this.deps.store.pushChannels.setExpiry(id, Date.parse(sub.expirationDateTime));
      return true;
    } catch (e) {
      if (e instanceof ProviderRequestError && e.status === 404) return false;
      throw e;
    }
  }

  /** `reauthorizationRequired`: reauthorize, or renew when Graph will not. */
  async reauthorize(id: string): Promise<void> {
    try {
      await this.deps.runner.run('subscriptions.reauthorize', () => this.deps.api.reauthorizeSubscription(id));
    } catch (e) {
      this.deps.log.warn({ subscription: id, err: (e as Error).message }, 'reauthorize failed; renewing instead');
      const c = this.deps.store.pushChannels.get(id);
      if (!(await this.renew(id)) && c) {
        this.deps.store.pushChannels.remove(id);
        const mailbox = this.deps.rooms().find((r) => r.id === c.roomId)?.mailbox;
        if (mailbox) await this.create(c.roomId, mailbox);
      }
    }
  }

  /** `subscriptionRemoved`: Graph dropped it; forget it and subscribe again. */
  async replace(id: string): Promise<void> {
    const c = this.deps.store.pushChannels.get(id);
    this.deps.store.pushChannels.remove(id);
    const mailbox = c ? this.deps.rooms().find((r) => r.id === c.roomId)?.mailbox : undefined;
    if (c && mailbox) await this.create(c.roomId, mailbox);
    this.renewals.arm();
  }

  async remove(id: string): Promise<void> {
    try {
      await this.deps.runner.run('subscriptions.delete', () => this.deps.api.deleteSubscription(id));
    } catch (e) {
      // Already gone at Graph (expired, removed): forgetting it is all that is left.
      if (!(e instanceof ProviderRequestError && e.status === 404)) throw e;
    }
    this.deps.store.pushChannels.remove(id);
  }

  async removeRoom(roomId: string): Promise<void> {
    for (const c of this.deps.store.pushChannels.list({ roomId, provider: MICROSOFT })) await this.remove(c.id);
  }

  async removeAll(): Promise<number> {
    const all = this.list();
    for (const c of all) await this.remove(c.id);
    return all.length;
  }

  check(item: GraphNotification): CheckedNotification {
    const subscriptionId = item.subscriptionId ?? '';
    if (!subscriptionId) return { kind: 'refused', why: 'notification without subscriptionId' };
    const c = this.deps.store.pushChannels.get(subscriptionId);
    if (!c || c.provider !== MICROSOFT) {
      // A notification that overtook the answer to its create call: its clientState is one we are waiting for.
      for (const [state, roomId] of this.creating) if (verifySha256(item.clientState ?? '', sha256Hex(state))) return { kind: 'ok', roomId, subscriptionId, item };
      return { kind: 'unknown', subscriptionId };
    }
    if (c.tokenHash === null || !verifySha256(item.clientState ?? '', c.tokenHash)) return { kind: 'refused', why: `wrong clientState for subscription ${subscriptionId}` };
    return { kind: 'ok', roomId: c.roomId, subscriptionId, item };
  }
}
