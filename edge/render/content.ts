import { DateTime } from 'luxon';
import type { AgendaEvent } from '../../shared/model/event.js';
import type { RoomState } from '../../shared/model/room-state.js';
import { fill, stringsFor, type PanelStrings } from './i18n.js';
import type { PanelView } from './view.js';

/**
 * What every layout prints, already worded and formatted for the room's locale and time zone,
 * so the layouts only place text and shapes.
 */
export interface PanelContent {
  room: string;
  status: 'free' | 'busy' | 'checkin';
  /** FREE / BUSY / CHECK IN in the room's language. */
  statusLabel: string;
  /** "Free until 14:00", "Busy until 15:30", "Free all day". */
  until: string;
  /** The meeting on now (or, while free in a check-in window, the one about to start). */
  meeting: MeetingLine | null;
  /** "Check in by 10:10" and the button hint, while a check-in window is open. */
  checkIn: { by: string; prompt: string } | null;
  /** "Someone's here" and "Press Book to hold this room": someone is in a free room (presence sensor), no check-in window open. */
  offer: { line: string; prompt: string } | null;
  /** Later meetings, soonest first (layouts show as many as fit). */
  upcoming: MeetingLine[];
  nextLabel: string;
  nothingNext: string;
  /** Other rooms free now, nearest first (only while this one is not free; the server lists them). */
  freeRooms: FreeRoomLine[];
  freeNowLabel: string;
  /** The server's signed link for a phone (drawn as a QR code) and its caption, else null. */
  qr: { url: string; caption: string } | null;
  /** The time of day, or the date when the panel cannot keep a clock right (then `clockForms` holds shorter dates). */
  clock: string;
  /** `clock` and, when it is a date, its shorter forms, longest first: layouts print the first that fits. */
  clockForms: readonly string[];
  /** The long date ("Sunday, November 29"), empty when the clock's place shows the date. */
  date: string;
  /** `date` and its shorter forms ("Sun, Nov 29", "Nov 29"), longest first; empty with `date`. */
  dateForms: readonly string[];
  /** "Offline" when the server is unreachable, else null. */
  offline: string | null;
  /** "Calendar not reachable" when the server says the state is stale, else null. */
  stale: string | null;
  /** The error (shown briefly) or the notice, as one line; the error wins. */
  notice: string | null;
  /** "Booking…" while a request is unanswered, else null. */
  pending: string | null;
}

export interface FreeRoomLine {
  name: string;
  /** "until 11:00", "all day". */
  until: string;
}

export interface MeetingLine {
  title: string;
  organizer: string | null;
  /** "10:00 – 11:00", "All day", "Tomorrow 09:00 – 10:00". */
  time: string;
  /** Start as a short time ("10:00") or the all-day word, for tight lists. */
  startShort: string;
}

export function buildContent(view: PanelView): PanelContent {
  const s = stringsFor(view.locale);
  const zone = view.timeZone;
  const loc = view.locale;
  const now = DateTime.fromMillis(view.now, { zone }).setLocale(loc);
  if (!now.isValid) throw new RangeError(`panel view: time zone '${zone}' or locale '${loc}' is not valid (${now.invalidExplanation ?? ''})`);
  const st = view.state;
  const status = st.status === 'awaiting-checkin' ? 'checkin' : st.status;
  const time = (iso: string): string => describeInstant(iso, now, s);

  let until: string;
  if (status === 'free') until = st.freeUntil === null ? s.freeAllDay : fill(s.freeUntil, { t: time(st.freeUntil) });
  else until = st.busyUntil === null ? s.busy : fill(s.busyUntil, { t: time(st.busyUntil) });

  const checkInEvent = st.checkIn === null ? null : st.checkIn.eventId;
  let shown: AgendaEvent | null = st.current;
  if (shown === null && checkInEvent !== null && st.next?.id === checkInEvent) shown = st.next;
  const meeting = shown === null ? null : meetingLine(shown, now, s);

  const upcoming = view.agenda
    .filter((e) => e.status !== 'cancelled' && e.id !== shown?.id && e.id !== st.current?.id)
    .filter((e) => toDateTime(e.end, zone).toMillis() > view.now && toDateTime(e.start, zone).toMillis() > view.now)
    .map((e) => meetingLine(e, now, s));
  if (upcoming.length === 0 && st.next !== null && st.next.id !== shown?.id) upcoming.push(meetingLine(st.next, now, s));

  const dates = dateFormsOf(now);
  const clockForms = view.showClock === false ? dates.slice(1) : [now.toLocaleString(DateTime.TIME_SIMPLE)];
  const dateForms = view.showClock === false ? [] : dates;

  const notice = view.error ?? (view.notice === null ? null : view.notice.from ? `${view.notice.from}: ${view.notice.message}` : view.notice.message);

  return {
    room: view.roomName,
    status,
    statusLabel: status === 'free' ? s.free : status === 'busy' ? s.busy : s.checkIn,
    until,
    meeting,
    checkIn: checkInLine(st.checkIn, shown, st.next, time, s),
    // Those present may be the next meeting's people: then the check-in line speaks to them.
    offer: view.present === true && status === 'free' && st.checkIn === null && !view.offline ? s.presenceOffer : null,
    upcoming,
    nextLabel: s.next,
    nothingNext: s.nothingNext,
    freeRooms:
      status === 'free'
        ? []
        : (st.freeRooms ?? []).map((r) => ({ name: r.name, until: r.freeUntil === null ? s.freeRoomAllDay : fill(s.freeRoomUntil, { t: time(r.freeUntil) }) })),
    freeNowLabel: s.freeNow,
    // Offline the link could not be acted on; an expired one would only disappoint.
    qr: st.qr && !view.offline && Date.parse(st.qr.expiresAt) > view.now ? { url: st.qr.url, caption: s.scan[st.qr.action] } : null,
    // Without a clock that stays right, its place shows the day, which changes only at midnight (a boundary the agent redraws at).
    clock: clockForms[0] ?? '',
    clockForms,
    date: dateForms[0] ?? '',
    dateForms,
    offline: view.offline ? s.offline : null,
    stale: st.stale ? s.stale : null,
    notice,
    pending: view.pending === null ? null : s.pending[view.pending],
  };
}

