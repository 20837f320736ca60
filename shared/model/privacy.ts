import type { AgendaEvent, CalendarEvent, PrivacyMode } from './event.js';

/** What is shown of a room whose mode is not known (an unknown or removed room): nothing. */
export const DEFAULT_PRIVACY: PrivacyMode = 'private';

/**
 * The one place a title or organizer is let out, for every way out (MQTT state and agenda, REST,
 * device responses, the live stream and the kiosk page, which carry what the publisher made).
 * Provider-private events are private whatever the room's mode.
 */
export function applyPrivacy(e: CalendarEvent | AgendaEvent, mode: PrivacyMode | undefined): AgendaEvent {
  const effective: PrivacyMode = e.private ? 'private' : (mode ?? DEFAULT_PRIVACY);
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
