import type { Clock } from '../../../shared/clock.js';
import type { Database } from '../database.js';

/** Which meetings were reminded of, by start: once each, across restarts; a moved meeting is a new start. */
export class RemindersRepo {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /** Claims the reminder; false when it was already sent. */
  claim(roomId: string, eventId: string, start: string): boolean {
    return this.db.prepare('INSERT OR IGNORE INTO reminders_sent (room_id, event_id, start, sent_at) VALUES (?, ?, ?, ?)').run(roomId, eventId, start, this.clock.now()).changes === 1;
  }

  /** Gives a claim back (the reminder could not go out now; the next look tries again). */
  release(roomId: string, eventId: string, start: string): void {
    this.db.prepare('DELETE FROM reminders_sent WHERE room_id = ? AND event_id = ? AND start = ?').run(roomId, eventId, start);
  }

  has(roomId: string, eventId: string, start: string): boolean {
    return this.db.prepare('SELECT 1 FROM reminders_sent WHERE room_id = ? AND event_id = ? AND start = ?').get(roomId, eventId, start) !== undefined;
  }

  pruneBefore(ms: number): number {
    return this.db.prepare('DELETE FROM reminders_sent WHERE sent_at < ?').run(ms).changes;
  }
}
