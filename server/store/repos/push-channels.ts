import type { Clock } from '../../../shared/clock.js';
import type { Database } from '../database.js';

export interface PushChannel {
  id: string;
  roomId: string;
  provider: string;
  resourceId: string | null;
  /** sha256 hex of the token the provider echoes on each notification. */
  tokenHash: string | null;
  expiresAt: number;
  createdAt: number;
}

interface PushChannelRow {
  id: string;
  room_id: string;
  provider: string;
  resource_id: string | null;
  token_hash: string | null;
  expires_at: number;
  created_at: number;
}

function toChannel(r: PushChannelRow): PushChannel {
  return {
    id: r.id,
    roomId: r.room_id,
    provider: r.provider,
    resourceId: r.resource_id,
    tokenHash: r.token_hash,
    expiresAt: r.expires_at,
    createdAt: r.created_at,
  };
}

/** Provider push subscriptions (Google channels, Graph subscriptions) and when each runs out. */
export class PushChannelsRepo {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  add(c: { id: string; roomId: string; provider: string; resourceId?: string | null; tokenHash?: string | null; expiresAt: number }): PushChannel {
    this.db
      .prepare('INSERT INTO push_channels (id, room_id, provider, resource_id, token_hash, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(c.id, c.roomId, c.provider, c.resourceId ?? null, c.tokenHash ?? null, c.expiresAt, this.clock.now());
    return this.get(c.id) as PushChannel;
  }

  get(id: string): PushChannel | null {
    const row = this.db.prepare('SELECT * FROM push_channels WHERE id = ?').get(id) as PushChannelRow | undefined;
    return row ? toChannel(row) : null;
  }

  list(filter: { roomId?: string; provider?: string } = {}): PushChannel[] {
    const rows = this.db
      .prepare('SELECT * FROM push_channels WHERE (@roomId IS NULL OR room_id = @roomId) AND (@provider IS NULL OR provider = @provider) ORDER BY expires_at, id')
      .all({ roomId: filter.roomId ?? null, provider: filter.provider ?? null }) as PushChannelRow[];
    return rows.map(toChannel);
  }

  /** Channels that run out before `beforeMs`: the ones to renew now. */
  expiringBefore(beforeMs: number): PushChannel[] {
    return (this.db.prepare('SELECT * FROM push_channels WHERE expires_at < ? ORDER BY expires_at, id').all(beforeMs) as PushChannelRow[]).map(toChannel);
  }

  setExpiry(id: string, expiresAt: number): boolean {
    return this.db.prepare('UPDATE push_channels SET expires_at = ? WHERE id = ?').run(expiresAt, id).changes === 1;
  }

  /** What the provider answered when the subscription was made (it is recorded before, so early messages find it). */
  setOpened(id: string, resourceId: string | null, expiresAt: number): boolean {
    return this.db.prepare('UPDATE push_channels SET resource_id = ?, expires_at = ? WHERE id = ?').run(resourceId, expiresAt, id).changes === 1;
  }

  remove(id: string): boolean {
    return this.db.prepare('DELETE FROM push_channels WHERE id = ?').run(id).changes === 1;
  }
}