/** The two lines of the panel's prompt box: the check-in line, else the offer to book a free room someone is in. */
export function promptBox(c: PanelContent): { bold: string; small: string } | null {
  if (c.checkIn) return { bold: c.checkIn.by, small: c.checkIn.prompt };
  if (c.offer) return { bold: c.offer.line, small: c.offer.prompt };
  return null;
}

/**
 * The check-in line. The window may belong to the next meeting while another still holds the
 * room (it opened early); then the line names that meeting's start, so nobody checks in for
 * the wrong one.
 */
function checkInLine(
  window: RoomState['checkIn'],
  shown: AgendaEvent | null,
  next: AgendaEvent | null,
  time: (iso: string) => string,
  s: PanelStrings,
): PanelContent['checkIn'] {
  if (window === null) return null;
  const by = time(window.closesAt);
  if (shown !== null && window.eventId !== shown.id && next?.id === window.eventId) {
    return { by: fill(s.checkInNextBy, { start: time(next.start), t: by }), prompt: s.pressToCheckIn };
  }
  return { by: fill(s.checkInBy, { t: by }), prompt: s.pressToCheckIn };
}

/** The day in shorter and shorter forms: layouts print the longest that fits their space. */
function dateFormsOf(now: DateTime): string[] {
  const forms = [
    now.toLocaleString({ weekday: 'long', day: 'numeric', month: 'long' }),
    now.toLocaleString({ weekday: 'short', day: 'numeric', month: 'short' }),
    now.toLocaleString({ day: 'numeric', month: 'short' }),
    now.toLocaleString({ day: 'numeric', month: 'numeric' }),
  ];
  return forms.filter((f, i) => forms.indexOf(f) === i);
}

function meetingLine(e: AgendaEvent, now: DateTime, s: PanelStrings): MeetingLine {
  const zone = now.zone;
  const start = toDateTime(e.start, zone).setLocale(now.locale ?? 'en');
  const end = toDateTime(e.end, zone).setLocale(now.locale ?? 'en');
  let time: string;
  let startShort: string;
  if (e.allDay) {
    time = s.allDay;
    startShort = s.allDay;
  } else {
    const day = (d: DateTime): string => (d.hasSame(now, 'day') ? '' : dayWord(d, now, s) + ' ');
    const endDay = end.hasSame(start, 'day') ? '' : dayWord(end, now, s) + ' ';
    time = `${day(start)}${start.toLocaleString(DateTime.TIME_SIMPLE)} – ${endDay}${end.toLocaleString(DateTime.TIME_SIMPLE)}`;
    startShort = `${day(start)}${start.toLocaleString(DateTime.TIME_SIMPLE)}`;
  }
  return { title: e.title ?? s.privateMeeting, organizer: e.organizer, time, startShort };
}

/** A time, prefixed with its day when it is not today ("Tomorrow 09:00", "Fri 09:00"). */
function describeInstant(iso: string, now: DateTime, s: PanelStrings): string {
  const t = DateTime.fromISO(iso, { zone: now.zone }).setLocale(now.locale ?? 'en');
  if (!t.isValid) throw new RangeError(`panel view: '${iso}' is not an ISO instant`);
  const hm = t.toLocaleString(DateTime.TIME_SIMPLE);
  return t.hasSame(now, 'day') ? hm : `${dayWord(t, now, s)} ${hm}`;
}

function dayWord(d: DateTime, now: DateTime, s: PanelStrings): string {
  if (d.hasSame(now.plus({ days: 1 }), 'day')) return s.tomorrow;
  return d.toLocaleString({ weekday: 'short' });
}

/** An event boundary: an instant, or an all-day date read as local midnight in the room's zone. */
function toDateTime(value: string, zone: DateTime['zone'] | string): DateTime {
  const d = DateTime.fromISO(value, { zone });
  if (!d.isValid) throw new RangeError(`panel view: '${value}' is not an ISO date or instant`);
  return d;
}
