/** The parts of Google Calendar's resources the provider reads and writes (Calendar API v3). */
export interface GoogleEventTime {
  dateTime?: string | null;
  date?: string | null;
  timeZone?: string | null;
}

export interface GoogleAttendee {
  email?: string | null;
  displayName?: string | null;
  resource?: boolean | null;
  responseStatus?: string | null;
  self?: boolean | null;
}

export interface GoogleEvent {
  id?: string | null;
  status?: string | null;
  etag?: string | null;
  summary?: string | null;
  start?: GoogleEventTime | null;
  end?: GoogleEventTime | null;
  organizer?: { email?: string | null; displayName?: string | null } | null;
  attendees?: GoogleAttendee[] | null;
  visibility?: string | null;
  recurringEventId?: string | null;
  sequence?: number | null;
  /** Private properties live on one copy of the event (the calendar it was written to); shared ones on every attendee's copy. */
  extendedProperties?: { private?: Record<string, string> | null; shared?: Record<string, string> | null } | null;
  /** `transparent`: the event does not block time (a "free" note). */
  transparency?: string | null;
}

export interface GoogleEventPage {
  items: GoogleEvent[];
  nextPageToken?: string;
  nextSyncToken?: string;
}

export interface GoogleChannel {
  id: string;
  resourceId: string;
  /** Milliseconds since the epoch. */
  expiration: number;
}

export interface GoogleResource {
  id: string;
  name: string;
  email: string;
  capacity: number | null;
}

/** events.insert/patch/delete `sendUpdates`: which guests Google mails about the change. */
export type SendUpdates = 'all' | 'externalOnly' | 'none';

/** The calls the Google provider makes; the real one wraps the official client (google-api.ts). */
export interface GoogleApi {
  listEvents(calendarId: string, q: { syncToken?: string; pageToken?: string; timeMin?: string; maxResults?: number }): Promise<GoogleEventPage>;
  getEvent(calendarId: string, eventId: string): Promise<GoogleEvent>;
  /** `sendUpdates: 'all'` has Google mail the guests (its default mails nobody). */
  insertEvent(calendarId: string, body: GoogleEvent, sendUpdates?: SendUpdates): Promise<GoogleEvent>;
  patchEvent(calendarId: string, eventId: string, patch: GoogleEvent, etag?: string | null, sendUpdates?: SendUpdates): Promise<GoogleEvent>;
  deleteEvent(calendarId: string, eventId: string, sendUpdates?: SendUpdates): Promise<void>;
  watch(calendarId: string, ch: { id: string; token: string; address: string; ttlSecs: number }): Promise<GoogleChannel>;
  stopChannel(id: string, resourceId: string): Promise<void>;
  /** Busy intervals per calendar; null for a calendar Google could not answer for. */
  freeBusy(calendarIds: readonly string[], timeMin: string, timeMax: string): Promise<Map<string, Array<{ start: string; end: string }> | null>>;
  listResources(customer: string): Promise<GoogleResource[]>;
}
