import { FREE_ROOMS_MAX, type FreeRoom, type RoomState } from '../../shared/model/room-state.js';
import type { RoomInfo } from '../rooms/room-directory.js';

/** A room free for less than this is not worth walking to. */
export const FREE_ROOM_MIN_MS = 15 * 60_000;

export interface PublishedRoom {
  info: RoomInfo;
  state: RoomState | undefined;
}

/**
 * The one place that decides which other rooms a room's panel lists as free now: rooms whose
 * published state is free (and not stale) for at least 15 more minutes, nearest first — same
 * `group` first, then by distance in `order`, then by name. Only a room that is not free gets
 * a list (undefined when it is free or nothing is free); a free room has no use for one.
 */
export function freeRoomsNear(room: RoomInfo, state: Pick<RoomState, 'status'>, others: readonly PublishedRoom[], now: number): FreeRoom[] | undefined {
  if (state.status === 'free') return undefined;
  const order = nearer(room);
  const free = others.filter((o) => o.info.id !== room.id && isFreeNow(o.state, now)).sort((a, b) => order(a.info, b.info));
  if (free.length === 0) return undefined;
  return free.slice(0, FREE_ROOMS_MAX).map(({ info, state: s }) => ({ room: info.id, name: info.name, freeUntil: s?.freeUntil ?? null }));
}

/** Free now, fresh, and for long enough to be worth listing. */
export function isFreeNow(s: RoomState | undefined, now: number): boolean {
  if (s === undefined || s.status !== 'free' || s.stale) return false;
  return s.freeUntil === null || Date.parse(s.freeUntil) - now >= FREE_ROOM_MIN_MS;
}

/** Orders candidate rooms by nearness to `room` (negative: `a` is nearer). */
export function nearer(room: RoomInfo): (a: RoomInfo, b: RoomInfo) => number {
  const key = (info: RoomInfo): [number, number] => [room.group !== null && info.group === room.group ? 0 : 1, Math.abs(info.order - room.order)];
  return (a, b) => {
    const [ga, da] = key(a);
    const [gb, db] = key(b);
    return ga - gb || da - db || a.name.localeCompare(b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  };
}

/**
 * Whether a change of `changed`'s state can alter `room`'s list: it is on the list, or it
 * could enter it (the list has room, or it is nearer than the last listed).
 */
export function listMayChange(room: RoomInfo, list: readonly FreeRoom[] | undefined, changed: RoomInfo, byId: (id: string) => RoomInfo | undefined): boolean {
  if (changed.id === room.id) return false;
  const shown = list ?? [];
  if (shown.some((r) => r.room === changed.id)) return true;
  if (shown.length < FREE_ROOMS_MAX) return true;
  const last = byId(shown[shown.length - 1]?.room ?? '');
  return last === undefined || nearer(room)(changed, last) < 0;
}
