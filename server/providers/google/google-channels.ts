import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Clock } from '../../../shared/clock.js';
import type { Logger } from '../../../shared/logger.js';
import { sha256Hex, verifySha256 } from '../../security/secrets.js';
import type { PushChannel } from '../../store/repos/push-channels.js';
import type { Store } from '../../store/store.js';
import type { ChannelRenewal, ProviderChannel } from '../provider.js';
import { ProviderRequestError } from '../../sync/provider-error.js';
import { PushRenewals } from '../../sync/push-renewals.js';
import type { RequestRunner } from '../../sync/request-runner.js';
import type { GoogleApi } from './google-types.js';
import { GOOGLE } from './google-sync.js';

const HOUR = 3_600_000;

export type GoogleNotice =
  | { kind: 'ok'; roomId: string; state: string; channelId: string }
  | { kind: 'unknown'; channelId: string; resourceId: string }
  | { kind: 'refused'; why: string };

function header(h: IncomingHttpHeaders, name: string): string {
  const v = h[name];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
}

/**
 * Google push channels, one per room. Google never renews a channel: before one runs out a
 * new one is opened, both overlap for a moment, then the old one is stopped. Each channel has
 * its own random token, stored only as a hash; a notification counts only when its channel id
 * is ours and its token matches (in constant time).
 */
export class GoogleChannels {
  private readonly renewals: PushRenewals<{ id: string; calendar: string }>;

  constructor(
    private readonly deps: {
      api: GoogleApi;
      runner: RequestRunner;
      store: Store;
      clock: Clock;
      log: Logger;
      address: string;
      ttlSecs?: number;
      renewBeforeMs?: number;
      random?: () => number;
      rooms: () => ReadonlyArray<{ id: string; calendar: string }>;
    },
  ) {
    this.renewals = new PushRenewals({
      clock: deps.clock,
      log: deps.log,
      random: deps.random,
      renewBeforeMs: this.renewBefore,
      channels: () => this.list(),
      rooms: deps.rooms,
      ensure: (room, force) => this.ensure(room.id, room.calendar, force),
      drop: (c) => this.stopChannel(c),
      what: 'open a push channel',
    });
  }

  private get renewBefore(): number {
    return this.deps.renewBeforeMs ?? 24 * HOUR;
  }

  list(): PushChannel[] {
    return this.deps.store.pushChannels.list({ provider: GOOGLE });
  }

  async start(): Promise<void> {
    await this.renewals.start();
  }

  stop(): void {
    this.renewals.stop();
  }

  /**
   * Opens channels for rooms without a live one and replaces those close to running out (every
   * one with `force`); stops those of removed rooms. A room that fails is logged and reported;
   * the others go on.
   */
  renewDue(force = false): Promise<ChannelRenewal> {
    return this.renewals.renewDue(force);
  }

  /** Returns the channel it opened, or null when the room's channel has long enough to run. */
  async ensure(roomId: string, calendarId: string, force = false): Promise<ProviderChannel | null> {
    const now = this.deps.clock.now();
    const existing = this.deps.store.pushChannels.list({ roomId, provider: GOOGLE });
    if (!force && existing.some((c) => c.expiresAt > now + this.renewBefore)) return null;
    const id = `dp${randomBytes(16).toString('hex')}`;
    const token = randomBytes(32).toString('base64url');
    const ttlSecs = this.deps.ttlSecs ?? 604_800;
    // Recorded before the call: Google may send the channel's first message before watch answers,
    // and a message for a channel we do not know is answered by stopping that channel.
    this.deps.store.pushChannels.add({ id, roomId, provider: GOOGLE, resourceId: null, tokenHash: sha256Hex(token), expiresAt: now + ttlSecs * 1000 });
    let ch;
    try {
      ch = await this.deps.runner.run('channels.watch', () => this.deps.api.watch(calendarId, { id, token, address: this.deps.address, ttlSecs }));
    } catch (e) {
      this.deps.store.pushChannels.remove(id);
      throw e;
    }
    this.deps.store.pushChannels.setOpened(id, ch.resourceId, ch.expiration);
    this.deps.log.info({ room: roomId, channel: id, expiresAt: new Date(ch.expiration).toISOString() }, 'push channel opened');
    for (const old of existing) await this.stopChannel(old);
    return { id, roomId, provider: GOOGLE, expiresAt: ch.expiration };
  }

  async stopChannel(c: Pick<PushChannel, 'id' | 'resourceId'>): Promise<void> {
    try {
      await this.deps.runner.run('channels.stop', () => this.deps.api.stopChannel(c.id, c.resourceId ?? ''));
    } catch (e) {
      // Already gone at Google (expired, stopped before): forgetting it is all that is left.
      if (!(e instanceof ProviderRequestError && e.status === 404)) throw e;
    }
    this.deps.store.pushChannels.remove(c.id);
  }

  async stopRoom(roomId: string): Promise<void> {
    for (const c of this.deps.store.pushChannels.list({ roomId, provider: GOOGLE })) await this.stopChannel(c);
  }

  /** Stops the channel with this id; false when we hold no such Google channel. */
  async stopById(id: string): Promise<boolean> {
    const c = this.deps.store.pushChannels.get(id);
    if (!c || c.provider !== GOOGLE) return false;
    await this.stopChannel(c);
    return true;
  }

  /** Stops every channel; the renewal timer is set again for what is left (nothing), so they stay stopped until a renewal run. */
  async stopAll(): Promise<number> {
    const all = this.list();
    try {
      for (const c of all) await this.stopChannel(c);
    } finally {
      this.renewals.arm();
    }
    return all.length;
  }

  verify(headers: IncomingHttpHeaders): GoogleNotice {
    const channelId = header(headers, 'x-goog-channel-id');
    const token = header(headers, 'x-goog-channel-token');
    const resourceId = header(headers, 'x-goog-resource-id');
    const state = header(headers, 'x-goog-resource-state');
    if (!channelId || !resourceId || !state) return { kind: 'refused', why: 'missing X-Goog-Channel-ID, X-Goog-Resource-ID or X-Goog-Resource-State' };
    const c = this.deps.store.pushChannels.get(channelId);
    if (!c || c.provider !== GOOGLE) return { kind: 'unknown', channelId, resourceId };
    const tokenOk = c.tokenHash !== null && verifySha256(token, c.tokenHash);
    if (!tokenOk) return { kind: 'refused', why: `wrong token for channel ${channelId}` };
    if (c.resourceId !== null && c.resourceId !== resourceId) return { kind: 'refused', why: `resource id does not match channel ${channelId}` };
    return { kind: 'ok', roomId: c.roomId, state, channelId };
  }
}
