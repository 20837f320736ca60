import { DateTime } from 'luxon';
import type { AgendaEvent } from '../../shared/model/event.js';
import type { RoomState } from '../../shared/model/room-state.js';
import type { PanelView } from './view.js';

/**
 * Named example views: the gallery draws them, the tests render them, and `doorplate preview`
 * uses them when no state file is given. All times are on one fixed morning in the room's zone.
 */
export const SCENARIOS = ['free-all-day', 'free-until', 'free-presence', 'busy', 'busy-free-rooms', 'free-qr', 'busy-qr', 'busy-long-text', 'awaiting-checkin', 'private-meeting', 'offline', 'notice'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export const LONG_TITLE =
  'Quarterly planning review with the regional sales leads, finance partners, product owners and the platform team';
export const LONG_ROOM = 'Grand Conference Room West Wing Floor 12';

export interface SampleOptions {
  locale?: string;
  timeZone?: string;
  /** The day's date, `2026-03-03` by default; the clock reads 10:05 on it. */
  day?: string;
}

export function sampleView(scenario: Scenario, opts: SampleOptions = {}): PanelView {
  const zone = opts.timeZone ?? 'Europe/Berlin';
  const day = DateTime.fromISO(opts.day ?? '2026-03-03', { zone });
  if (!day.isValid) throw new RangeError(`sample: day '${opts.day ?? ''}' or zone '${zone}' is not valid`);
  const at = (h: number, m = 0): string => day.set({ hour: h, minute: m }).toUTC().toISO({ suppressMilliseconds: true }) ?? '';
  const now = day.set({ hour: 10, minute: 5 }).toMillis();
  const ev = (id: string, title: string | null, organizer: string | null, s: [number, number], e: [number, number], extra: Partial<AgendaEvent> = {}): AgendaEvent => ({
    id,
    title,
    organizer,
    start: at(...s),
    end: at(...e),
    allDay: false,
    status: 'confirmed',
    private: title === null,
    checkInRequired: false,
    checkedInAt: null,
    ...extra,
  });

  const standup = ev('e1', 'Design review: door panel v2', 'Maria Keller', [10, 0], [11, 0]);
  const later = [
    ev('e2', 'Customer call — Northwind', 'Tom Becker', [11, 30], [12, 0]),
    ev('e3', 'Lunch & learn: accessibility', 'Ana Ruiz', [13, 0], [14, 0]),
    ev('e4', 'Sprint planning', 'Jonas Weber', [14, 30], [15, 30]),
    ev('e5', 'Interview (backend)', null, [16, 0], [17, 0]),
  ];
  const base: RoomState = {
    room: 'room-1',
    status: 'free',
    current: null,
    next: null,
    freeUntil: null,
    busyUntil: null,
    checkIn: null,
    nextChangeAt: at(24, 0),
    stale: false,
  };
  const view: PanelView = {
    roomName: 'Aurora',
    state: base,
    agenda: [],
    now,
    timeZone: zone,
    locale: opts.locale ?? 'en',
    offline: false,
    notice: null,
    pending: null,
    error: null,
  };
  const busy = (current: AgendaEvent, agenda: AgendaEvent[]): PanelView => ({
    ...view,
    state: { ...base, status: 'busy', current, next: agenda[0] ?? null, busyUntil: current.end, nextChangeAt: current.end },
    agenda,
  });

  switch (scenario) {
    case 'free-all-day':
      return view;
    case 'free-until': {
      const next = later[0]!;
      return { ...view, state: { ...base, next, freeUntil: next.start, nextChangeAt: next.start }, agenda: later };
    }
    case 'free-presence': {
      // Someone walked into the free room: its presence sensor sees them.
      const next = later[0]!;
      return { ...view, state: { ...base, next, freeUntil: next.start, nextChangeAt: next.start }, agenda: later, present: true };
    }
    case 'busy':
      return busy(standup, later);
    case 'busy-free-rooms': {
      const v = busy(standup, later);
      const freeRooms = [
        { room: 'room-2', name: 'Borealis', freeUntil: at(11, 30) },
        { room: 'room-3', name: 'Cassiopeia', freeUntil: null },
        { room: 'room-4', name: 'Draco', freeUntil: at(14, 0) },
      ];
      return { ...v, state: { ...v.state, freeRooms } };
    }
    case 'free-qr': {
      const next = later[0]!;
      const qr = { url: 'http://rooms.example.com:8080/m/aurora/b/1ab2c3d/Kq3vX9dL0pWm7RtZ2yHc5e', action: 'book' as const, expiresAt: at(11, 45) };
      return { ...view, state: { ...base, next, freeUntil: next.start, nextChangeAt: next.start, qr }, agenda: later };
    }
    case 'busy-qr': {
      const v = busy(standup, later);
      const qr = { url: 'http://rooms.example.com:8080/m/aurora/e/1ab2c3d/Pz8wQ1nB6sTe4UaY0kJf9g', action: 'end' as const, expiresAt: at(11, 15) };
      const freeRooms = [
        { room: 'room-2', name: 'Borealis', freeUntil: at(11, 30) },
        { room: 'room-3', name: 'Cassiopeia', freeUntil: null },
      ];
      return { ...v, state: { ...v.state, freeRooms, qr } };
    }
    case 'busy-long-text':
      return { ...busy({ ...standup, title: LONG_TITLE, organizer: 'Maximiliane Wolkenstein-Hohenberg' }, later), roomName: LONG_ROOM };
    case 'awaiting-checkin': {
      const current = { ...standup, checkInRequired: true };
      const v = busy(current, later);
      return { ...v, state: { ...v.state, status: 'awaiting-checkin', checkIn: { eventId: current.id, opensAt: at(9, 55), closesAt: at(10, 10) } } };
    }
    case 'private-meeting':
      return busy(ev('p1', null, null, [9, 30], [11, 0], { private: true }), later);
    case 'offline':
      return { ...busy(standup, later), offline: true, pending: 'extend' };
    case 'notice':
      return {
        ...busy(standup, later),
        notice: { message: 'Fire drill at 11:00 today — please leave the building by the east stairs.', from: 'Facilities' },
      };
  }
}
