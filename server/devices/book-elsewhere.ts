import { DoorplateError } from '../../shared/errors.js';
import type { FreeRoom } from '../../shared/model/room-state.js';
import type { CalendarEvent } from '../../shared/model/event.js';
import type { BookingService } from '../bookings/booking-service.js';
import type { ServerBus } from '../bus.js';
import type { RoomInfo } from '../rooms/room-directory.js';

/** How long the "booked elsewhere" line stays on the panel. */
const SHOWN_MS = 3 * 60_000;

const WORDS: Record<string, { booked: string; from: string }> = {
  en: { booked: 'Booked for you: {room}, free now', from: 'Book elsewhere' },
  de: { booked: 'Für Sie gebucht: {room}, jetzt frei', from: 'Anderswo buchen' },
  fr: { booked: 'Réservée pour vous : {room}, libre maintenant', from: 'Ailleurs' },
  es: { booked: 'Reservada para usted: {room}, libre ahora', from: 'En otra sala' },
};

export interface ElsewhereDeps {
  bookings: Pick<BookingService, 'bookNow'>;
  bus: Pick<ServerBus, 'publish'>;
  /** The rooms free now as the pressed room's panel lists them (the state publisher's list). */
  freeRooms: (roomId: string) => readonly FreeRoom[] | undefined;
  now: () => number;
}

/**
 * A hold of the book button at a busy room, where the room's rules allow it: books the first
 * room its panel lists as free now, until that room's next meeting, and tells the pressing
 * display which room it got. Null when the switch is off or nothing is listed: the caller
 * answers with the original refusal.
 */
export async function bookElsewhere(
  deps: ElsewhereDeps,
  room: RoomInfo,
  press: { deviceId: string; scope: string; key: string | undefined },
): Promise<{ event: CalendarEvent; room: FreeRoom } | { event: null; room: null } | null> {
  if (!room.booking.holdBooksFreeRoom) return null;
  const target = deps.freeRooms(room.id)?.[0];
  if (!target) return null;
  // Another room's rules apply there (not this display's overrides); the key is the press's own.
  let event: CalendarEvent;
  try {
    ({ event } = await deps.bookings.bookNow(target.room, {
      durationMins: 'untilNext',
      via: 'panel',
      scope: press.scope,
      ...(press.key ? { key: `${press.key}:elsewhere` } : {}),
    }));
  } catch (e) {
    // A retry of a press that already booked a room: that room is no longer free, so the list
    // now names another, and the key refuses the other room. The press was done: say so.
    if (e instanceof DoorplateError && e.code === 'IDEMPOTENCY_MISMATCH') return { event: null, room: null };
    throw e;
  }
  const w = WORDS[room.locale.toLowerCase().split(/[-_]/)[0] ?? 'en'] ?? WORDS.en!;
  await deps.bus.publish(
    'notifyDevice',
    { device: press.deviceId },
    { name: 'booked-elsewhere', message: w.booked.replace('{room}', target.name).slice(0, 280), from: w.from, expiresAt: new Date(deps.now() + SHOWN_MS).toISOString() },
  );
  return { event, room: target };
}
