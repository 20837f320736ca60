import { DateTime } from 'luxon';
import type { Clock, TimerHandle } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { CalendarEvent } from '../../shared/model/event.js';
import type { RoomDirectory, RoomInfo } from '../rooms/room-directory.js';
import type { CalendarWriter, EventSource } from './booking-service.js';
import type { Slot } from '../../shared/state/slots.js';
import { isoUtc as iso } from '../../shared/state/time.js';
import { RoomTimeline } from '../../shared/state/timeline.js';
import { releaseExemption } from './rules.js';

const MIN = 60_000;
/** A release the calendar refused (provider down) is tried again this much later, not in a loop. */
export const RELEASE_RETRY_MS = MIN;

/** What the change log records for a released meeting (no title: the log feeds the live stream). */
export interface ReleaseRecord {
  eventId: string;
  seriesId: string | null;
  start: string;
  end: string;
  /** Why: nobody checked in (`no-show`), or the room's presence sensors saw nobody (`no-presence`). */
  cause: ReleaseCause;
  /** With `no-show`: when the check-in window closed. */
  checkInClosedAt?: string;
  /** With `no-presence`: since when nobody was present. */
  absentSince?: string;
  releasedAt: string;
  action: 'cancelled';
  reason: string;
}

export type ReleaseCause = 'no-show' | 'no-presence';

export interface SeriesFlagStore {
  /** Counts one released occurrence (once per occurrence); returns the series' count in the room. */
  recordRelease(roomId: string, seriesId: string, eventId: string, at?: number): number;
  /** Flags the series; false when it already was. */
  flag(roomId: string, seriesId: string, releases: number, at?: number): boolean;
}

export interface AutoReleaseDeps {
  clock: Clock;
  rooms: Pick<RoomDirectory, 'list' | 'get' | 'forDevice'>;
  events: EventSource;
  calendar: Pick<CalendarWriter, 'cancel' | 'readOnly'>;
  /** The change log, through the live feed in the server so that open streams get it at once. */
  changes: { append(change: { kind: 'release' | 'series-flagged'; roomId?: string | null; payload?: unknown; at?: number }): unknown };
  flags: SeriesFlagStore;
  /** The displays assigned to a room: a press at one with a later window still counts. */
  devicesInRoom?: (roomId: string) => readonly string[];
  /**
   * Since when the room's presence sensors saw nobody (epoch ms); null while someone is present,
   * or no sensor of the room reports (then presence never releases anything).
   */
  absentSince?: (roomId: string) => number | null;
  log: Logger;
}

interface Pending {
  event: CalendarEvent;
  /** When it is released: its check-in window's close, or N minutes without presence. */
  closesAt: number;
  start: number;
  end: number;
  cause: ReleaseCause;
  /** With `no-presence`: since when nobody was present (the start when earlier). */
  absentFrom?: number;
}

/**
 * Releases no-shows, decided on the server so that a display that is off never keeps a room
 * booked: when a meeting's check-in window closes without a check-in, the meeting is cancelled
 * and the room is free again. One timer per room, at the earliest window close among its
 * meetings still waiting; `refresh(room)` re-arms it whenever the room's events change.
 *
 * Decisions:
 * - A released meeting is cancelled rather than cut short: a shortened meeting would stay on the
 *   agenda as if it had taken place. The stored event keeps its row (status cancelled) and the
 *   change log says why.
 * - A meeting that ended before the server could act (it was down) is left alone: there is no
 *   room to free and no evidence it was a no-show rather than an outage.
 * - With several displays in a room, the window closes at the latest close among the room's own
 *   rule and its displays' overrides, so a press a display still accepts is never pre-empted.
 * - Release by occupancy (room `presence.releaseAfterMins`): a meeting under way with nobody
 *   present for that long is released the same way, under the same exemptions, checked in or
 *   not. Only a known absence counts: while no sensor of the room reports, nothing is released
 *   by presence. `refresh(room)` is called whenever the room's presence changes.
 */
export class AutoRelease {
  private readonly timers = new Map<string, { handle: TimerHandle; due: number }>();
  private readonly firing = new Set<string>();
  private readonly rearm = new Set<string>();
  /** `room\u0000event` -> earliest retry after a failed release. */
  private readonly retryAt = new Map<string, number>();
  private running = false;
  private released = 0;

  constructor(private readonly deps: AutoReleaseDeps) {}

  start(): void {
    if (this.running) return;
    if (this.deps.calendar.readOnly) {
      this.deps.log.info('the calendar is read-only: no-shows are not released');
      return;
    }
    this.running = true;
    for (const room of this.deps.rooms.list()) this.arm(room.id);
  }

  stop(): void {
    this.running = false;
    for (const t of this.timers.values()) this.deps.clock.clearTimeout(t.handle);
    this.timers.clear();
    this.rearm.clear();
  }

  /** The room's events changed: the earliest window close may have moved. */
  refresh(roomId: string): void {
    if (!this.running) return;
    if (this.firing.has(roomId)) {
      this.rearm.add(roomId);
      return;
    }
    this.arm(roomId);
  }

  /** When the room's timer fires next (epoch ms), or null when no meeting waits for check-in. */
  nextReleaseAt(roomId: string): number | null {
    return this.timers.get(roomId)?.due ?? null;
  }

  /** Meetings released since start (for /metrics). */
  releasedCount(): number {
    return this.released;
  }

