import { DateTime } from 'luxon';
import type { RoomState } from '../../shared/model/room-state.js';

/** What Home Assistant reads for one room: flat values its templates take as they are. */
export interface RoomHaView {
  occupied: 'ON' | 'OFF';
  status: RoomState['status'];
  /** The current meeting's title as the room's privacy lets it out; empty when free. */
  meeting: string;
  busy_until: string | null;
  free_until: string | null;
  next_start: string | null;
  stale: boolean;
}

/** ISO 8601 with the room's own offset (Home Assistant's timestamp sensors need an offset). */
function local(instant: string | null | undefined, timeZone: string): string | null {
  if (!instant) return null;
  const dt = DateTime.fromISO(instant, { setZone: true }).setZone(timeZone);
  return dt.isValid ? dt.toISO({ suppressMilliseconds: true }) : null;
}

export function roomHaView(state: RoomState, timeZone: string): RoomHaView {
  const current = state.current;
  return {
    occupied: state.status === 'free' ? 'OFF' : 'ON',
    status: state.status,
    // The state already went through the privacy rules: a hidden title stays hidden.
    meeting: current === null ? '' : (current.title ?? 'Private meeting'),
    busy_until: local(state.busyUntil, timeZone),
    free_until: local(state.freeUntil, timeZone),
    next_start: local(state.next?.start, timeZone),
    stale: state.stale,
  };
}
