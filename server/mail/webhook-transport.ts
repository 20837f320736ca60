import type { Mail } from '../store/repos/mail-outbox.js';
import type { MailTransport } from './send-failure.js';

/** An HTTP answer as the worker reads it: 4xx (but 408 and 429) will not change on a retry. */
class WebhookError extends Error {
  readonly code = 'EHTTP';
  constructor(
    readonly response: string,
    readonly permanent: boolean,
  ) {
    super(response);
  }
}

/**
 * The JSON POST channel (an SMS gateway, a chat webhook): `{text, kind, room, eventId}`. The
 * address comes from the config at send time, so a token in it never reaches the outbox or
 * the API. The message's id goes along as `Idempotency-Key` for receivers that honour one.
 */
export function webhookTransport(url: string, opts: { timeoutMs: number }): MailTransport {
  return {
    async send(m: Mail) {
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': m.messageId },
          body: JSON.stringify({ text: m.text, kind: m.kind, room: m.roomId, eventId: m.eventId }),
          signal: AbortSignal.timeout(opts.timeoutMs),
        });
      } catch (e) {
        throw new WebhookError(`request failed: ${(e as Error).message}`, false);
      }
      const body = (await res.text().catch(() => '')).slice(0, 200);
      const answer = `HTTP ${res.status}${body ? ` ${body}` : ''}`;
      if (!res.ok) throw new WebhookError(answer, res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429);
      return { response: answer };
    },
    close() {},
  };
}
