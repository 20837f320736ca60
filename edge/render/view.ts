import type { AgendaEvent } from '../../shared/model/event.js';
import type { RoomState } from '../../shared/model/room-state.js';
import type { Action } from '../hal/types.js';

/** Everything a panel picture is drawn from; the renderer is a pure function of it. */
export interface PanelView {
  roomName: string;
  state: RoomState;
  /** Upcoming events (privacy already applied), soonest first. */
  agenda: readonly AgendaEvent[];
  /** Epoch ms: the time printed on the panel. */
  now: number;
  timeZone: string;
  /** BCP 47 tag; en, de, fr and es have their own strings, others fall back to en. */
  locale: string;
  /** The server is unreachable: the state was recomputed locally. */
  offline: boolean;
  /** One line from a notify message, or null. */
  notice: { message: string; from: string } | null;
  /** A request sent and not yet answered (shown as a small "…" mark). */
  pending: Action | null;
  /** The last refused request's reason, shown briefly. */
  error: string | null;
  /** The display's presence sensor sees someone (a free room then offers to be booked). Default false. */
  present?: boolean;
  /**
   * Print the time of day. Only panels redrawn every minute keep a printed clock right; a panel
   * that can only refresh in full shows the date alone rather than a time that is wrong.
   * Default true.
   */
  showClock?: boolean;
}
