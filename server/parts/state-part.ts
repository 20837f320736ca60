import type { Part } from '../../shared/lifecycle.js';
import { createLogger } from '../../shared/logger.js';
import { StatePublisher } from '../state/state-publisher.js';
import { RoomLinks } from '../qr/room-links.js';
import { linkSecret } from '../qr/link-secret.js';
import type { PartDeps } from './part-deps.js';

/** Retained room state and agenda: recomputed on `room.changed` and `room.stale`, told as `room.published`. */
export function statePart({ config, clock, log, slots, events }: PartDeps): Part {
  const owner = 'publisher';
  return {
    name: owner,
    async start() {
      const qr = config.server.qr;
      const links = slots.set('links', qr ? new RoomLinks({ secret: linkSecret(slots.get('store').settings), publicUrl: qr.publicUrl, graceMs: qr.graceMins * 60_000 }) : null);
      const publisher = slots.set(
        'publisher',
        new StatePublisher({ clock, rooms: slots.get('rooms'), events: slots.get('store').events, bus: slots.get('mqtt'), log: createLogger('server:state', log), ...(links ? { links } : {}) }),
      );
      publisher.onUpdate((roomId, what) => events.emit('room.published', { roomId, ...what }));
      events.on(owner, 'room.changed', ({ roomId }) => publisher.refresh(roomId));
      // The displays keep the last known state, marked stale, while the provider is unreachable.
      events.on(owner, 'room.stale', ({ roomId, stale }) => publisher.setStale(roomId, stale));
      // Every room goes out once at start, on the connection the client has then; only a later
      // connection (a reconnect, a restarted broker) needs them all again. Republishing on the
      // first connection's own event computed and sent every room twice while starting.
      const mqtt = slots.get('mqtt');
      const startedOn = mqtt.connections;
      events.on(owner, 'mqtt.connected', () => (mqtt.connections === startedOn ? undefined : publisher.republishAll()));
      await publisher.start();
    },
    stop() {
      events.off(owner);
      if (slots.has('publisher')) slots.get('publisher').stop();
    },
  };
}
