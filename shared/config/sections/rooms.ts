import * as z from 'zod';
import { Id } from '../../ids.js';
import { PrivacyMode } from '../../model/event.js';
import { CheckInPolicySchema } from '../../model/room-state.js';
import { LONG_MEETING_MINS } from '../../model/long-meeting.js';
import { TimeZone } from './primitives.js';

/** What a room (and a display's override) may set: booking, check-in, release and presence rules. */

export const BookingPolicySchema = z.strictObject({
  durationsMins: z.array(z.number().int().min(5).max(LONG_MEETING_MINS)).min(1).max(8).default([15, 30, 60]),
  defaultDurationMins: z.number().int().min(5).max(LONG_MEETING_MINS).default(30),
  minMins: z.number().int().min(1).max(60).default(5),
  granularityMins: z.number().int().min(1).max(60).default(15),
  /** What "extend" offers, in minutes; a press at a display takes the first unless it names one. */
  extendStepsMins: z.array(z.number().int().min(5).max(240)).min(1).max(4).default([15, 30]),
  /**
   * A hold of the book button at a room that is not free books the nearest room its panel
   * lists as free now (until that room's next meeting) instead of being refused.
   */
  holdBooksFreeRoom: z.boolean().default(false),
});

/** Releasing no-shows: decided on the server when a meeting's check-in window closes. */
export const AutoReleaseSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Meetings booked less than this many minutes before their start are never released. */
  exemptBookedWithinMins: z.number().int().min(0).max(1440).default(10),
  /** Meetings this long or longer are never released (8 hours: check-in stops there too). */
  exemptLongerThanMins: z.number().int().min(15).max(LONG_MEETING_MINS).default(LONG_MEETING_MINS),
  /** After this many released occurrences, a recurring series is flagged to the admin. */
  flagSeriesAfter: z.number().int().min(1).max(100).default(3),
});

/**
 * Releasing by occupancy: a meeting with nobody present for this many minutes (after its start,
 * or after the last presence) is released, under the no-show release's exemptions. Off (null)
 * unless set; it acts only in rooms whose displays have a presence input reporting.
 */
export const PresencePolicySchema = z.strictObject({
  releaseAfterMins: z.number().int().min(5).max(240).nullable().default(null),
});
export const PresenceOverrideSchema = z.strictObject({
  releaseAfterMins: PresencePolicySchema.shape.releaseAfterMins.unwrap().optional(),
});

/*
 * What a room or a display overrides: only the fields written. A `.partial()` of the schemas
 * above would still fill in their defaults and so put the site's own values back to them.
 */
const Booking = BookingPolicySchema.shape;
export const BookingOverrideSchema = z.strictObject({
  durationsMins: Booking.durationsMins.unwrap().optional(),
  defaultDurationMins: Booking.defaultDurationMins.unwrap().optional(),
  minMins: Booking.minMins.unwrap().optional(),
  granularityMins: Booking.granularityMins.unwrap().optional(),
  extendStepsMins: Booking.extendStepsMins.unwrap().optional(),
  holdBooksFreeRoom: Booking.holdBooksFreeRoom.unwrap().optional(),
});
const Release = AutoReleaseSchema.shape;
export const AutoReleaseOverrideSchema = z.strictObject({
  enabled: Release.enabled.unwrap().optional(),
  exemptBookedWithinMins: Release.exemptBookedWithinMins.unwrap().optional(),
  exemptLongerThanMins: Release.exemptLongerThanMins.unwrap().optional(),
  flagSeriesAfter: Release.flagSeriesAfter.unwrap().optional(),
});

/** A room's or a display's check-in settings: only the fields written. */
const CheckInOverrideSchema = z.strictObject(CheckInPolicySchema.partial().shape);

export const RoomConfigSchema = z.strictObject({
  id: Id,
  name: z.string().min(1).max(128),
  /** The provider's address for the room (resource email, CalDAV collection URL, ICS URL). */
  calendar: z.string().max(2048).optional(),
  /** Seats, shown in room lists and resource listings. */
  capacity: z.number().int().min(1).max(10000).optional(),
  /** Where the room is (a floor, a wing): a busy room's panel lists free rooms of its own group first. */
  group: z.string().min(1).max(64).optional(),
  /** Position along the group (walking order); nearer numbers are listed first. Default: the room's place in this list. */
  order: z.number().int().min(-1_000_000).max(1_000_000).optional(),
  timeZone: TimeZone.optional(),
  locale: z.string().max(16).optional(),
  privacy: PrivacyMode.optional(),
  checkIn: CheckInOverrideSchema.optional(),
  booking: BookingOverrideSchema.optional(),
  autoRelease: AutoReleaseOverrideSchema.optional(),
  presence: PresenceOverrideSchema.optional(),
  /** Reminders this many minutes before a meeting (to the room's panels and by mail); 0 turns them off here. */
  remindBeforeMins: z.number().int().min(0).max(1440).optional(),
});

/**
 * Per-display overrides (device > room > site): what a display offers and how presses at it
 * are handled. Auto-release stays a room setting: a meeting belongs to the room, not to one
 * of its displays.
 */
export const DeviceOverrideSchema = z.strictObject({
  id: Id,
  checkIn: CheckInOverrideSchema.optional(),
  booking: BookingOverrideSchema.optional(),
});
