import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { decodePayload } from '../../shared/api/topics.js';
import type { Device } from '../store/repos/devices.js';
import type { PresenceState } from '../store/repos/presence-changes.js';

export type { PresenceState };

/** A room's presence now: `unknown` while none of its displays with a sensor is online and reporting. */
export interface RoomPresenceView {
  state: PresenceState;
  /** When the state last changed (server clock, epoch ms); null before the first report. */
  since: number | null;
  /** The room's displays online with a presence sensor that reported. */
  sensors: number;
}

export interface RoomPresenceDeps {
  clock: Clock;
  devices: { get(id: string): Device | null; list(filter: { status?: 'approved'; roomId?: string }): Device[] };
  /** Where each change of a room's state is kept (for the usage report). */
  changes: { record(roomId: string, at: number, state: PresenceState): void; roomsNotUnknown(): string[] };
  log: Logger;
}

/**
 * Per-room presence from the displays' presence reports. A room with several displays is
 * present when any of them says so. A display counts only while it is approved, in the room
 * and online: its report is retained on the broker, and a display that went away must not keep
 * a room "present" (or "absent", which would release its meetings) on a stale value.
 */
export class RoomPresence {
  /** deviceId -> what it last reported. */
  private readonly reported = new Map<string, boolean>();
  /** deviceId -> the room it counted for, to recompute that room when it moves away. */
  private readonly roomOf = new Map<string, string>();
  private readonly rooms = new Map<string, { state: PresenceState; since: number | null }>();
  private readonly listeners: Array<(roomId: string, view: RoomPresenceView) => void> = [];
  private refused = 0;

  constructor(private readonly deps: RoomPresenceDeps) {}

  /** Nothing is known after a (re)start: rooms left present or absent are unknown until their displays report. */
  start(): void {
    const now = this.deps.clock.now();
    for (const roomId of this.deps.changes.roomsNotUnknown()) this.deps.changes.record(roomId, now, 'unknown');
  }

  /** The server stops: the time until it is back is not counted as presence (or absence). */
  stop(): void {
    const now = this.deps.clock.now();
    for (const [roomId, r] of this.rooms) if (r.state !== 'unknown') this.deps.changes.record(roomId, now, 'unknown');
    this.rooms.clear();
  }

  /** Returns the function that removes the listener (a kiosk stream that closes). */
  onChange(listener: (roomId: string, view: RoomPresenceView) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** Reports refused as malformed or from a device that may not report (for logs and /metrics). */
  refusedCount(): number {
    return this.refused;
  }

  of(roomId: string): RoomPresenceView {
    const r = this.rooms.get(roomId);
    return { state: r?.state ?? 'unknown', since: r?.since ?? null, sensors: this.sensorsIn(roomId).length };
  }

  /** Since when nobody was present in the room (epoch ms), or null when someone is or nobody knows. */
  absentSince(roomId: string): number | null {
    const r = this.rooms.get(roomId);
    return r?.state === 'absent' ? r.since : null;
  }

  /** A display's presence message (devices/{device}/presence). Never throws: a bad one is logged and dropped. */
  report(deviceId: string, raw: Buffer): void {
    // An empty retained message clears the topic; the display no longer reports.
    if (raw.length === 0) {
      this.reported.delete(deviceId);
      return this.recomputeFor(deviceId);
    }
    const decoded = decodePayload('devicePresence', raw);
    if (!decoded.ok) return this.refuse(deviceId, decoded.error);
    const device = this.deps.devices.get(deviceId);
    if (!device || device.status !== 'approved') return this.refuse(deviceId, 'not an approved device');
    this.reported.set(deviceId, decoded.value.present);
    this.recomputeFor(deviceId);
  }

  /** A device was approved, moved, revoked, or came and went. */
  deviceChanged(device: Device): void {
    if (device.status !== 'approved') this.reported.delete(device.id);
    this.recomputeFor(device.id);
  }

  private refuse(deviceId: string, reason: string): void {
    this.refused++;
    this.deps.log.warn({ device: deviceId, reason }, `refused a presence report from ${deviceId}: ${reason}`);
  }

  private sensorsIn(roomId: string): Device[] {
    return this.deps.devices.list({ status: 'approved', roomId }).filter((d) => d.online && this.reported.has(d.id));
  }

  private recomputeFor(deviceId: string): void {
    const before = this.roomOf.get(deviceId);
    const now = this.deps.devices.get(deviceId)?.roomId ?? null;
    if (now === null) this.roomOf.delete(deviceId);
    else this.roomOf.set(deviceId, now);
    if (before !== undefined && before !== now) this.recompute(before);
    if (now !== null) this.recompute(now);
  }

  private recompute(roomId: string): void {
    const sensors = this.sensorsIn(roomId);
    const state: PresenceState = sensors.length === 0 ? 'unknown' : sensors.some((d) => this.reported.get(d.id) === true) ? 'present' : 'absent';
    const old = this.rooms.get(roomId);
    if ((old?.state ?? 'unknown') === state) return;
    const at = this.deps.clock.now();
    this.rooms.set(roomId, { state, since: at });
    this.deps.changes.record(roomId, at, state);
    this.deps.log.info({ room: roomId, state, sensors: sensors.length }, `room ${roomId} presence: ${state}`);
    const view = { state, since: at, sensors: sensors.length };
    for (const l of this.listeners) l(roomId, view);
  }
}
