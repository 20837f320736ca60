import type { Clock, TimerHandle } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { Agenda } from '../../shared/api/payloads.js';
import type { RoomState } from '../../shared/model/room-state.js';
import { buildAgenda, computeRoomState } from '../../shared/state/engine.js';
import type { ServerBus } from '../bus.js';
import type { RoomDirectory } from '../rooms/room-directory.js';
import type { EventSource } from '../bookings/booking-service.js';

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
  private readonly last = new Map<string, { state: string; agenda: string; snapshot: RoomSnapshot }>();
  private readonly stale = new Set<string>();
  private readonly listeners: RoomUpdateListener[] = [];
  private running = false;
  private publishes = 0;

  constructor(
    private readonly deps: { clock: Clock; rooms: RoomDirectory; events: EventSource; bus: ServerBus; log: Logger },
  ) {}

  onUpdate(listener: RoomUpdateListener): void {
    this.listeners.push(listener);
  }

  async start(): Promise<void> {
    this.running = true;
    await Promise.all(this.deps.rooms.list().map((r) => this.refresh(r.id)));
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
   * Publishes every room again, changed or not: after the broker lost its retained messages
   * (a restart of the embedded broker keeps none) or a reconnect to an external one.
   */
  async republishAll(): Promise<void> {
    this.last.clear();
    await Promise.all(this.deps.rooms.list().map((r) => this.refresh(r.id)));
  }

  /** Recomputes one room now and publishes what changed. */
  async refresh(roomId: string): Promise<RoomSnapshot | undefined> {
    const policy = this.deps.rooms.policy(roomId);
    if (!policy || !this.running) return undefined;
    const now = this.deps.clock.now();
    const events = this.deps.events.listForRoom(roomId);
    const state: RoomState = { ...computeRoomState(events, now, policy), stale: this.stale.has(roomId) };
    const agenda = buildAgenda(events, now, policy);
    this.arm(roomId, state.nextChangeAt);

    const stateJson = JSON.stringify(state);
    // The agenda window slides with the clock; compare its events, not its bounds.
    const agendaJson = JSON.stringify(agenda.events);
    const prev = this.last.get(roomId);
    const snapshot = { state, agenda };
    this.last.set(roomId, { state: stateJson, agenda: agendaJson, snapshot });
    const changed: { state?: RoomState; agenda?: Agenda } = {};
    try {
      if (prev?.agenda !== agendaJson) {
        await this.deps.bus.publish('roomAgenda', { room: roomId }, agenda);
        this.publishes++;
        changed.agenda = agenda;
      }
      if (prev?.state !== stateJson) {
        await this.deps.bus.publish('roomState', { room: roomId }, state);
        this.publishes++;
        changed.state = state;
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
