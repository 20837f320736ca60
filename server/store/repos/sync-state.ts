import type { Clock } from '../../../shared/clock.js';
import type { Database } from '../database.js';

export interface SyncState {
  roomId: string;
  provider: string;
  /** The provider's resume point: a sync token, a delta link, a CalDAV sync token. */
  token: string | null;
  fullSyncAt: number | null;
  updatedAt: number;
}

interface SyncStateRow {
  room_id: string;
  provider: string;
  token: string | null;
  full_sync_at: number | null;
  updated_at: number;
}

function toState(r: SyncStateRow): SyncState {
  return { roomId: r.room_id, provider: r.provider, token: r.token, fullSyncAt: r.full_sync_at, updatedAt: r.updated_at };
}

export class SyncStateRepo {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  get(roomId: string, provider: string): SyncState | null {
    const row = this.db.prepare('SELECT * FROM sync_state WHERE room_id = ? AND provider = ?').get(roomId, provider) as SyncStateRow | undefined;
    return row ? toState(row) : null;
  }

  list(provider?: string): SyncState[] {
    const rows = this.db.prepare('SELECT * FROM sync_state WHERE (? IS NULL OR provider = ?) ORDER BY room_id').all(provider ?? null, provider ?? null) as SyncStateRow[];
    return rows.map(toState);
  }

  /** Stores the resume point; `full` records that it came from a full sync. */
  set(roomId: string, provider: string, token: string | null, opts: { full?: boolean } = {}): void {
    const now = this.clock.now();
    this.db
      .prepare(
        `INSERT INTO sync_state (room_id, provider, token, full_sync_at, updated_at) VALUES (@roomId, @provider, @token, @full, @now)
         ON CONFLICT (room_id, provider) DO UPDATE SET token = excluded.token,
           full_sync_at = COALESCE(excluded.full_sync_at, sync_state.full_sync_at), updated_at = excluded.updated_at`,
      )
      .run({ roomId, provider, token, full: opts.full ? now : null, now });
  }

  /** Forgets the resume point (the provider said it expired): the next sync is a full one. */
  clear(roomId: string, provider: string): boolean {
    return this.db.prepare('DELETE FROM sync_state WHERE room_id = ? AND provider = ?').run(roomId, provider).changes === 1;
  }
}
