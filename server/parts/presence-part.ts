import type { Part } from '../../shared/lifecycle.js';
import { createLogger } from '../../shared/logger.js';
import { RoomPresence } from '../presence/room-presence.js';
import type { PartDeps } from './part-deps.js';

/** Each room's presence from its displays' presence reports; tells `presence.changed`. */
export function presencePart({ clock, log, slots, events }: PartDeps): Part {
  const owner = 'presence';
  return {
    name: owner,
    async start() {
      const store = slots.get('store');
      const presence = slots.set('presence', new RoomPresence({ clock, devices: store.devices, changes: store.presence, log: createLogger('server:presence', log) }));
      presence.start();
      presence.onChange((roomId, view) => events.emit('presence.changed', { roomId, ...view }));
      events.on(owner, 'device.changed', ({ device }) => presence.deviceChanged(device));
      await slots.get('mqtt').subscribe('devicePresence', {}, (params, raw) => presence.report(params.device ?? '', raw));
    },
    stop() {
      events.off(owner);
      if (slots.has('presence')) slots.get('presence').stop();
    },
  };
}
