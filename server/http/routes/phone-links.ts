import * as z from 'zod';
import { DateTime } from 'luxon';
import type { Clock } from '../../../shared/clock.js';
import { isDoorplateError } from '../../../shared/errors.js';
import { fill } from '../../../shared/i18n/room-strings.js';
import { phoneStringsFor } from '../../../shared/i18n/phone-strings.js';
import type { BookingService } from '../../bookings/booking-service.js';
import type { RoomDirectory, RoomInfo } from '../../rooms/room-directory.js';
import type { LinkAction, RoomLinks } from '../../qr/room-links.js';
import type { HttpApp } from '../app.js';
import { parse } from '../validate.js';
import { BOOK_MINUTES, phoneActionPage, phoneResultPage } from '../pages/phone-html.js';

const Params = z.object({ room: z.string().min(1).max(64), action: z.string().max(2), exp: z.string().max(12), sig: z.string().max(64) });
const BookForm = z.strictObject({ mins: z.enum(BOOK_MINUTES.map(String) as [string, ...string[]]) });
const EmptyForm = z.strictObject({});

export interface PhoneLinkDeps {
  clock: Clock;
  rooms: RoomDirectory;
  bookings: Pick<BookingService, 'bookNow' | 'checkIn' | 'end'>;
  links: RoomLinks;
  /** The room's state as published (the page says what it is now). */
  status: (roomId: string) => string | undefined;
}

const CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/**
 * The pages a panel's QR code opens: `GET /m/...` shows the choices the link allows, `POST`
 * acts through the same booking service as the buttons. The link is the only credential: it
 * must verify for its room and action, and not be expired.
 */
export function phoneLinkRoutes(app: HttpApp, deps: PhoneLinkDeps): void {
  void app.register(async (scope) => {
    // Plain HTML forms post url-encoded bodies; only these routes read them.
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    });

    // A link for no known room is answered in the site's language.
    const localeOf = (room: RoomInfo | undefined): string => room?.locale ?? deps.rooms.deviceConfig(null).locale;
    type Opened = { ok: false; room: RoomInfo | undefined; error: string; code: number } | { ok: true; room: RoomInfo; action: LinkAction; url: string };
    const open = (raw: unknown): Opened => {
      const p = parse(Params, raw, 'params');
      const room = deps.rooms.get(p.room);
      const { s } = phoneStringsFor(localeOf(room));
      const checked = deps.links.check(p, deps.clock.now());
      if (!checked.ok) {
        const expired = checked.reason === 'expired';
        return { ok: false, room, error: expired ? s.expired : s.invalid, code: expired ? 410 : 404 };
      }
      if (!room) return { ok: false, room, error: s.notHere, code: 404 };
      return { ok: true, room, action: checked.action, url: `/m/${encodeURIComponent(p.room)}/${p.action}/${p.exp}/${p.sig}` };
    };

    scope.get('/m/:room/:action/:exp/:sig', async (req, reply) => {
      const o = open(req.params);
      reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').header('content-security-policy', CSP).header('referrer-policy', 'no-referrer');
      if (!o.ok) return reply.status(o.code).send(phoneResultPage(localeOf(o.room), o.room?.name ?? 'doorplate', o.error, false));
      return reply.send(phoneActionPage(o.room.locale, o.room.name, o.action, deps.status(o.room.id) ?? '', o.url));
    });

    scope.post('/m/:room/:action/:exp/:sig', async (req, reply) => {
      const o = open(req.params);
      reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').header('content-security-policy', CSP).header('referrer-policy', 'no-referrer');
      if (!o.ok) return reply.status(o.code).send(phoneResultPage(localeOf(o.room), o.room?.name ?? 'doorplate', o.error, false));
      const room = o.room;
      const { s } = phoneStringsFor(room.locale);
      const hm = (iso: string): string => DateTime.fromISO(iso, { zone: room.timeZone }).setLocale(room.locale).toLocaleString(DateTime.TIME_SIMPLE);
      try {
        let message: string;
        if (o.action === 'book') {
          const { mins } = parse(BookForm, req.body ?? {}, 'body');
          const { event } = await deps.bookings.bookNow(room.id, { durationMins: Number(mins), via: 'api', scope: 'link' });
          message = fill(s.booked, { t: hm(event.end) });
        } else if (o.action === 'checkin') {
          parse(EmptyForm, req.body ?? {}, 'body');
          await deps.bookings.checkIn(room.id, { scope: 'link' });
          message = s.checkedIn;
        } else {
          parse(EmptyForm, req.body ?? {}, 'body');
          await deps.bookings.end(room.id, { scope: 'link' });
          message = s.ended;
        }
        return reply.send(phoneResultPage(room.locale, room.name, message, true));
      } catch (e) {
        if (!isDoorplateError(e)) throw e;
        return reply.status(e.status).send(phoneResultPage(room.locale, room.name, fill(s.notDone, { reason: e.message }), false));
      }
    });
  });
}
