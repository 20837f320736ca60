import type { AgendaEvent, CalendarEvent, PrivacyMode } from './event.js';

/**
 * The one place a title or organizer is let out. Provider-private events are private whatever
 * the room's mode.
 */
export function applyPrivacy(e: CalendarEvent | AgendaEvent, mode: PrivacyMode): AgendaEvent {
  const effective: PrivacyMode = e.private ? 'private' : mode;
  return {
    id: e.id,
    title: effective === 'full' ? e.title : null,
    organizer: effective === 'private' ? null : e.organizer,
    start: e.start,
    end: e.end,
    allDay: e.allDay,
    status: e.status,
    private: effective === 'private',
    checkInRequired: e.checkInRequired,
    checkedInAt: e.checkedInAt,
  };
}
