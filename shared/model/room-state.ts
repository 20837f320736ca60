import * as z from 'zod';
import { AgendaEventSchema, Instant } from './event.js';

export const RoomStatus = z.enum(['free', 'busy', 'awaiting-checkin']);
export type RoomStatus = z.infer<typeof RoomStatus>;

/** The check-in window of the meeting that is about to start or has just started. */
export const CheckInWindowSchema = z.object({
  eventId: z.string(),
  opensAt: Instant,
  closesAt: Instant,
});

/** Another room free now, as a busy room's panel lists it: nearest first (server/state/free-rooms.ts). */
export const FreeRoomSchema = z.object({
  room: z.string().max(64),
  name: z.string().max(128),
  /** When its next meeting starts; null when nothing more is booked today. */
  freeUntil: Instant.nullable(),
});
export type FreeRoom = z.infer<typeof FreeRoomSchema>;

/** A panel lists at most this many other free rooms. */
export const FREE_ROOMS_MAX = 3;

/**
 * What a panel shows. Deterministic for (events, now, policy) so that "publish only when it
 * changed" is a plain comparison; `nextChangeAt` tells each side when to compute it again.
 */
export const RoomStateSchema = z.object({
  room: z.string(),
  status: RoomStatus,
  current: AgendaEventSchema.nullable(),
  next: AgendaEventSchema.nullable(),
  /** When free: the start of the next meeting, null when nothing follows. */
  freeUntil: Instant.nullable(),
  /** When busy: the end of the run of back-to-back or overlapping meetings. */
  busyUntil: Instant.nullable(),
  checkIn: CheckInWindowSchema.nullable(),
  nextChangeAt: Instant.nullable(),
  /** The provider could not be reached: the state is the last known one. */
  stale: z.boolean(),
  /**
   * Set by the server on a room that is not free: other rooms free now, nearest first. Absent
   * from states a display computes itself (it knows only its own room).
   */
  freeRooms: z.array(FreeRoomSchema).max(FREE_ROOMS_MAX).optional(),
  /** Set by the server when QR links are on: a signed link for a phone to act on this room. */
  qr: z
    .object({
      url: z.string().url().max(300),
      action: z.enum(['book', 'checkin', 'end']),
      expiresAt: Instant,
    })
    .optional(),
});
export type RoomState = z.infer<typeof RoomStateSchema>;

export const CheckInPolicySchema = z.object({
  enabled: z.boolean(),
  opensBeforeMins: z.number().int().min(0).max(120),
  closesAfterMins: z.number().int().min(1).max(120),
});
export type CheckInPolicy = z.infer<typeof CheckInPolicySchema>;

/** What the engine needs to know about a room besides its events. */
export interface RoomPolicy {
  room: string;
  timeZone: string;
  checkIn: CheckInPolicy;
  privacy: 'full' | 'organizer' | 'private';
}
