/**
 * Every error the product reports has a code here, with its HTTP status and a default message.
 * Codes are never reused for another meaning; a retired code stays listed as retired.
 */
export const ERRORS = {
  BAD_REQUEST: { status: 400, message: 'the request is malformed' },
  VALIDATION: { status: 400, message: 'the request does not match its schema' },
  UNAUTHORIZED: { status: 401, message: 'a valid bearer token is required' },
  FORBIDDEN: { status: 403, message: 'not allowed' },
  NOT_FOUND: { status: 404, message: 'no such resource' },
  ROOM_NOT_FOUND: { status: 404, message: 'no such room' },
  DEVICE_NOT_FOUND: { status: 404, message: 'no such device' },
  MEETING_NOT_FOUND: { status: 404, message: 'no such meeting' },
  ROOM_BUSY: { status: 409, message: 'the room is busy' },
  CONFLICT: { status: 409, message: 'the change conflicts with another meeting' },
  TOO_SHORT: { status: 409, message: 'less than the minimum booking length is free' },
  REQUEST_EXPIRED: { status: 410, message: 'the request expired before it reached the server' },
  NOT_ASSIGNED: { status: 409, message: 'the device has no room assigned' },
  NOT_APPROVED: { status: 403, message: 'the device is not approved' },
  CHECKIN_CLOSED: { status: 409, message: 'the check-in window is not open' },
  ROOM_DAY_FULL: { status: 409, message: 'the room has all the bookings it takes for that day' },
  NOTHING_TO_DO: { status: 409, message: 'there is no meeting to act on' },
  IDEMPOTENCY_MISMATCH: { status: 422, message: 'the idempotency key was used with another request' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'the body is too large' },
  RATE_LIMITED: { status: 429, message: 'too many requests' },
  CLOCK_SKEW: { status: 400, message: 'the request was pressed in the future; check the device clock' },
  PROVIDER_UNAVAILABLE: { status: 503, message: 'the calendar provider is unavailable' },
  NOT_REPLICATED: { status: 503, message: "the change was not confirmed by a majority of the site's serving nodes; try again (with the same idempotency key)" },
  /** The calendar answered and said no for good (not the organizer, no access): trying again will not help. */
  PROVIDER_REFUSED: { status: 409, message: 'the calendar refused the change; it cannot be made from here' },
  READ_ONLY: { status: 405, message: 'this calendar is read-only' },
  INTERNAL: { status: 500, message: 'internal error' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

export class DoorplateError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message?: string, details?: Record<string, unknown>) {
    super(message ?? ERRORS[code].message);
    this.name = 'DoorplateError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.details = details;
  }

  toJSON(): { code: ErrorCode; message: string; details?: Record<string, unknown> } {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
  }
}

export function isDoorplateError(e: unknown): e is DoorplateError {
  return e instanceof DoorplateError;
}
