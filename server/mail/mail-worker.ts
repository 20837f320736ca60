import type { Clock, TimerHandle } from '../../shared/clock.js';
import { backoffDelay } from '../../shared/backoff.js';
import type { Logger } from '../../shared/logger.js';
import type { Mail, MailOutboxRepo } from '../store/repos/mail-outbox.js';
import { classifySendError, type MailTransport } from './send-failure.js';

export interface MailWorkerDeps {
  clock: Clock;
  log: Logger;
  outbox: Pick<MailOutboxRepo, 'claimDue' | 'nextDueAt' | 'markSent' | 'markFailed' | 'interruptSending'>;
  transport: MailTransport;
  /** The JSON POST channel, when configured. */
  webhook?: MailTransport | undefined;
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longest sleep between looks at the queue (a mail queued by another process, a retry). */
  pollMs: number;
  /** 0 <= x < 1; Math.random by default, fixed in tests. */
  random?: () => number;
}

/**
 * The delay after the n-th failed attempt: doubling from the base, capped, with "equal jitter"
 * (never under half the ceiling): one site has few mails, and a refusing mail server should not
 * be asked again at once.
 */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  return backoffDelay(Math.max(0, attempt - 1), { baseMs, capMs: maxMs, fixedShare: 0.5 }, random);
}

/**
 * Sends what the outbox holds, one mail at a time, on the injected clock. Each mail is claimed
 * (`sending`, committed) before the SMTP transaction and marked after it; see MailOutboxRepo
 * for what a crash in between leaves.
 */
export class MailWorker {
  private timer: TimerHandle | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;
  private again = false;
  private sent = 0;
  private failed = 0;
  private dead = 0;

  constructor(private readonly deps: MailWorkerDeps) {}

  counts(): { sent: number; failed: number; dead: number } {
    return { sent: this.sent, failed: this.failed, dead: this.dead };
  }

  start(): void {
    const interrupted = this.deps.outbox.interruptSending();
    for (const m of interrupted) this.deps.log.warn({ id: m.id, messageId: m.messageId, to: m.recipient }, 'a mail was being sent when the process stopped; not sent again unless retried');
    this.stopped = false;
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.deps.clock.clearTimeout(this.timer);
    this.timer = null;
    await this.running;
    this.deps.transport.close();
    this.deps.webhook?.close();
  }

  /** Looks at the queue now (a mail was queued or retried). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.deps.clock.clearTimeout(this.timer);
    this.timer = null;
    this.running = this.drain().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.kick();
      } else this.arm();
    });
  }

  /** Resolves when the worker is idle (tests). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private arm(): void {
    if (this.stopped) return;
    const now = this.deps.clock.now();
    const due = this.deps.outbox.nextDueAt();
    const wait = due === null ? this.deps.pollMs : Math.min(this.deps.pollMs, Math.max(0, due - now));
    this.timer = this.deps.clock.setTimeout(() => this.kick(), wait);
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      const m = this.deps.outbox.claimDue(this.deps.clock.now());
      if (!m) return;
      await this.sendOne(m);
    }
  }

  private async sendOne(m: Mail): Promise<void> {
    const { deps } = this;
    try {
      const transport = m.channel === 'webhook' ? deps.webhook : deps.transport;
      if (!transport) throw Object.assign(new Error('no webhook is configured (mail.webhook)'), { code: 'ECONFIG', permanent: true });
      const r = await transport.send(m);
      deps.outbox.markSent(m.id);
      this.sent++;
      deps.log.info({ id: m.id, kind: m.kind, to: m.recipient, messageId: m.messageId, response: r.response }, 'mail sent');
    } catch (e) {
      const f = classifySendError(e);
      const last = f.permanent || m.attempts >= deps.maxAttempts;
      const retryAt = last ? null : deps.clock.now() + backoffMs(m.attempts, deps.baseDelayMs, deps.maxDelayMs, deps.random ?? Math.random);
      deps.outbox.markFailed(m.id, f.message, retryAt);
      this.failed++;
      if (last) this.dead++;
      deps.log.warn({ id: m.id, to: m.recipient, attempt: m.attempts, error: f.message, retryAt: retryAt === null ? null : new Date(retryAt).toISOString() }, last ? 'mail dead' : 'mail attempt failed');
    }
  }
}
