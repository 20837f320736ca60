import type { Mail } from '../store/repos/mail-outbox.js';

/*
 * What every mail transport (SMTP, webhook) is and how its failures read, apart from the SMTP
 * adapter itself so that the outbox loads nodemailer only when mail is sent at all.
 */

/** What the worker needs to hand a mail over; tests may give their own. */
export interface MailTransport {
  send(m: Mail): Promise<{ response: string }>;
  close(): void;
}

/** An SMTP failure as the worker classifies it. */
export interface SendFailure {
  message: string;
  /** A 5xx reply about the message or its recipient: sending it again cannot help. */
  permanent: boolean;
}

/** Reads a transport's error: the SMTP reply when there is one; a 5xx to the envelope or the message is permanent; a transport may say itself. */
export function classifySendError(e: unknown): SendFailure {
  const err = e as { message?: string; responseCode?: number; response?: string; code?: string; permanent?: boolean };
  const message = err.response ? `${err.code ?? 'SMTP'}: ${err.response}` : `${err.code ?? 'error'}: ${err.message ?? String(e)}`;
  if (typeof err.permanent === 'boolean') return { message, permanent: err.permanent };
  // Only a refusal of this message or its addresses is final; a refused login or TLS upgrade is the site's setting, fixed later.
  const aboutTheMessage = err.code === 'EENVELOPE' || err.code === 'EMESSAGE';
  const permanent = aboutTheMessage && typeof err.responseCode === 'number' && err.responseCode >= 500 && err.responseCode < 600;
  return { message, permanent };
}
