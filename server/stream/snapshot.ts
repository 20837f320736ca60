import type { Agenda } from '../../shared/api/payloads.js';
import type { RoomState } from '../../shared/model/room-state.js';
import { visibleDevice, type Device, type VisibleDevice } from '../store/repos/devices.js';
import type { RoomInfo } from '../rooms/room-directory.js';
import type { RoomView } from './change-feed.js';

export interface SnapshotSources {
  rooms: { list(): RoomInfo[] };
  /** The room as the change log reported it. */
  roomView: (roomId: string) => RoomView;
  /** The publisher's latest, for a room whose first publish has not gone out yet. */
  published: (roomId: string) => { state: RoomState; agenda: Agenda } | undefined;
  devices: { list(): Device[] };
}

export interface RoomEntry {
  id: string;
  name: string;
  timeZone: string;
  locale: string;
  privacy: RoomInfo['privacy'];
  state: RoomState | null;
  agenda: Agenda | null;
}

export type DeviceEntry = VisibleDevice;

export interface StreamSnapshot {
  rooms: RoomEntry[];
  devices: DeviceEntry[];
}

export function roomEntry(room: RoomInfo, src: Pick<SnapshotSources, 'roomView' | 'published'>): RoomEntry {
  const view = src.roomView(room.id);
  const pub = view.state && view.agenda ? undefined : src.published(room.id);
  return {
    id: room.id,
    name: room.name,
    timeZone: room.timeZone,
    locale: room.locale,
    privacy: room.privacy,
    // Both come from the publisher, which applied the room's privacy before anything left it.
    state: view.state ?? pub?.state ?? null,
    agenda: view.agenda ?? pub?.agenda ?? null,
  };
}

/** Everything a stream client needs to start from: every room and every device's availability. */
export function buildSnapshot(src: SnapshotSources): StreamSnapshot {
  return {
    rooms: src.rooms.list().map((r) => roomEntry(r, src)),
    devices: src.devices.list().map(visibleDevice),
  };
}
