import { SystemClock } from '../../shared/clock.js';
import type { Config } from '../../shared/config/schema.js';
import type { Part } from '../../shared/lifecycle.js';
import type { Logger } from '../../shared/logger.js';
import { createEdge, type Edge, type EdgeDeps } from '../../edge/main.js';
import { hardwareFromConfig, type Hardware } from '../../edge/hal/hardware-from-config.js';
import { RefreshPolicy } from '../../edge/hal/refresh-policy.js';
import { renderStatus, renderView } from '../../edge/render/renderer.js';

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
      stopAll = async () => {
        sink.stop();
        try {
          await edge?.stop();
        } finally {
          hw.close();
        }
      };
      // A start that fails halfway is stopped by the lifecycle: stopAll closes what was opened.
      const size = { width: hw.panel.info.width, height: hw.panel.info.height, colors: hw.panel.info.colors };
      const made = createEdge(config, {
        panel: hw.panel,
        sink,
        light: hw.light,
        actions: hw.actions,
        render: (view) => renderView(view, size),
        renderStatus: (screen) => renderStatus(screen, size),
        clock,
        buttons: hw.buttonNames,
        leds: hw.ledNames,
        logger: log,
        ...extra,
      });
      sink.start();
      hw.actions.start();
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
