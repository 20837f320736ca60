import { SystemClock } from '../../shared/clock.js';
import type { Config } from '../../shared/config/schema.js';
import type { Part } from '../../shared/lifecycle.js';
import type { Logger } from '../../shared/logger.js';
import { createEdge, type Edge, type EdgeDeps } from '../../edge/main.js';
import { hardwareFromConfig, type Hardware } from '../../edge/hal/hardware-from-config.js';
import { RefreshPolicy } from '../../edge/hal/refresh-policy.js';
import { renderStatus, renderView } from '../../edge/render/renderer.js';
import { drawnGeometry, toNative } from '../../edge/render/orientation.js';
import { mergeActions, PresenceCheckIn } from '../../edge/agent/presence-checkin.js';
import { PresenceAwareLight } from '../../edge/agent/presence-light.js';
import type { RoomState } from '../../shared/model/room-state.js';

/**
 * The display agent with the Pi's own hardware, as one part. Loaded only by the `edge` and
 * `node` roles, and imports nothing of the server.
 */
export function edgePart(config: Config, log: Logger, extra: Pick<EdgeDeps, 'serverUrl' | 'reconnect'> = {}): Part & { readonly edge: Edge | null } {
  let stopAll: (() => Promise<void>) | null = null;
  let current: Edge | null = null;
  return {
    name: 'edge',
    get edge() {
      return current;
    },
    async start() {
      const clock = new SystemClock();
      const hw: Hardware = await hardwareFromConfig(config, clock, log);
      const sink = new RefreshPolicy(hw.panel, clock, {}, log);
      let edge: Edge | null = null;
      // Every timer on the clock is unref'ed and the broker socket is gone during an outage:
      // this handle alone keeps the display's process (and its offline picture) alive until
      // it is stopped.
      const keepAlive = setInterval(() => undefined, 2 ** 30);
      stopAll = async () => {
        try {
          // The agent draws nothing after its stop; the sink takes pictures until then.
          hw.presence?.stop();
          await edge?.stop();
        } finally {
          sink.stop();
          hw.close();
          clearInterval(keepAlive);
        }
      };
      // A start that fails halfway is stopped by the lifecycle: stopAll closes what was opened.
      // Drawn as the panel hangs (a portrait controller landscape), turned to its RAM order.
      const size = drawnGeometry(hw.panel.info);
      // A presence input asks for check-in as the button would; the agent's state is read lazily.
      let agentState: () => RoomState | null = () => null;
      const presence = hw.presence ? new PresenceCheckIn(hw.presence, clock, () => agentState()) : null;
      const made = createEdge(config, {
        panel: hw.panel,
        sink,
        light: hw.presence ? new PresenceAwareLight(hw.light, hw.presence, () => agentState()) : hw.light,
        actions: presence ? mergeActions(hw.actions, presence) : hw.actions,
        presence: hw.presence,
        render: async (view) => toNative(await renderView(view, size), size),
        renderStatus: async (screen) => toNative(await renderStatus(screen, size), size),
        clock,
        buttons: hw.buttonNames,
        leds: hw.ledNames,
        logger: log,
        ...extra,
      });
      agentState = () => made.agent.roomState?.state ?? null;
      sink.start();
      hw.actions.start();
      hw.presence?.start();
      edge = made;
      current = made;
      await made.start();
    },
    async stop() {
      const stop = stopAll;
      stopAll = null;
      current = null;
      await stop?.();
    },
  };
}
