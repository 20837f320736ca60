import * as z from 'zod';
import { DoorplateError } from '../../../shared/errors.js';
import { applyPrivacy } from '../../../shared/model/privacy.js';
import type { AgendaEvent, CalendarEvent } from '../../../shared/model/event.js';
import type { HttpApp } from '../app.js';
import type { HttpContext } from '../context.js';
import { parse } from '../validate.js';
import { meetingId, splitMeetingId } from '../meeting-id.js';
import { RoomTimeline } from '../../../shared/state/timeline.js';
import { LONG_MEETING_MINS } from '../../../shared/model/long-meeting.js';
import type { Attendee } from '../../store/repos/booking-attendees.js';
import { parseAddress } from '../../mail/addresses.js';

const Instant = z.iso.datetime({ offset: true });

const BookLater = z.strictObject({
  room: z.string().min(1),
  start: Instant,
  end: Instant,
  title: z.string().min(1).max(256),
  organizer: z.string().max(320).optional(),
  /** People to invite: an address, or `{email, name?, language?}`; the count limit is `mail.maxAttendees`. */
  attendees: z
    .array(
      z.union([
        z.string().max(320),
        z.strictObject({ email: z.string().max(320), name: z.string().min(1).max(128).optional(), language: z.string().min(2).max(16).optional() }),
      ]),
    )
    .max(1000)
    .optional(),
});
const BookNow = z.strictObject({
  room: z.string().min(1),
  durationMins: z.union([z.number().int().min(5).max(LONG_MEETING_MINS), z.literal('untilNext')]).optional(),
  title: z.string().min(1).max(256).optional(),
  organizer: z.string().max(320).optional(),
});

/** A body with `start` or `end` books later; without, it books now. Picking first keeps the errors precise. */
function parseBooking(body: unknown): z.infer<typeof BookLater> | z.infer<typeof BookNow> {
  const later = body !== null && typeof body === 'object' && ('start' in body || 'end' in body);
  return later ? parse(BookLater, body, 'body') : parse(BookNow, body, 'body');
}

const PatchBody = z.union([
  z.strictObject({ extendMins: z.number().int().min(5).max(240) }),
  z.strictObject({ end: z.literal('now') }),
]);

const IdParams = z.object({ id: z.string().min(3).max(1200) });
const RoomQuery = z.object({ room: z.string().min(1).max(64) });

/** Where a booking's people are kept (the mail part); without it they are refused rather than dropped. */
export interface MeetingAttendees {
  validate(input: { organizer: string | null; attendees: Attendee[] }): void;
  /** The address that invites the people (the calendar's invitations carry it). */
  organizerOf(input: { organizer: string | null }): { name: string; email: string };
  attach(roomId: string, eventId: string, input: { organizer: string | null; attendees: Attendee[] }): Attendee[];
  attendeesOf(roomId: string, eventId: string): { organizer: { name: string; email: string }; attendees: Attendee[] } | null;
}

function idempotencyKey(headers: Record<string, unknown>): string | undefined {
  const k = headers['idempotency-key'];
  if (k === undefined) return undefined;
  if (typeof k !== 'string' || k.length < 1 || k.length > 128) throw new DoorplateError('VALIDATION', 'headers.idempotency-key: must be 1-128 characters');
  return k;
}

