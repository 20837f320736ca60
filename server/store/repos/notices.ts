import type { Clock } from '../../../shared/clock.js';
import type { Database } from '../database.js';
import { fromJson, toJson } from './json.js';

/** Who a notice is for: everyone, or the listed rooms and devices. */
export interface NoticeTargets {
  all: boolean;
  rooms: string[];
  devices: string[];
}

export interface Notice {
  id: string;
  name: string;
  message: string;
  from: string | null;
  targets: NoticeTargets;
  expiresAt: number | null;
  createdAt: number;
}

interface NoticeRow {
  id: string;
  name: string;
  message: string;
  from_name: string | null;
  targets: string;
  expires_at: number | null;
  created_at: number;
}

function toNotice(r: NoticeRow): Notice {
  return {
    id: r.id,
    name: r.name,
    message: r.message,
    from: r.from_name,
    targets: fromJson(r.targets) as NoticeTargets,
    expiresAt: r.expires_at,
    createdAt: r.created_at,
  };
}

export class NoticesRepo {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  add(n: { id: string; name: string; message: string; from?: string | null; targets: NoticeTargets; expiresAt?: number | null }): Notice {
    this.db
      .prepare('INSERT INTO notices (id, name, message, from_name, targets, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(n.id, n.name, n.message, n.from ?? null, toJson(n.targets, `notices.${n.id}.targets`), n.expiresAt ?? null, this.clock.now());
    return this.get(n.id) as Notice;
  }

  get(id: string): Notice | null {
    const row = this.db.prepare('SELECT * FROM notices WHERE id = ?').get(id) as NoticeRow | undefined;
    return row ? toNotice(row) : null;
  }

  /** Notices still in force at `now`, newest first. */
  active(now = this.clock.now()): Notice[] {
    const rows = this.db.prepare('SELECT * FROM notices WHERE expires_at IS NULL OR expires_at > ? ORDER BY created_at DESC, id').all(now) as NoticeRow[];
    return rows.map(toNotice);
  }

  remove(id: string): boolean {
    return this.db.prepare('DELETE FROM notices WHERE id = ?').run(id).changes === 1;
  }

  pruneExpired(now = this.clock.now()): number {
    return this.db.prepare('DELETE FROM notices WHERE expires_at IS NOT NULL AND expires_at <= ?').run(now).changes;
  }
}
