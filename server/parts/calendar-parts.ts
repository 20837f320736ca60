import type { Part, PartHealth } from '../../shared/lifecycle.js';
import { createProvider } from '../providers/create-provider.js';
import { LocalProvider } from '../providers/local/local-provider.js';
import type { CalendarProvider } from '../providers/provider.js';
import { systemTimeZone } from '../rooms/room-directory.js';
import type { WebhookServer } from '../webhooks/webhook-server.js';
import type { PartDeps } from './part-deps.js';

/**
 * The calendar provider the config names, and its webhook listener as a part of its own.
 * Its health is the provider's real one: which rooms it could not reach at their last sync.
 */
export function calendarParts({ opts, config, clock, log, slots, events }: PartDeps): Part[] {
  let webhook: WebhookServer | null = null;
  const stale = new Set<string>();
  const unsubscribe: Array<() => void> = [];
  const provider: Part = {
    name: 'provider',
    async start() {
      const store = slots.get('store');
      const parts = await createProvider(config, { ...opts.providerDeps, store, clock, log, defaultTimeZone: config.site.timeZone ?? systemTimeZone() });
      const p: CalendarProvider = slots.set('provider', parts.provider);
      webhook = parts.webhook;
      unsubscribe.push(p.onRoomChanged((roomId) => events.emit('room.changed', { roomId })));
      unsubscribe.push(
        parts.onStale((roomId, isStale) => {
          if (isStale) stale.add(roomId);
          else stale.delete(roomId);
          events.emit('room.stale', { roomId, stale: isStale });
        }),
      );
      // Seed only empty rooms, so a restarted demo keeps what people booked or cancelled.
      if (p instanceof LocalProvider) {
        for (const [roomId, seeded] of opts.seed ?? []) if (store.events.listForRoom(roomId).length === 0) for (const e of seeded) p.addEvent(roomId, e);
      }
      await p.start();
      const orphans = slots.get('orphanChannels');
      const provider: CalendarProvider = p;
      if (orphans.length && provider.stopRemovedChannels) {
        void provider.stopRemovedChannels(orphans).catch((e: Error) => log.warn({ err: e.message }, 'stopping the channels of removed rooms failed'));
      }
    },
    async stop() {
      for (let u = unsubscribe.pop(); u; u = unsubscribe.pop()) u();
      if (slots.has('provider')) await slots.get('provider').stop();
      stale.clear();
    },
    health(): PartHealth {
      const kind = slots.has('provider') ? slots.get('provider').kind : config.provider.kind;
      if (stale.size === 0) return { ok: true, detail: kind };
      return { ok: false, detail: `${kind}: unreachable for ${[...stale].sort().join(', ')}` };
    },
  };
  const hooks: Part = {
    name: 'webhook',
    async start() {
      await webhook?.start();
    },
    async stop() {
      await webhook?.stop();
    },
    health() {
      return webhook ? { ok: webhook.port > 0, detail: `port ${webhook.port}` } : null;
    },
  };
  return [provider, hooks];
}
