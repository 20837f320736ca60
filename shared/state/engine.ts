import type { AgendaEvent, CalendarEvent } from '../model/event.js';
import type { RoomPolicy, RoomState } from '../model/room-state.js';
import type { Agenda } from '../api/payloads.js';

/** The engine reads stored events on the server and privacy-applied agenda events on a device. */
export type EngineEvent = CalendarEvent | AgendaEvent;

export function computeRoomState(_events: readonly EngineEvent[], _now: number, _policy: RoomPolicy): RoomState {
  throw new Error('not implemented yet');
}

export function buildAgenda(_events: readonly EngineEvent[], _now: number, _policy: RoomPolicy): Agenda {
  throw new Error('not implemented yet');
}
