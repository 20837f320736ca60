import { createHash } from 'node:crypto';
import type { Clock } from '../../shared/clock.js';
import type { Config } from '../../shared/config/schema.js';
import { DoorplateError } from '../../shared/errors.js';
import { createLogger, type Logger } from '../../shared/logger.js';
import type { CalendarEvent } from '../../shared/model/event.js';
import type { RoomDirectory, RoomInfo } from '../rooms/room-directory.js';
import type { Store } from '../store/store.js';
import type { Attendee } from '../store/repos/booking-attendees.js';
import { domainOf, isEmail, parseAddress, type Address } from './addresses.js';
import { MailComposer } from './compose.js';
import type { MailMetricSource } from './mail-metrics.js';
import { InvitationPlanner } from './invitation-planner.js';
import { MailWorker } from './mail-worker.js';
import { Reminders } from './reminders.js';
import type { MailTransport } from './send-failure.js';
import type { EmailTemplates } from './templates.js';
import { webhookTransport } from './webhook-transport.js';

export interface MailPartDeps {
  config: Config;
  clock: Clock;
  store: Store;
  rooms: RoomDirectory;
  /** The calendar's kind: only the built-in one (`local`) is invited from here; the others invite by themselves. */
  calendarKind: string;
  /** Calls back when a room's calendar changed (the provider's listener). */
  onRoomChanged(listener: (roomId: string) => void): () => void;
  /** A notice line on a room's panels (the notify service). */
  notifyRoom(roomId: string, message: string, expiresAt: string): void;
  log?: Logger;
  /** Another transport (tests); SMTP from the config otherwise. */
  transport?: MailTransport;
  /** For the backoff's jitter (tests fix it). */
  random?: () => number;
}

/** What sending needs, loaded only when mail is on: the templates (and their engine) and the transport (nodemailer's). */
interface Sending {
  templates: EmailTemplates;
  /** Null in a dry run, which sends nothing. */
  transport: MailTransport | null;
}

export interface AttendeesInput {
  organizer: string | null;
  attendees: Attendee[];
}

/**
 * Everything about mail in one part: attendees kept with bookings, invitations planned from
 * calendar changes, the outbox worker, reminders. The server builds it, starts it after the
 * calendar and stops it before the store.
 */
export class MailPart {
  readonly planner: InvitationPlanner | null;
  readonly worker: MailWorker | null;
  readonly reminders: Reminders;
  private readonly log: Logger;
  private readonly sender: Address;
  private readonly composer: MailComposer | null;
  private unsubscribe: (() => void) | null = null;
  private remindersQueued = 0;

  /** The part; the template engine and the SMTP adapter are loaded only when mail is on. */
  static async open(deps: MailPartDeps): Promise<MailPart> {
    const mail = deps.config.mail;
    const log = deps.log ?? createLogger('server:mail');
    if (!mail.enabled) return new MailPart(deps, log, null);
    const { loadTemplates } = await import('./templates.js');
    const templates = loadTemplates({ dir: mail.templatesDir, log });
    if (mail.dryRun) return new MailPart(deps, log, { templates, transport: null });
    if (deps.transport) return new MailPart(deps, log, { templates, transport: deps.transport });
    const smtp = await import('./smtp-transport.js');
    return new MailPart(deps, log, { templates, transport: smtp.smtpTransport(mail.smtp, smtp.smtpPassword(mail.smtp)) });
  }

  private constructor(
    private readonly deps: MailPartDeps,
    log: Logger,
    sending: Sending | null,
  ) {
    const mail = deps.config.mail;
    this.log = log;
    const sender = parseAddress(mail.from);
    if (!sender) throw new DoorplateError('VALIDATION', `mail.from: ${JSON.stringify(mail.from)} holds no valid address`);
    this.sender = { name: sender.name || 'doorplate', email: sender.email };
    const { store, clock } = deps;
    if (sending) {
      const invites = deps.calendarKind === 'local';
      this.composer = new MailComposer({
        templates: sending.templates,
        sender: this.sender,
        defaultLanguage: mail.defaultLanguage,
        publicUrl: mail.publicUrl,
        webhook: mail.webhook && { language: mail.webhook.language ?? mail.defaultLanguage },
      });
      this.planner = invites
        ? new InvitationPlanner({
            clock,
            log: this.log,
            rooms: deps.rooms,
            events: store.events,
            attendees: store.attendees,
            outbox: store.mail,
            transaction: (fn) => store.transaction(fn),
            composer: this.composer,
            dryRun: mail.dryRun,
            queued: () => this.worker?.kick(),
          })
        : null;
      this.worker = sending.transport === null
        ? null
        : new MailWorker({
            clock,
            log: this.log,
            outbox: store.mail,
            transport: sending.transport,
            webhook: mail.webhook && webhookTransport(mail.webhook.url, { timeoutMs: mail.webhook.timeoutSecs * 1000 }),
            maxAttempts: mail.outbox.maxAttempts,
            baseDelayMs: mail.outbox.baseDelaySecs * 1000,
            maxDelayMs: mail.outbox.maxDelaySecs * 1000,
            pollMs: mail.outbox.pollSecs * 1000,
            random: deps.random,
          });
    } else {
      this.composer = null;
      this.planner = null;
      this.worker = null;
    }
    this.reminders = new Reminders({
      clock,
      log: this.log,
      rooms: deps.rooms,
      leadMins: (roomId) => deps.config.rooms.find((r) => r.id === roomId)?.remindBeforeMins ?? deps.config.site.remindBeforeMins,
      events: store.events,
      claim: (roomId, eventId, start) => store.reminders.claim(roomId, eventId, start),
      release: (roomId, eventId, start) => store.reminders.release(roomId, eventId, start),
      prune: (now) => {
        const before = now - mail.outbox.keepDays * 86_400_000;
        store.reminders.pruneBefore(before);
        store.mail.pruneSent(before);
        store.attendees.pruneEndedBefore(before);
      },
      notifyPanels: (room, message, expiresAt) => deps.notifyRoom(room.id, message, expiresAt),
      mailAttendees: (room, e) => this.remindByMail(room, e),
    });
  }

