import { createHash } from 'node:crypto';
import type { Clock, TimerHandle } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { Agenda } from '../../shared/api/payloads.js';
import type { RoomState } from '../../shared/model/room-state.js';
import { buildAgenda, computeRoomState } from '../../shared/state/engine.js';
import type { ServerBus } from '../bus.js';
import type { RoomDirectory } from '../rooms/room-directory.js';
import type { EventSource } from '../bookings/booking-service.js';
import type { RoomInfo } from '../rooms/room-directory.js';
import { freeRoomsNear, listMayChange, type PublishedRoom } from './free-rooms.js';

/** How many rooms publishAll has in flight at once. */
const PUBLISH_BATCH = 50;

export interface RoomSnapshot {
  state: RoomState;
  agenda: Agenda;
}

export type RoomUpdateListener = (roomId: string, what: { state?: RoomState; agenda?: Agenda }) => void;

/**
 * Keeps every room's retained state and agenda right: recomputes a room when its events
 * change and at its `nextChangeAt` (one timer per room, no polling), and publishes only what
 * changed, so a quiet room costs nothing.
 */
export class StatePublisher {
  private readonly timers = new Map<string, TimerHandle>();
  /** What each room last published: its snapshot, and digests of its JSON to compare the next one with. */
  private readonly last = new Map<string, { state: string; agenda: string; snapshot: RoomSnapshot }>();
  private readonly stale = new Set<string>();
  private readonly listeners: RoomUpdateListener[] = [];
  private running = false;
  /** While every room is computed at once (start, republish): the states not yet published. */
  private computing: Map<string, RoomState> | null = null;
  private publishes = 0;
  private lastStateAt: number | null = null;

  constructor(
    private readonly deps: {
      clock: Clock;
      rooms: RoomDirectory;
      events: EventSource;
      bus: ServerBus;
      log: Logger;
      /** Signed phone links (QR codes on the panels), when they are on. */
      links?: { linkFor(state: RoomState, now: number): NonNullable<RoomState['qr']> };
    },
  ) {}

  onUpdate(listener: RoomUpdateListener): void {
    this.listeners.push(listener);
  }

  async start(): Promise<void> {
    this.running = true;
    await this.publishAll();
  }

  /**
   * Every room at once: all states are computed first, so each busy room's free list is
   * right in its first publish (one publish per room, not one per room and list).
   */
  private async publishAll(): Promise<void> {
    const now = this.deps.clock.now();
    const computed = this.deps.rooms.list().flatMap((r) => {
      const c = this.compute(r.id, now);
      return c ? [c] : [];
    });
    this.computing = new Map(computed.map((c) => [c.info.id, c.state]));
    try {
      const all = this.published();
      // A batch at a time: with every room in flight at once, the messages of a large site
      // sit in the client's, the socket's and the broker's buffers together, and the heap and
      // malloc grow to that peak and keep it: 50 at a time, about 10 MiB less private memory at
      // 1,000 rooms (`npm run bench -- server-rss`).
      for (let i = 0; i < computed.length; i += PUBLISH_BATCH) {
        await Promise.all(
          computed.slice(i, i + PUBLISH_BATCH).map(({ info, state, agenda }) => {
            const freeRooms = freeRoomsNear(info, state, all, now);
            return this.publish(info.id, freeRooms ? { ...state, freeRooms } : state, agenda);
          }),
        );
      }
    } finally {
      this.computing = null;
    }
  }

  stop(): void {
    this.running = false;
    for (const t of this.timers.values()) this.deps.clock.clearTimeout(t);
    this.timers.clear();
  }

  /** Marks a room's data as the last known (provider unreachable) or fresh again. */
  async setStale(roomId: string, stale: boolean): Promise<void> {
    if (stale === this.stale.has(roomId)) return;
    if (stale) this.stale.add(roomId);
    else this.stale.delete(roomId);
    await this.refresh(roomId);
  }

  snapshot(roomId: string): RoomSnapshot | undefined {
    return this.last.get(roomId)?.snapshot;
  }

  /** How many retained messages were published (for /metrics). */
  publishCount(): number {
    return this.publishes;
  }

  /**
   * When a room state was last handed to the broker (ms, the clock's): where the broker's part
   * of a change begins, so its delivery can be timed apart from the booking before it.
   */
  lastStatePublishedAt(): number | null {
    return this.lastStateAt;
  }

  /**
   * Publishes every room again, changed or not: after the broker lost its retained messages
   * (a restart of the embedded broker keeps none) or a reconnect to an external one.
   */
  async republishAll(): Promise<void> {
    this.last.clear();
    await this.publishAll();
  }

  /** Recomputes one room now and publishes what changed. */
  async refresh(roomId: string): Promise<RoomSnapshot | undefined> {
    const now = this.deps.clock.now();
    const c = this.compute(roomId, now);
    if (!c) return undefined;
    const freeRooms = freeRoomsNear(c.info, c.state, this.published(), now);
    const wasFree = this.freeness(this.last.get(roomId)?.snapshot.state);
    const snapshot = await this.publish(roomId, freeRooms ? { ...c.state, freeRooms } : c.state, c.agenda);
    if (this.freeness(c.state) !== wasFree) await this.relistAround(c.info, now);
    return snapshot;
  }

