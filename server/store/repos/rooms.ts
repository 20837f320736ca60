import type { Clock } from '../../../shared/clock.js';
import { RoomConfigSchema, type RoomConfig } from '../../../shared/config/schema.js';
import { formatIssues } from '../../../shared/config/load.js';
import { DoorplateError } from '../../../shared/errors.js';
import type { Database } from '../database.js';
import { fromJson, toJson } from './json.js';

export interface Room {
  id: string;
  name: string;
  calendar: string | null;
  timeZone: string | null;
  /** The room's own configuration as last loaded (site defaults not folded in). */
  config: RoomConfig;
  createdAt: number;
  updatedAt: number;
}

export interface RoomsSyncResult {
  added: string[];
  updated: string[];
  /** Rooms no longer configured; deleting one deletes its events, sync state and push channels. */
  removed: string[];
}

interface RoomRow {
  id: string;
  name: string;
  calendar: string | null;
  time_zone: string | null;
  config: string;
  created_at: number;
  updated_at: number;
}

function toRoom(r: RoomRow): Room {
  return {
    id: r.id,
    name: r.name,
    calendar: r.calendar,
    timeZone: r.time_zone,
    config: fromJson(r.config) as RoomConfig,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Rooms come from the configuration; the table mirrors it so that other rows can refer to them. */
export class RoomsRepo {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  list(): Room[] {
    return (this.db.prepare('SELECT * FROM rooms ORDER BY id').all() as RoomRow[]).map(toRoom);
  }

  get(id: string): Room | null {
    const row = this.db.prepare('SELECT * FROM rooms WHERE id = ?').get(id) as RoomRow | undefined;
    return row ? toRoom(row) : null;
  }

  /** Makes the table match `rooms` in one transaction; rows that did not change keep their updatedAt. */
  upsertFromConfig(rooms: readonly RoomConfig[]): RoomsSyncResult {
    const parsed = rooms.map((r, i) => {
      const res = RoomConfigSchema.safeParse(r);
      if (!res.success) throw new DoorplateError('VALIDATION', `rooms.${i}: ${formatIssues(res.error.issues).join('; ')}`);
      return res.data;
    });
    const seen = new Set<string>();
    parsed.forEach((r, i) => {
      if (seen.has(r.id)) throw new DoorplateError('VALIDATION', `rooms.${i}.id: ${JSON.stringify(r.id)} appears twice`);
      seen.add(r.id);
    });
    const now = this.clock.now();
    const result: RoomsSyncResult = { added: [], updated: [], removed: [] };
    const insert = this.db.prepare(
      'INSERT INTO rooms (id, name, calendar, time_zone, config, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const update = this.db.prepare('UPDATE rooms SET name = ?, calendar = ?, time_zone = ?, config = ?, updated_at = ? WHERE id = ?');
    const remove = this.db.prepare('DELETE FROM rooms WHERE id = ?');
    this.db.transaction(() => {
      const existing = new Map(this.list().map((r) => [r.id, r]));
      for (const r of parsed) {
        const config = toJson(r, `rooms.${r.id}`);
        const old = existing.get(r.id);
        if (!old) {
          insert.run(r.id, r.name, r.calendar ?? null, r.timeZone ?? null, config, now, now);
          result.added.push(r.id);
        } else if (toJson(old.config, `rooms.${r.id}`) !== config) {
          update.run(r.name, r.calendar ?? null, r.timeZone ?? null, config, now, r.id);
          result.updated.push(r.id);
        }
        existing.delete(r.id);
      }
      for (const id of existing.keys()) {
        remove.run(id);
        result.removed.push(id);
      }
    })();
    return result;
  }
}
