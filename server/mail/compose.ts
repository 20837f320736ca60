import { randomUUID } from 'node:crypto';
import type { RoomInfo } from '../rooms/room-directory.js';
import type { Attendee, BookingAttendees } from '../store/repos/booking-attendees.js';
import type { MailKind, NewMail } from '../store/repos/mail-outbox.js';
import { domainOf, type Address } from './addresses.js';
import { buildInvite } from './ical-invite.js';
import { LANGUAGES, type Language } from './languages.js';
import type { EmailTemplates, TemplateData } from './templates.js';

export interface ComposerDeps {
  templates: EmailTemplates;
  sender: Address;
  defaultLanguage: Language;
  publicUrl?: string | undefined;
  /** The JSON POST channel, when configured: one message per change, in this language. */
  webhook?: { language: Language } | undefined;
}

export interface MeetingFacts {
  title: string;
  start: number;
  end: number;
}

function languageOf(wanted: string | undefined | null): Language | null {
  const base = wanted?.toLowerCase().split(/[-_]/)[0];
  return (LANGUAGES as readonly string[]).includes(base ?? '') ? (base as Language) : null;
}

/**
 * Turns one change of a booking into one mail per attendee, each in the attendee's language
 * (else the room's, else the site's), rendered in full, with the calendar for invitations,
 * updates and cancellations. One mail per person keeps a refusal of one address from holding
 * back the others, and lets each be retried alone.
 */
export class MailComposer {
  constructor(private readonly deps: ComposerDeps) {}

  pickLanguage(attendee: Pick<Attendee, 'language'>, room: Pick<RoomInfo, 'locale'>): Language {
    return languageOf(attendee.language) ?? languageOf(room.locale) ?? this.deps.defaultLanguage;
  }

  compose(kind: MailKind, booking: BookingAttendees, meeting: MeetingFacts, room: RoomInfo, sequence: number, now: number): NewMail[] {
    const method = kind === 'cancel' ? 'CANCEL' : 'REQUEST';
    const organizer = { name: booking.organizerName ?? booking.organizer, email: booking.organizer };
    const url = this.deps.publicUrl ? `${this.deps.publicUrl.replace(/\/$/, '')}/display/${encodeURIComponent(room.id)}` : '';
    const ics =
      kind === 'reminder'
        ? null
        : buildInvite({
            uid: booking.uid,
            sequence,
            method,
            start: meeting.start,
            end: meeting.end,
            timeZone: room.timeZone,
            summary: meeting.title,
            location: room.name,
            organizer: { email: booking.organizer, name: booking.organizerName },
            attendees: booking.attendees,
            stamp: now,
          });
    const data = (party: { name: string; email: string }, language: Language): TemplateData => ({
      kind,
      party,
      meeting: { name: meeting.title, sequence },
      organizer,
      sender: this.deps.sender,
      room: { id: room.id, name: room.name, timeZone: room.timeZone },
      start: new Date(meeting.start),
      end: new Date(meeting.end),
      url,
      language,
    });
    const messageId = (): string => `<${randomUUID()}@${domainOf(this.deps.sender.email)}>`;
    const mails: NewMail[] = booking.attendees.map((a) => {
      const language = this.pickLanguage(a, room);
      const r = this.deps.templates.render(language, data({ name: a.name ?? a.email, email: a.email }, language));
      return {
        channel: 'email',
        kind,
        roomId: room.id,
        eventId: booking.eventId,
        language,
        sender: r.from,
        recipient: a.name ? `"${a.name.replace(/["\\<>\r\n]/g, '')}" <${a.email}>` : a.email,
        messageId: messageId(),
        subject: r.subject,
        text: r.text,
        html: r.html,
        ics,
        icsMethod: ics ? method : null,
      };
    });
    const hook = this.deps.webhook;
    if (hook) {
      // The channel's message is about the booking as a whole: its party is everybody invited.
      const everyone = booking.attendees.map((a) => a.name ?? a.email).join(', ');
      const text = this.deps.templates.renderWebhook(hook.language, data({ name: everyone, email: '' }, hook.language));
      mails.push({ channel: 'webhook', kind, roomId: room.id, eventId: booking.eventId, language: hook.language, sender: '', recipient: 'webhook', messageId: messageId(), subject: text.split('\n')[0] ?? '', text, html: '', ics: null, icsMethod: null });
    }
    return mails;
  }
}
