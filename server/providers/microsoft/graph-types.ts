/** The parts of Microsoft Graph v1.0 resources the provider reads and writes. */
export interface GraphDateTime {
  dateTime: string;
  timeZone: string;
}

export interface GraphEmailAddress {
  address?: string | null;
  name?: string | null;
}

export interface GraphAttendee {
  emailAddress?: GraphEmailAddress | null;
  type?: 'required' | 'optional' | 'resource' | null;
  status?: { response?: string | null } | null;
}

export interface GraphEvent {
  id?: string;
  /** Present (and alone with the id) on delta items that left the calendar or the window. */
  '@removed'?: { reason?: string } | null;
  subject?: string | null;
  organizer?: { emailAddress?: GraphEmailAddress | null } | null;
  start?: GraphDateTime | null;
  end?: GraphDateTime | null;
  isAllDay?: boolean | null;
  isCancelled?: boolean | null;
  showAs?: string | null;
  sensitivity?: string | null;
  responseStatus?: { response?: string | null } | null;
  attendees?: GraphAttendee[] | null;
  seriesMasterId?: string | null;
  transactionId?: string | null;
  type?: string | null;
  location?: { displayName?: string | null } | null;
  /** Only when asked for with `$expand`; written on create (they live on the copy written to: the room's). */
  singleValueExtendedProperties?: Array<{ id: string; value: string }> | null;
}

/** One mailbox's busy time as getSchedule answers it. */
export interface GraphScheduleItem {
  status?: string | null;
  start?: GraphDateTime | null;
  end?: GraphDateTime | null;
}

export interface GraphDeltaPage {
  value: GraphEvent[];
  nextLink?: string;
  deltaLink?: string;
}

export interface GraphSubscription {
  id: string;
  resource: string;
  /** ISO instant. */
  expirationDateTime: string;
}

export interface GraphSubscriptionRequest {
  changeType: string;
  notificationUrl: string;
  lifecycleNotificationUrl: string;
  resource: string;
  expirationDateTime: string;
  clientState: string;
}

export interface GraphRoom {
  id: string;
  displayName: string;
  emailAddress: string | null;
  capacity: number | null;
}

/** The calls the Microsoft provider makes; the real one wraps the official client (graph-api.ts). */
export interface GraphApi {
  /** First page of a fresh delta over a fixed window of the mailbox's calendar view. */
  deltaStart(mailbox: string, startDateTime: string, endDateTime: string): Promise<GraphDeltaPage>;
  /** A page from a stored `@odata.nextLink` or `@odata.deltaLink`, used whole. */
  deltaFollow(link: string): Promise<GraphDeltaPage>;
  createEvent(mailbox: string, body: GraphEvent): Promise<GraphEvent>;
  /** One event, with the extended property `expandProperty` when given. */
  getEvent(mailbox: string, id: string, expandProperty?: string): Promise<GraphEvent>;
  /** The mailbox's events overlapping `[start, end)` (one page: the slot check before a booking). */
  calendarView(mailbox: string, startDateTime: string, endDateTime: string): Promise<GraphEvent[]>;
  /** Busy items of many mailboxes at once, asked as `asMailbox` (`POST /users/{id}/calendar/getSchedule`); null for one Graph could not answer for. */
  getSchedule(asMailbox: string, mailboxes: readonly string[], startDateTime: string, endDateTime: string): Promise<Map<string, GraphScheduleItem[] | null>>;
  patchEvent(mailbox: string, id: string, patch: GraphEvent): Promise<GraphEvent>;
  /** The organizer cancels: attendees are told, the event leaves the calendar. */
  cancelEvent(mailbox: string, id: string, comment: string): Promise<void>;
  /** The mailbox (the room) declines an invitation. */
  declineEvent(mailbox: string, id: string, comment: string): Promise<void>;
  createSubscription(body: GraphSubscriptionRequest): Promise<GraphSubscription>;
  renewSubscription(id: string, expirationDateTime: string): Promise<GraphSubscription>;
  reauthorizeSubscription(id: string): Promise<void>;
  deleteSubscription(id: string): Promise<void>;
  listRooms(): Promise<GraphRoom[]>;
  /** Lets go of pooled connections. */
  close(): void;
}
