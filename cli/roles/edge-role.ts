import { SystemClock } from '../../shared/clock.js';
import type { Config } from '../../shared/config/schema.js';
import type { Part } from '../../shared/lifecycle.js';
import type { Logger } from '../../shared/logger.js';
import { createEdge, type Edge } from '../../edge/main.js';
import { hardwareFromConfig, type Hardware } from '../../edge/hal/hardware-from-config.js';
import { RefreshPolicy } from '../../edge/hal/refresh-policy.js';
import { renderStatus, renderView } from '../../edge/render/renderer.js';

/**
 * The display agent with the Pi's own hardware, as one part. Loaded only by the `edge` and
 * `node` roles, and imports nothing of the server.
 */
export function edgePart(config: Config, log: Logger): Part {
  let stopAll: (() => Promise<void>) | null = null;
  return {
    name: 'edge',
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
          await edge?.stop();
        } finally {
          sink.stop();
          hw.close();
          clearInterval(keepAlive);
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
      });
      sink.start();
      hw.actions.start();
      edge = made;
      await made.start();
    },
    async stop() {
      const stop = stopAll;
      stopAll = null;
      await stop?.();
    },
  };
}
