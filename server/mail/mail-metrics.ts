import type { Metric } from '../http/metrics.js';
import type { MailStatus } from '../store/repos/mail-outbox.js';

export interface MailMetricSource {
  outbox: { counts(): Record<MailStatus, number> };
  /** Counters since start; zero when mail is off. */
  queued(): number;
  attempts(): { sent: number; failed: number; dead: number };
}

/** The mail metrics, in one place whatever renders them. */
export function mailMetrics(s: MailMetricSource): Metric[] {
  const a = s.attempts();
  return [
    { name: 'doorplate_mail_outbox', help: 'Mails in the outbox by status.', type: 'gauge', samples: Object.entries(s.outbox.counts()).map(([status, value]) => ({ labels: { status }, value })) },
    { name: 'doorplate_mail_queued_total', help: 'Mails queued since start.', type: 'counter', samples: [{ value: s.queued() }] },
    { name: 'doorplate_mail_sent_total', help: 'Mails the SMTP server accepted since start.', type: 'counter', samples: [{ value: a.sent }] },
    { name: 'doorplate_mail_failed_total', help: 'Failed send attempts since start.', type: 'counter', samples: [{ value: a.failed }] },
    { name: 'doorplate_mail_dead_total', help: 'Mails given up on since start (permanent refusal or out of attempts).', type: 'counter', samples: [{ value: a.dead }] },
  ];
}
