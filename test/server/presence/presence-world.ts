import { silentLogger } from '../../../shared/logger.js';
import type { ConfigInput } from '../../../shared/config/schema.js';
import { AutoRelease } from '../../../server/bookings/auto-release.js';
import { keepingReleases } from '../../../server/reports/release-ledger.js';
import { RoomPresence } from '../../../server/presence/room-presence.js';
import { world, type World } from '../bookings/world.js';

export interface PresenceWorld extends World {
  presence: RoomPresence;
  /** Enrolls, approves and puts a display in a room, online. */
  display(id: string, roomId: string): void;
  /** What the display's presence input reports, as the bytes on its topic. */
  report(id: string, present: boolean): void;
  online(id: string, online: boolean): void;
}

/**
 * The booking world with displays in the real store, their presence reports read by the real
 * room presence, and the auto-release told where nobody is (as the server wires them).
 */
export function presenceWorld(opts: { start?: string; config?: ConfigInput } = {}): PresenceWorld {
  const w = world(opts);
  w.release.stop();
  const presence = new RoomPresence({ clock: w.clock, devices: w.store.devices, changes: w.store.presence, log: silentLogger() });
  const release = new AutoRelease({
    clock: w.clock,
    rooms: w.rooms,
    events: w.store.events,
    calendar: w.provider,
    changes: keepingReleases(w.store.changes, w.store.usageReleases, () => w.clock.now()),
    flags: w.store.seriesFlags,
    absentSince: (roomId) => presence.absentSince(roomId),
    log: silentLogger(),
  });
  w.provider.onRoomChanged((roomId) => release.refresh(roomId));
  presence.onChange((roomId) => release.refresh(roomId));
  const changed = (id: string): void => {
    const d = w.store.devices.get(id);
    if (d) presence.deviceChanged(d);
  };
  return {
    ...w,
    release,
    presence,
    display(id, roomId) {
      w.store.devices.getOrCreatePending(id, {}, null);
      w.store.devices.approve(id);
      w.store.devices.assignRoom(id, roomId);
      w.store.devices.markSeen(id, true, w.clock.now());
      changed(id);
    },
    report(id, present) {
      presence.report(id, Buffer.from(JSON.stringify({ present, since: new Date(w.clock.now()).toISOString() })));
    },
    online(id, online) {
      w.store.devices.markSeen(id, online, w.clock.now());
      changed(id);
    },
    close() {
      release.stop();
      w.close();
    },
  };
}
