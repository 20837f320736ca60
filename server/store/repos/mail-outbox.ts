import type { Clock } from '../../../shared/clock.js';
import type { Database } from '../database.js';

export const MAIL_STATUSES = ['queued', 'sending', 'sent', 'failed', 'interrupted', 'dead'] as const;
export type MailStatus = (typeof MAIL_STATUSES)[number];
export type MailKind = 'invite' | 'update' | 'cancel' | 'reminder';
/** `email` goes over SMTP; `webhook` is a JSON POST to the configured address (kept in the config, not here: it may hold a token). */
export type MailChannel = 'email' | 'webhook';

/** One mail to one recipient, rendered in full when queued: sending never renders again. */
export interface NewMail {
  channel: MailChannel;
  kind: MailKind;
  roomId: string | null;
  eventId: string | null;
  language: string;
  sender: string;
  recipient: string;
  messageId: string;
  subject: string;
  text: string;
  html: string;
  ics: string | null;
  icsMethod: 'REQUEST' | 'CANCEL' | null;
}

export interface Mail extends NewMail {
  id: number;
  status: MailStatus;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
  sentAt: number | null;
}

interface Row {
  id: number;
  channel: MailChannel;
  kind: MailKind;
  room_id: string | null;
  event_id: string | null;
  language: string;
  sender: string;
  recipient: string;
  message_id: string;
  subject: string;
  text_body: string;
  html_body: string;
  ics: string | null;
  ics_method: 'REQUEST' | 'CANCEL' | null;
  status: MailStatus;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  sent_at: number | null;
}

function toMail(r: Row): Mail {
  return {
    id: r.id,
    channel: r.channel,
    kind: r.kind,
    roomId: r.room_id,
    eventId: r.event_id,
    language: r.language,
    sender: r.sender,
    recipient: r.recipient,
    messageId: r.message_id,
    subject: r.subject,
    text: r.text_body,
    html: r.html_body,
    ics: r.ics,
    icsMethod: r.ics_method,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    sentAt: r.sent_at,
  };
}

/**
 * The mail outbox. A mail moves queued -> sending -> sent; a failed attempt goes back to
 * `failed` with its next attempt time, and after the last one to `dead`. `sending` is written
 * (and committed) before the SMTP transaction starts, so a mail found in it at start-up is one
 * whose fate the process never learned: it becomes `interrupted` and is not sent again by itself.
 */
export class MailOutboxRepo {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  enqueue(m: NewMail): Mail {
    const now = this.clock.now();
    const r = this.db
      .prepare(
        `INSERT INTO mail_outbox (channel, kind, room_id, event_id, language, sender, recipient, message_id, subject, text_body, html_body, ics, ics_method,
           status, attempts, next_attempt_at, created_at, updated_at)
         VALUES (@channel, @kind, @roomId, @eventId, @language, @sender, @recipient, @messageId, @subject, @text, @html, @ics, @icsMethod,
           'queued', 0, @now, @now, @now)`,
      )
      .run({ ...m, now });
    return this.get(Number(r.lastInsertRowid)) as Mail;
  }

  get(id: number): Mail | null {
    const row = this.db.prepare('SELECT * FROM mail_outbox WHERE id = ?').get(id) as Row | undefined;
    return row ? toMail(row) : null;
  }

  list(opts: { status?: MailStatus; limit?: number } = {}): Mail[] {
    const rows = this.db
      .prepare('SELECT * FROM mail_outbox WHERE (@status IS NULL OR status = @status) ORDER BY id DESC LIMIT @limit')
      .all({ status: opts.status ?? null, limit: opts.limit ?? 500 }) as Row[];
    return rows.map(toMail);
  }

  counts(): Record<MailStatus, number> {
    const out = Object.fromEntries(MAIL_STATUSES.map((s) => [s, 0])) as Record<MailStatus, number>;
    for (const r of this.db.prepare('SELECT status, COUNT(*) AS n FROM mail_outbox GROUP BY status').all() as Array<{ status: MailStatus; n: number }>) out[r.status] = r.n;
    return out;
  }

  /** The next mail due at `now`, claimed as `sending` (attempts counted) in one transaction. */
  claimDue(now: number): Mail | null {
    return this.db.transaction(() => {
      const row = this.db
        .prepare(`SELECT * FROM mail_outbox WHERE status IN ('queued', 'failed') AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT 1`)
        .get(now) as Row | undefined;
      if (!row) return null;
      this.db.prepare(`UPDATE mail_outbox SET status = 'sending', attempts = attempts + 1, updated_at = ? WHERE id = ?`).run(now, row.id);
      return this.get(row.id);
    })();
  }

  /** When the next queued or failed mail is due, if any. */
  nextDueAt(): number | null {
    const r = this.db.prepare(`SELECT MIN(next_attempt_at) AS at FROM mail_outbox WHERE status IN ('queued', 'failed')`).get() as { at: number | null };
    return r.at;
  }

  markSent(id: number): void {
    const now = this.clock.now();
    this.db.prepare(`UPDATE mail_outbox SET status = 'sent', sent_at = ?, updated_at = ?, last_error = NULL WHERE id = ?`).run(now, now, id);
  }

  /** A failed attempt: retried at `retryAt`, or dead when null. */
  markFailed(id: number, error: string, retryAt: number | null): void {
    const now = this.clock.now();
    this.db
      .prepare(`UPDATE mail_outbox SET status = @status, last_error = @error, next_attempt_at = @next, updated_at = @now WHERE id = @id`)
      .run({ id, status: retryAt === null ? 'dead' : 'failed', error: error.slice(0, 2000), next: retryAt ?? now, now });
  }

  /** Mails left in `sending` by a process that stopped mid-send; returns them. */
  interruptSending(): Mail[] {
    return this.db.transaction(() => {
      const rows = (this.db.prepare(`SELECT * FROM mail_outbox WHERE status = 'sending'`).all() as Row[]).map(toMail);
      const now = this.clock.now();
      for (const m of rows) {
        this.db
          .prepare(`UPDATE mail_outbox SET status = 'interrupted', last_error = ?, updated_at = ? WHERE id = ?`)
          .run(`the process stopped during the SMTP transaction of ${m.messageId}; it may have been delivered, so it is not sent again unless retried`, now, m.id);
      }
      return rows;
    })();
  }

  /** Puts a mail that is not sent or being sent back in the queue, due now, with its attempts reset. */
  retry(id: number): Mail | null {
    const now = this.clock.now();
    const r = this.db
      .prepare(`UPDATE mail_outbox SET status = 'queued', attempts = 0, next_attempt_at = ?, updated_at = ? WHERE id = ? AND status IN ('failed', 'interrupted', 'dead')`)
      .run(now, now, id);
    return r.changes === 1 ? this.get(id) : null;
  }

  /** Deletes one mail unless it is being sent right now. */
  delete(id: number): boolean {
    return this.db.prepare(`DELETE FROM mail_outbox WHERE id = ? AND status != 'sending'`).run(id).changes === 1;
  }

  /** Forgets sent mail older than `beforeMs` (its bodies are the bulk of the table). */
  pruneSent(beforeMs: number): number {
    return this.db.prepare(`DELETE FROM mail_outbox WHERE status = 'sent' AND sent_at < ?`).run(beforeMs).changes;
  }

  deleteByStatus(status: Exclude<MailStatus, 'sending'>): number {
    return this.db.prepare('DELETE FROM mail_outbox WHERE status = ?').run(status).changes;
  }
}
