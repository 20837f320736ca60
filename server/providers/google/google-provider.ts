import type { Clock } from '../../../shared/clock.js';
import type { GoogleProviderConfig } from '../../../shared/config/schema.js';
import { DoorplateError } from '../../../shared/errors.js';
import type { Logger } from '../../../shared/logger.js';
import type { Store } from '../../store/store.js';
import { ProviderRequestError } from '../../sync/provider-error.js';
import { RemoteCalendar } from '../../sync/remote-calendar.js';
import type { WebhookAnswer, WebhookRequest } from '../../webhooks/webhook-server.js';
import type { ChannelRenewal, ProviderChannel, ProviderResource, StoredChannel } from '../provider.js';
import { GoogleAdapter } from './google-adapter.js';
import { GoogleChannels } from './google-channels.js';
import { GOOGLE, GoogleSync } from './google-sync.js';
import type { GoogleApi } from './google-types.js';
import type { GoogleWrite } from './google-writes.js';

export interface GoogleProviderDeps {
  api: GoogleApi;
  store: Store;
  clock: Clock;
  config: GoogleProviderConfig;
  log: Logger;
  defaultTimeZone?: string;
  random?: () => number;
}

/**
 * Google Workspace rooms on the remote core: each room's resource calendar is copied into the
 * store (full, then incremental sync), triggered by push channels, a poll and the freeBusy
 * safety net. Writes use client-chosen event ids, so a repeat is harmless. Adds to the core the
 * push channels, their webhook, and the room directory.
 */
export class GoogleProvider extends RemoteCalendar<GoogleWrite> {
  readonly channels: GoogleChannels | null;

  private readonly g: GoogleProviderDeps;

  constructor(g: GoogleProviderDeps) {
    super({ ...g, name: GOOGLE }, ({ runner, rooms }) => {
      const { api, store, clock, log, config } = g;
      const channels = config.webhook
        ? new GoogleChannels({ api, runner, store, clock, log, address: `${config.webhook.publicUrl.replace(/\/$/, '')}/webhooks/google`, rooms, random: g.random })
        : null;
      const syncer = new GoogleSync({ api, runner, store, clock, log });
      return new GoogleAdapter({ api, runner, store, config, syncer, push: channels });
    });
    this.g = g;
    this.channels = (this.adapter as GoogleAdapter).channels;
  }

  async listResources(): Promise<ProviderResource[]> {
    const list = await this.runner.run('resources.list', () => this.g.api.listResources(this.g.config.customer));
    return list.map((r) => ({ id: r.id, name: r.name, email: r.email, capacity: r.capacity }));
  }

  listChannels(): ProviderChannel[] {
    return (this.channels?.list() ?? []).map((c) => ({ id: c.id, roomId: c.roomId, provider: c.provider, expiresAt: c.expiresAt }));
  }

  async stopChannel(id: string): Promise<boolean> {
    return (await this.channels?.stopById(id)) ?? false;
  }

  async stopAllChannels(): Promise<number> {
    return (await this.channels?.stopAll()) ?? 0;
  }

  async renewChannels(opts: { all: boolean }): Promise<ChannelRenewal> {
    if (!this.channels) throw new DoorplateError('NOT_FOUND', 'Google push channels are off: set provider.webhook to use them');
    return this.channels.renewDue(opts.all);
  }

  /** Each is stopped at Google on its own; one Google will not stop is left to run out (a week at most), and its notifications are answered and stopped as strays. */
  async stopRemovedChannels(channels: readonly StoredChannel[]): Promise<void> {
    const ours = channels.filter((c) => c.provider === GOOGLE);
    for (const c of ours) {
      try {
        await this.runner.run('channels.stop', () => this.g.api.stopChannel(c.id, c.resourceId ?? ''));
        this.g.log.info({ room: c.roomId, channel: c.id }, 'push channel of a removed room stopped');
      } catch (e) {
        if (e instanceof ProviderRequestError && e.status === 404) continue;
        this.g.log.warn({ room: c.roomId, channel: c.id, err: (e as Error).message }, 'could not stop the push channel of a removed room');
      }
    }
  }

  /** `POST /webhooks/google`: verify, record the room as due for a sync, answer, then sync. */
  async notification(req: WebhookRequest): Promise<WebhookAnswer> {
    const channels = this.channels;
    if (!channels) return { status: 404 };
    const notice = channels.verify(req.headers);
    if (notice.kind === 'refused') {
      this.g.log.warn({ remote: req.remote, why: notice.why }, 'refused a Google notification');
      return { status: 401 };
    }
    if (notice.kind === 'unknown') {
      this.g.log.warn({ remote: req.remote, channel: notice.channelId }, 'notification for a channel we do not hold; stopping it');
      return { status: 200, after: () => channels.stopChannel({ id: notice.channelId, resourceId: notice.resourceId }) };
    }
    // The first message on a channel only says it works.
    if (notice.state === 'sync') return { status: 200 };
    const id = this.queuePushSync(notice.roomId, { channel: notice.channelId });
    return { status: 200, after: () => this.sendQueued(id) };
  }
}
