import type { Clock } from '../../../shared/clock.js';
import type { Database } from '../database.js';

/** Small server-wide values (the admin token hash, the site's instance id). */
export class SettingsRepo {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  get(key: string): string | null {
    return (this.db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(key) as string | undefined) ?? null;
  }

  set(key: string, value: string): void {
    this.db
      .prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at')
      .run(key, value, this.clock.now());
  }

  delete(key: string): boolean {
    return this.db.prepare('DELETE FROM settings WHERE key = ?').run(key).changes === 1;
  }
}
