/**
 * Eight hours: the one limit between a meeting and a block of the day. Meetings this long or
 * longer need no check-in and are never released as no-shows (by default); "until the next
 * meeting" stops here; a requested duration is at most this long.
 */
export const LONG_MEETING_MINS = 480;
export const LONG_MEETING_MS = LONG_MEETING_MINS * 60_000;
