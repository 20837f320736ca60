import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { Agenda } from '../../shared/api/payloads.js';
import type { RoomState } from '../../shared/model/room-state.js';
import type { Change } from '../store/repos/changes.js';

export type { Change };

/** What the feed needs from the store's change log. */
export interface ChangeLog {
  append(change: { kind: string; roomId?: string | null; deviceId?: string | null; payload?: unknown; at?: number }): number;
  since(id: number, limit?: number): Change[];
  oldestId(): number | null;
  latestId(): number;
}

/**
 * What the log records: a room's state or agenda, a device's record, a notify message, a
 * no-show released by the server, a recurring meeting flagged for too many releases. The
 * snapshot is built from rooms and devices alone; the other kinds are events, not state.
 */
export type ChangeKind = 'room' | 'device' | 'notify' | 'release' | 'series-flagged';

export interface ChangeInput {
  kind: ChangeKind;
  roomId?: string | null;
  deviceId?: string | null;
  payload?: unknown;
  /** When it happened, if not now (a release records the instant its window closed). */
  at?: number;
}

export interface RoomView {
  state: RoomState | null;
  agenda: Agenda | null;
}

/** What a client that saw everything up to an id gets: the changes after it, or a new snapshot. */
export type Resume = { kind: 'changes'; changes: Change[] } | { kind: 'resync'; why: string };

export type ChangeListener = (change: Change) => void;

const PAGE = 1000;

/**
 * The one way changes enter the log: appends to the store and tells every listener at once,
 * in the same tick, so connected streams get a change without anybody polling the database.
 *
 * It also keeps each room's latest state and agenda as the log reports them, so a snapshot
 * taken at change id N shows exactly the changes up to N (the publisher's own snapshot may
 * run ahead while its MQTT publish is under way).
 */
export class ChangeFeed {
  private readonly listeners = new Set<ChangeListener>();
  private readonly rooms = new Map<string, RoomView>();

  constructor(
    private readonly log: ChangeLog,
    private readonly clock: Clock,
    private readonly logger?: Logger,
  ) {}

  append(input: ChangeInput): Change {
    const at = input.at ?? this.clock.now();
    const payload = input.payload ?? null;
    const id = this.log.append({ kind: input.kind, roomId: input.roomId ?? null, deviceId: input.deviceId ?? null, payload, at });
    const change: Change = { id, at, kind: input.kind, roomId: input.roomId ?? null, deviceId: input.deviceId ?? null, payload };
    if (change.kind === 'room' && change.roomId) this.remember(change.roomId, payload as Partial<RoomView>);
    for (const l of [...this.listeners]) {
      try {
        l(change);
      } catch (e) {
        // One broken stream must not keep the change from the others or from the caller.
        this.logger?.warn({ err: (e as Error).message, change: id }, 'a change listener failed');
      }
    }
    return change;
  }

  /** Calls `listener` for every change appended from now on; returns the way to stop. */
  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  listenerCount(): number {
    return this.listeners.size;
  }

  latestId(): number {
    return this.log.latestId();
  }

  /** The room's state and agenda as of the latest change (null parts: not reported yet). */
  room(roomId: string): RoomView {
    return this.rooms.get(roomId) ?? { state: null, agenda: null };
  }

  /**
   * The changes after `lastId`, oldest first, when the log still holds all of them; otherwise
   * (pruned past it, or an id this log never handed out) the client needs a new snapshot.
   */
  resume(lastId: number): Resume {
    const latest = this.log.latestId();
    if (!Number.isSafeInteger(lastId) || lastId < 0) return { kind: 'resync', why: 'not a change id' };
    if (lastId > latest) return { kind: 'resync', why: `change ${lastId} is newer than the latest (${latest})` };
    if (lastId === latest) return { kind: 'changes', changes: [] };
    const oldest = this.log.oldestId();
    // Ids only grow, so the log reaches back far enough when it still holds lastId + 1.
    if (oldest === null || lastId < oldest - 1) return { kind: 'resync', why: `change ${lastId} is older than the kept log` };
    const changes: Change[] = [];
    for (let after = lastId; ; ) {
      const page = this.log.since(after, PAGE);
      changes.push(...page);
      const last = page[page.length - 1];
      if (page.length < PAGE || !last) break;
      after = last.id;
    }
    return { kind: 'changes', changes };
  }

  private remember(roomId: string, what: Partial<RoomView>): void {
    const prev = this.room(roomId);
    this.rooms.set(roomId, { state: what.state ?? prev.state, agenda: what.agenda ?? prev.agenda });
  }
}