  /** The room's meetings that will be released unless someone checks in (or comes in), earliest release first. */
  pending(roomId: string): Pending[] {
    const room = this.deps.rooms.get(roomId);
    if (!room || !room.autoRelease.enabled) return [];
    const afterMins = room.presence.releaseAfterMins;
    const absent = afterMins === null ? null : (this.deps.absentSince?.(roomId) ?? null);
    if (!room.checkIn.enabled && absent === null) return [];
    const now = this.deps.clock.now();
    const timeline = new RoomTimeline(this.deps.events.listForRoom(roomId), room);
    const out: Pending[] = [];
    for (const slot of timeline.slots) {
      if (slot.end <= now) continue;
      if (releaseExemption(slot, room.autoRelease) !== null) continue;
      const closesAt = room.checkIn.enabled ? this.closesAt(room, timeline, slot) : null;
      const noShow: Pending | null = closesAt === null || closesAt >= slot.end ? null : { event: slot.event, closesAt, start: slot.start, end: slot.end, cause: 'no-show' };
      let empty: Pending | null = null;
      if (absent !== null && afterMins !== null) {
        const absentFrom = Math.max(absent, slot.start);
        const due = absentFrom + afterMins * MIN;
        if (due < slot.end) empty = { event: slot.event, closesAt: due, start: slot.start, end: slot.end, cause: 'no-presence', absentFrom };
      }
      const first = noShow && empty ? (empty.closesAt < noShow.closesAt ? empty : noShow) : (noShow ?? empty);
      if (first) out.push(first);
    }
    return out.sort((a, b) => a.closesAt - b.closesAt);
  }

  private closesAt(room: RoomInfo, timeline: RoomTimeline<CalendarEvent>, slot: Slot<CalendarEvent>): number | null {
    let latest = slot.checkIn?.closesAt ?? null;
    if (latest === null) return null;
    for (const deviceId of this.deps.devicesInRoom?.(room.id) ?? []) {
      const own = this.deps.rooms.forDevice(room.id, deviceId);
      const w = own ? timeline.checkInWindow(slot, own.checkIn) : null;
      if (w && w.closesAt > latest) latest = w.closesAt;
    }
    return latest;
  }

  private arm(roomId: string): void {
    const old = this.timers.get(roomId);
    if (old) this.deps.clock.clearTimeout(old.handle);
    this.timers.delete(roomId);
    let due = Infinity;
    for (const p of this.pending(roomId)) {
      const at = Math.max(p.closesAt, this.retryAt.get(`${roomId}\u0000${p.event.id}`) ?? 0);
      if (at < due) due = at;
    }
    if (due === Infinity) return;
    // A window that closed while the server was down is acted on at once.
    due = Math.max(due, this.deps.clock.now());
    const handle = this.deps.clock.setTimeout(() => void this.fire(roomId), due - this.deps.clock.now());
    this.timers.set(roomId, { handle, due });
  }

  private async fire(roomId: string): Promise<void> {
    this.timers.delete(roomId);
    if (!this.running) return;
    this.firing.add(roomId);
    try {
      const now = this.deps.clock.now();
      for (const p of this.pending(roomId)) {
        const key = `${roomId}\u0000${p.event.id}`;
        if (p.closesAt > now || (this.retryAt.get(key) ?? 0) > now) continue;
        try {
          await this.release(roomId, p, now);
          this.retryAt.delete(key);
        } catch (e) {
          this.retryAt.set(key, now + RELEASE_RETRY_MS);
          this.deps.log.error({ room: roomId, event: p.event.id, err: (e as Error).message }, 'releasing a meeting failed; trying again in a minute');
        }
      }
    } finally {
      this.firing.delete(roomId);
      this.rearm.delete(roomId);
      if (this.running) this.arm(roomId);
    }
  }

  private async release(roomId: string, p: Pending, now: number): Promise<void> {
    const room = this.deps.rooms.get(roomId);
    if (!room) return;
    await this.deps.calendar.cancel(roomId, p.event.id);
    this.released++;
    const local = (t: number): string => DateTime.fromMillis(t, { zone: room.timeZone }).toFormat('HH:mm');
    const common = { eventId: p.event.id, seriesId: p.event.seriesId, start: p.event.start, end: p.event.end, releasedAt: iso(now), action: 'cancelled' as const };
    const absentFrom = p.absentFrom ?? p.start;
    const record: ReleaseRecord =
      p.cause === 'no-show'
        ? { ...common, cause: 'no-show', checkInClosedAt: iso(p.closesAt), reason: `nobody checked in by ${local(p.closesAt)} (the window closed ${Math.round((p.closesAt - p.start) / MIN)} min after the start)` }
        : { ...common, cause: 'no-presence', absentSince: iso(absentFrom), reason: `nobody present since ${local(absentFrom)} (${Math.round((p.closesAt - absentFrom) / MIN)} min without presence)` };
    this.deps.changes.append({ kind: 'release', roomId, payload: record, at: now });
    this.deps.log.info({ room: roomId, event: p.event.id, series: p.event.seriesId, cause: record.cause }, `released a meeting: ${record.reason}`);
    // A series is flagged for its no-shows; people leaving early is not a booking habit to report.
    if (p.event.seriesId !== null && p.cause === 'no-show') this.countSeries(room, p.event.seriesId, p.event.id, now);
  }

  private countSeries(room: RoomInfo, seriesId: string, eventId: string, now: number): void {
    const releases = this.deps.flags.recordRelease(room.id, seriesId, eventId, now);
    const threshold = room.autoRelease.flagSeriesAfter;
    if (releases < threshold || !this.deps.flags.flag(room.id, seriesId, releases, now)) return;
    this.deps.changes.append({ kind: 'series-flagged', roomId: room.id, payload: { seriesId, releases, threshold }, at: now });
    this.deps.log.warn({ room: room.id, series: seriesId, releases }, `a recurring meeting was released ${releases} times without anyone checking in`);
  }
}
