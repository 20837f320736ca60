import { DoorplateError } from '../../shared/errors.js';

/**
 * A meeting is addressed as `room~event` in URLs: event ids are only unique within a room's
 * calendar, and `~` never occurs in a room id.
 */
export function meetingId(roomId: string, eventId: string): string {
  return `${roomId}~${eventId}`;
}

export function splitMeetingId(id: string): { roomId: string; eventId: string } {
  const i = id.indexOf('~');
  if (i <= 0 || i === id.length - 1) throw new DoorplateError('MEETING_NOT_FOUND', 'a meeting id reads "room~event"');
  return { roomId: id.slice(0, i), eventId: id.slice(i + 1) };
}
