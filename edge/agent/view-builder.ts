import type { DeviceConfig } from '../../shared/api/index.js';
import type { AgendaEvent } from '../../shared/model/event.js';
import type { RoomState } from '../../shared/model/room-state.js';
import { EventTimeReader } from '../../shared/state/time.js';
import type { Action } from '../hal/types.js';
import type { PanelView } from '../render/view.js';

export interface ViewInputs {
  config: DeviceConfig;
  state: RoomState;
  events: readonly AgendaEvent[];
  now: number;
  offline: boolean;
  notice: PanelView['notice'];
  pending: Action | null;
  error: string | null;
  /** The display's presence sensor sees someone. */
  present?: boolean;
}

/** The panel's view: the agenda cut to what has not ended yet, soonest first. */
export function buildView(inputs: ViewInputs): PanelView {
  const { config, now } = inputs;
  const reader = new EventTimeReader(config.timeZone);
  const upcoming = inputs.events.filter((e, i) => {
    try {
      return reader.read(e.end, `agenda.events.${i}.end`) > now;
    } catch {
      // The agenda was validated on arrival; a value the engine cannot read is shown rather than lost.
      return true;
    }
  });
  return {
    roomName: config.roomName ?? config.room ?? '',
    state: inputs.state,
    agenda: upcoming,
    now,
    timeZone: config.timeZone,
    locale: config.locale,
    offline: inputs.offline,
    notice: inputs.notice,
    pending: inputs.pending,
    error: inputs.error,
    ...(inputs.present ? { present: true } : {}),
  };
}
