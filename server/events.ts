import type { Agenda } from '../shared/api/payloads.js';
import type { EventBus } from '../shared/event-bus.js';
import type { RoomState } from '../shared/model/room-state.js';
import type { DeviceRecord } from './devices/device-store.js';

/**
 * What the server's parts tell each other. Parts never call each other's listeners directly:
 * one part emits, the parts that care listen under their own name and are removed when they
 * stop. (`server/bus.ts` is something else: the MQTT contract as the server sees it.)
 */
export interface ServerEvents {
  /** A room's events changed in the calendar (sync, booking, push). */
  'room.changed': { roomId: string };
  /** The calendar behind a room became unreachable (stale) or answered again. */
  'room.stale': { roomId: string; stale: boolean };
  /** A room's retained state and/or agenda was published (only what changed). */
  'room.published': { roomId: string; state?: RoomState; agenda?: Agenda };
  /** A device was enrolled, approved, moved, revoked, or came and went. */
  'device.changed': { device: DeviceRecord };
  /** A room's presence changed (its displays' presence sensors; `unknown` when none reports). */
  'presence.changed': { roomId: string; state: 'present' | 'absent' | 'unknown'; since: number | null; sensors: number };
  /** A device logged in to the embedded broker with its own secret. */
  'device.connected': { deviceId: string };
  /** The server's MQTT connection is (again) up: retained topics must be put back. */
  'mqtt.connected': Record<string, never>;
  /** The admin token was replaced: streams opened with the old one must end. */
  'token.rotated': Record<string, never>;
}

export type ServerEventBus = EventBus<ServerEvents>;