  start(): void {
    if (this.planner) {
      const planner = this.planner;
      this.unsubscribe = this.deps.onRoomChanged((roomId) => this.plan(() => planner.reconcileRoom(roomId), roomId));
      // Changes made while the server was down (or before mail was on) are caught up at once.
      for (const r of this.deps.rooms.list()) planner.reconcileRoom(r.id);
    }
    this.worker?.start();
    this.reminders.start();
    this.log.info({ enabled: this.deps.config.mail.enabled, dryRun: this.deps.config.mail.dryRun }, 'mail started');
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.reminders.stop();
    await this.worker?.stop();
  }

  /** Checks a booking's people: `path: message` errors, and the configured limit. */
  validate(input: AttendeesInput, where = 'body'): void {
    const max = this.deps.config.mail.maxAttendees;
    if (input.attendees.length > max) throw new DoorplateError('VALIDATION', `${where}.attendees: at most ${max} attendees`);
    const seen = new Set<string>();
    input.attendees.forEach((a, i) => {
      if (!isEmail(a.email)) throw new DoorplateError('VALIDATION', `${where}.attendees.${i}.email: ${JSON.stringify(a.email)} is not an email address`);
      const key = a.email.toLowerCase();
      if (seen.has(key)) throw new DoorplateError('VALIDATION', `${where}.attendees.${i}.email: ${a.email} is listed twice`);
      seen.add(key);
    });
  }

  /**
   * Who invites a booking's people: the organizer the request named when it is an address
   * (`Name <address>` too), else the site's sender under the name the request gave.
   */
  organizerOf(input: { organizer: string | null }): Address {
    const given = input.organizer ? parseAddress(input.organizer) : null;
    return given ?? { name: input.organizer ?? this.sender.name, email: this.sender.email };
  }

  /** Stores the people of a new booking and plans its invitation. */
  attach(roomId: string, eventId: string, input: AttendeesInput): Attendee[] {
    this.validate(input);
    const organizer = this.organizerOf(input);
    const uid = `${createHash('sha256').update(`${roomId}\n${eventId}`).digest('hex').slice(0, 32)}@${domainOf(this.sender.email)}`;
    const stored = this.deps.store.attendees.attach({ roomId, eventId, organizer: organizer.email, organizerName: organizer.name || null, attendees: input.attendees, uid });
    const planner = this.planner;
    // The booking stands whatever happens to its mail; a failure is logged and retried at the next change or start.
    if (planner) this.plan(() => planner.reconcile(roomId, eventId), roomId);
    return stored.attendees;
  }

  private plan(fn: () => unknown, roomId: string): void {
    try {
      fn();
    } catch (e) {
      this.log.error({ room: roomId, err: (e as Error).message }, 'planning the mails of a room failed');
    }
  }

  metricSource(): MailMetricSource {
    return {
      outbox: this.deps.store.mail,
      queued: () => (this.planner?.queuedTotal() ?? 0) + this.remindersQueued,
      attempts: () => this.worker?.counts() ?? { sent: 0, failed: 0, dead: 0 },
    };
  }

  /** The outbox routes' view (list, show, retry, delete). */
  routeDeps(): { outbox: Store['mail']; kick: () => void } {
    return { outbox: this.deps.store.mail, kick: () => this.worker?.kick() };
  }

  attendeesOf(roomId: string, eventId: string): { organizer: Address; attendees: Attendee[] } | null {
    const b = this.deps.store.attendees.get(roomId, eventId);
    return b ? { organizer: { name: b.organizerName ?? '', email: b.organizer }, attendees: b.attendees } : null;
  }

  private remindByMail(room: RoomInfo, e: CalendarEvent): void {
    if (!this.composer) return;
    const b = this.deps.store.attendees.get(room.id, e.id);
    if (!b || b.attendees.length === 0) return;
    const mails = this.composer.compose('reminder', b, { title: e.title, start: Date.parse(e.start), end: Date.parse(e.end) }, room, b.mailed?.sequence ?? 0, this.deps.clock.now());
    if (this.deps.config.mail.dryRun) {
      for (const m of mails) this.log.info({ dryRun: true, kind: m.kind, to: m.recipient, subject: m.subject }, 'mail rendered, not sent');
      return;
    }
    this.deps.store.transaction(() => {
      for (const m of mails) this.deps.store.mail.enqueue(m);
    });
    this.remindersQueued += mails.length;
    this.worker?.kick();
  }
}
