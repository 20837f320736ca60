import * as z from 'zod';
import { DoorplateError } from '../../../shared/errors.js';
import type { HttpApp } from '../app.js';
import { parse } from '../validate.js';
import { MAIL_STATUSES, type Mail, type MailOutboxRepo } from '../../store/repos/mail-outbox.js';

export interface MailRouteDeps {
  outbox: Pick<MailOutboxRepo, 'list' | 'get' | 'retry' | 'delete' | 'deleteByStatus' | 'counts'>;
  /** Tells the worker a mail is due now. */
  kick(): void;
}

const Status = z.enum(MAIL_STATUSES);
const ListQuery = z.strictObject({ status: Status.optional(), limit: z.coerce.number().int().min(1).max(1000).optional() });
const DeleteQuery = z.strictObject({ status: z.enum(['queued', 'sent', 'failed', 'interrupted', 'dead']) });
const IdParams = z.strictObject({ id: z.coerce.number().int().positive() });

/** A list row: who, what, where it stands; the bodies only in the detail. */
function summary(m: Mail) {
  return {
    id: m.id,
    channel: m.channel,
    kind: m.kind,
    status: m.status,
    room: m.roomId,
    eventId: m.eventId,
    to: m.recipient,
    subject: m.subject,
    messageId: m.messageId,
    attempts: m.attempts,
    nextAttemptAt: m.status === 'queued' || m.status === 'failed' ? new Date(m.nextAttemptAt).toISOString() : null,
    lastError: m.lastError,
    createdAt: new Date(m.createdAt).toISOString(),
    sentAt: m.sentAt === null ? null : new Date(m.sentAt).toISOString(),
  };
}

/** The whole mail as queued: headers and bodies. The outbox holds no SMTP settings or secrets. */
function detail(m: Mail) {
  return {
    ...summary(m),
    language: m.language,
    headers: { from: m.sender, to: m.recipient, subject: m.subject, 'message-id': m.messageId },
    text: m.text,
    html: m.html,
    calendar: m.ics ? { method: m.icsMethod, ics: m.ics } : null,
  };
}

/** The mail outbox: list, show, retry, delete. */
export function mailRoutes(app: HttpApp, deps: MailRouteDeps): void {
  const find = (id: number): Mail => {
    const m = deps.outbox.get(id);
    if (!m) throw new DoorplateError('NOT_FOUND', `no mail ${id}`);
    return m;
  };

  app.get('/mail', async (req) => {
    const q = parse(ListQuery, req.query, 'query');
    return { mail: deps.outbox.list(q).map(summary), counts: deps.outbox.counts() };
  });

  app.get('/mail/:id', async (req) => ({ mail: detail(find(parse(IdParams, req.params, 'params').id)) }));

  app.post('/mail/:id/retry', async (req) => {
    const m = find(parse(IdParams, req.params, 'params').id);
    const again = deps.outbox.retry(m.id);
    if (!again) throw new DoorplateError('NOTHING_TO_DO', `mail ${m.id} is ${m.status}; only failed, interrupted or dead mail is retried`);
    deps.kick();
    return { mail: summary(again) };
  });

  app.delete('/mail/:id', async (req, reply) => {
    const m = find(parse(IdParams, req.params, 'params').id);
    if (!deps.outbox.delete(m.id)) throw new DoorplateError('CONFLICT', `mail ${m.id} is being sent now`);
    return reply.status(204).send();
  });

  app.delete('/mail', async (req) => {
    const { status } = parse(DeleteQuery, req.query, 'query');
    return { deleted: deps.outbox.deleteByStatus(status) };
  });
}
