import type { MailStatus } from '../store/repos/mail-outbox.js';

/** What the mail part counts, read by the server's metrics at each scrape. */
export interface MailMetricSource {
  outbox: { counts(): Record<MailStatus, number> };
  /** Counters since start; zero when mail is off. */
  queued(): number;
  attempts(): { sent: number; failed: number; dead: number };
}
