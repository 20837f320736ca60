import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import type { MailConfig } from '../../shared/config/schema.js';
import { readSecret } from '../../shared/config/secret.js';
import type { MailTransport } from './send-failure.js';

/** The SMTP password, read once at start; never logged. */
export function smtpPassword(smtp: MailConfig['smtp'], env: NodeJS.ProcessEnv = process.env): string | undefined {
  return smtp.password === undefined ? undefined : readSecret(smtp.password, 'mail.smtp.password', env);
}

/**
 * The SMTP adapter (nodemailer), the only file that imports it. The calendar goes in twice,
 * as iMIP asks: as the `text/calendar; method=...` alternative beside the text and HTML
 * bodies, and as an .ics attachment for clients that only look at attachments.
 */
export function smtpTransport(smtp: MailConfig['smtp'], password: string | undefined): MailTransport {
  const t = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.security === 'tls',
    requireTLS: smtp.security === 'starttls',
    ignoreTLS: smtp.security === 'none',
    auth: smtp.user ? { user: smtp.user, pass: password ?? '' } : undefined,
    connectionTimeout: smtp.timeoutSecs * 1000,
    greetingTimeout: smtp.timeoutSecs * 1000,
    socketTimeout: smtp.timeoutSecs * 1000,
    // The server's certificate is always checked; a private CA is added, never the check turned off.
    tls: { rejectUnauthorized: true, ...(smtp.caFile ? { ca: readFileSync(smtp.caFile, 'utf8') } : {}) },
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return {
    async send(m) {
      const info = await t.sendMail({
        from: m.sender,
        to: m.recipient,
        subject: m.subject,
        text: m.text,
        html: m.html,
        messageId: m.messageId,
        date: new Date(m.createdAt),
        // nodemailer puts it in as the alternative and, once more, as an application/ics attachment.
        ...(m.ics && m.icsMethod ? { icalEvent: { method: m.icsMethod, filename: m.icsMethod === 'CANCEL' ? 'cancel.ics' : 'invite.ics', content: m.ics } } : {}),
      });
      return { response: info.response };
    },
    close() {
      t.close();
    },
  };
}