  /** One room's state (without its free list) and agenda, and its timer armed. */
  private compute(roomId: string, now: number): { info: RoomInfo; state: RoomState; agenda: Agenda } | undefined {
    const policy = this.deps.rooms.policy(roomId);
    const info = this.deps.rooms.get(roomId);
    if (!policy || !info || !this.running) return undefined;
    const events = this.deps.events.listForRoom(roomId);
    const computed: RoomState = { ...computeRoomState(events, now, policy), stale: this.stale.has(roomId) };
    const state: RoomState = this.deps.links ? { ...computed, qr: this.deps.links.linkFor(computed, now) } : computed;
    this.arm(roomId, state.nextChangeAt);
    return { info, state, agenda: buildAgenda(events, now, policy) };
  }

  /** Every room with what it last published. */
  private published(): PublishedRoom[] {
    return this.deps.rooms.list().map((info) => ({ info, state: this.computing?.get(info.id) ?? this.last.get(info.id)?.snapshot.state }));
  }

  /** What other rooms' free lists depend on: free or not, and until when. */
  private freeness(state: RoomState | undefined): string {
    // Not "free for 15 more minutes" (that moves with the clock): the state's own fields.
    return state === undefined ? 'unknown' : state.status === 'free' && !state.stale ? `free:${state.freeUntil ?? ''}` : 'not-free';
  }

  /** A room became free, stopped being free, or its free time moved: the lists that may show it are computed again. */
  private async relistAround(changed: RoomInfo, now: number): Promise<void> {
    const byId = (id: string): RoomInfo | undefined => this.deps.rooms.get(id);
    const all = this.published();
    const work: Promise<unknown>[] = [];
    for (const { info, state } of all) {
      if (state === undefined || state.status === 'free' || !listMayChange(info, state.freeRooms, changed, byId)) continue;
      work.push(this.relist(info, state, all, now));
    }
    await Promise.all(work);
  }

  /** Publishes a not-free room's state again with its free list recomputed, when the list changed. */
  private async relist(info: RoomInfo, state: RoomState, all: readonly PublishedRoom[], now: number): Promise<void> {
    const snap = this.last.get(info.id)?.snapshot;
    if (!snap) return;
    const { freeRooms: _old, ...rest } = state;
    const freeRooms = freeRoomsNear(info, rest, all, now);
    const next: RoomState = freeRooms ? { ...rest, freeRooms } : rest;
    if (JSON.stringify(next) === JSON.stringify(state)) return;
    await this.publish(info.id, next, snap.agenda);
  }

  private async publish(roomId: string, state: RoomState, agenda: Agenda): Promise<RoomSnapshot> {
    // Digests, not the JSON itself: at 1,000 rooms the JSON kept for comparing was megabytes.
    const stateDigest = digest(JSON.stringify(state));
    // The agenda window slides with the clock; compare its events, not its bounds.
    const agendaDigest = digest(JSON.stringify(agenda.events));
    const prev = this.last.get(roomId);
    const snapshot = { state, agenda };
    this.last.set(roomId, { state: stateDigest, agenda: agendaDigest, snapshot });
    const changed: { state?: RoomState; agenda?: Agenda } = {};
    // The state first, the agenda once the broker has taken it: the state is what a panel
    // shows, and an agenda handed over with it would compete with it for every display of the
    // room (the embedded broker has written the state to all of them when the publish returns).
    try {
      if (prev?.state !== stateDigest) {
        this.lastStateAt = this.deps.clock.now();
        await this.deps.bus.publish('roomState', { room: roomId }, state);
        this.publishes++;
        changed.state = state;
      }
      if (prev?.agenda !== agendaDigest) {
        await this.deps.bus.publish('roomAgenda', { room: roomId }, agenda);
        this.publishes++;
        changed.agenda = agenda;
      }
    } catch (e) {
      // Forget what was not sent so the next refresh tries again.
      if (prev) this.last.set(roomId, prev);
      else this.last.delete(roomId);
      this.deps.log.warn({ room: roomId, err: (e as Error).message }, 'publishing the room failed');
      return snapshot;
    }
    if (changed.state || changed.agenda) for (const l of this.listeners) l(roomId, changed);
    return snapshot;
  }

  private arm(roomId: string, at: string | null): void {
    this.deps.clock.clearTimeout(this.timers.get(roomId));
    this.timers.delete(roomId);
    if (!at) return;
    const delay = Math.max(0, Date.parse(at) - this.deps.clock.now());
    this.timers.set(
      roomId,
      this.deps.clock.setTimeout(() => {
        this.timers.delete(roomId);
        void this.refresh(roomId);
      }, delay),
    );
  }
}

function digest(json: string): string {
  return createHash('sha256').update(json).digest('base64');
}