export function meetingRoutes(app: HttpApp, ctx: HttpContext): void {
  const people = ctx.attendees;
  // The admin API shows a booking's people; the public surfaces (kiosk, MQTT, stream) never get them.
  const out = (roomId: string, e: CalendarEvent | AgendaEvent) => {
    const room = ctx.rooms.get(roomId);
    const invited = people?.attendeesOf(roomId, e.id);
    return {
      ...applyPrivacy(e, room?.privacy),
      id: meetingId(roomId, e.id),
      eventId: e.id,
      room: roomId,
      ...(invited ? { invitedBy: invited.organizer, attendees: invited.attendees } : {}),
    };
  };

  // What the panels show: the publisher's state (with `stale`), never a second computation.
  app.get('/meetings', async (req) => {
    const { room: roomId } = parse(RoomQuery, req.query, 'query');
    const policy = ctx.rooms.policy(roomId);
    if (!policy) throw new DoorplateError('ROOM_NOT_FOUND', `no room ${JSON.stringify(roomId)}`);
    const snap = ctx.publisher.snapshot(roomId) ?? (await ctx.publisher.refresh(roomId));
    if (!snap) throw new DoorplateError('PROVIDER_UNAVAILABLE', `the state of room ${roomId} is not known yet`);
    const { state, agenda } = snap;
    const upcoming = new RoomTimeline(agenda.events, policy).slots.filter((s) => s.start > ctx.clock.now()).slice(0, 2);
    return {
      room: roomId,
      busyNow: state.status !== 'free',
      status: state.status,
      freeUntil: state.freeUntil,
      busyUntil: state.busyUntil,
      stale: state.stale,
      current: state.current ? out(roomId, state.current) : null,
      next: upcoming.map((s) => out(roomId, s.event)),
    };
  });

  app.post('/meetings', async (req, reply) => {
    const body = parseBooking(req.body);
    const key = idempotencyKey(req.headers);
    const invite = 'attendees' in body && body.attendees?.length ? { organizer: body.organizer ?? null, attendees: body.attendees.map((a) => (typeof a === 'string' ? { email: a } : a)) } : null;
    if (invite) {
      if (!people) throw new DoorplateError('VALIDATION', 'body.attendees: this server keeps no attendees');
      people.validate(invite);
    }
    // `Name <address>` names the organizer for mail; the calendar (and so the panels) get the name only.
    const organizer = body.organizer === undefined ? null : (parseAddress(body.organizer)?.name || body.organizer);
    const r =
      'start' in body
        ? await ctx.bookings.bookLater(body.room, {
            start: body.start,
            end: body.end,
            title: body.title,
            organizer,
            // A remote calendar invites them itself: they go with the booking to the provider.
            ...(invite && people ? { attendees: invite.attendees.map(({ email, name }) => ({ email, name })), organizerAddress: people.organizerOf(invite).email } : {}),
            scope: 'api',
            key,
          })
        : await ctx.bookings.bookNow(body.room, { durationMins: body.durationMins, title: body.title, organizer, via: 'api', scope: 'api', key });
    if (invite && people) people.attach(body.room, r.event.id, invite);
    return reply.status(201).header('Idempotent-Replayed', String(r.replayed)).send({ meeting: out(body.room, r.event) });
  });

  app.patch('/meetings/:id', async (req) => {
    const { roomId, eventId } = splitMeetingId(parse(IdParams, req.params, 'params').id);
    const body = parse(PatchBody, req.body, 'body');
    const key = idempotencyKey(req.headers);
    if ('extendMins' in body) return { meeting: out(roomId, await ctx.bookings.extend(roomId, { eventId, mins: body.extendMins, scope: 'api', key })) };
    const ended = await ctx.bookings.end(roomId, { eventId, scope: 'api', key });
    return { meeting: ended ? out(roomId, ended) : null };
  });

  app.delete('/meetings/:id', async (req, reply) => {
    const { roomId, eventId } = splitMeetingId(parse(IdParams, req.params, 'params').id);
    await ctx.bookings.cancel(roomId, eventId, { scope: 'api', key: idempotencyKey(req.headers) });
    return reply.status(204).send();
  });

  app.post('/meetings/:id/checkin', async (req) => {
    const { roomId, eventId } = splitMeetingId(parse(IdParams, req.params, 'params').id);
    return { meeting: out(roomId, await ctx.bookings.checkIn(roomId, { eventId, scope: 'api', key: idempotencyKey(req.headers) })) };
  });
}
