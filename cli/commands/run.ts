import { SystemClock } from '../../shared/clock.js';
import { loadConfigFile } from '../../shared/config/load.js';
import type { Config } from '../../shared/config/schema.js';
import { createLogger } from '../../shared/logger.js';
import { DoorplateServer } from '../../server/server.js';
import { createEdge } from '../../edge/main.js';
import { hardwareFromConfig } from '../../edge/hal/hardware-from-config.js';
import { mergeActions, PresenceCheckIn } from '../../edge/agent/presence-checkin.js';
import { PresenceAwareLight } from '../../edge/agent/presence-light.js';
import type { RoomState } from '../../shared/model/room-state.js';
import { RefreshPolicy } from '../../edge/hal/refresh-policy.js';
import { renderStatus, renderView } from '../../edge/render/renderer.js';
import { parse, UsageError } from '../args.js';
import { runUntilSignal } from '../lifecycle.js';

function configFrom(argv: string[]): Config {
  const { values } = parse(argv, { config: { type: 'string', short: 'c' } });
  const file = values.config ?? process.env.DOORPLATE_CONFIG;
  if (!file) throw new UsageError('--config FILE is required (or DOORPLATE_CONFIG)');
  return loadConfigFile(file);
}

async function startEdge(config: Config): Promise<{ stop(): Promise<void> }> {
  const clock = new SystemClock();
  const log = createLogger('edge');
  const hw = await hardwareFromConfig(config, clock, log);
  const sink = new RefreshPolicy(hw.panel, clock, {}, log);
  const info = hw.panel.info;
  // A presence input asks for check-in as the button would; the agent reads its state lazily.
  let agentState: () => RoomState | null = () => null;
  const presence = hw.presence ? new PresenceCheckIn(hw.presence, clock, () => agentState()) : null;
  const edge = createEdge(config, {
    panel: hw.panel,
    sink,
    light: hw.presence ? new PresenceAwareLight(hw.light, hw.presence, () => agentState()) : hw.light,
    actions: presence ? mergeActions(hw.actions, presence) : hw.actions,
    render: (view) => renderView(view, { width: info.width, height: info.height, colors: info.colors }),
    renderStatus: (screen) => renderStatus(screen, { width: info.width, height: info.height, colors: info.colors }),
    clock,
    buttons: hw.buttonNames,
    leds: hw.ledNames,
    logger: log,
  });
  agentState = () => edge.agent.roomState?.state ?? null;
  sink.start();
  hw.actions.start();
  hw.presence?.start();
  await edge.start();
  return {
    stop: async () => {
      hw.presence?.stop();
      sink.stop();
      await edge.stop();
      hw.close();
    },
  };
}

/** `doorplate server|edge|node --config FILE`. */
export async function runCommand(role: 'server' | 'edge' | 'node', argv: string[]): Promise<number> {
  const config = configFrom(argv);
  const log = createLogger(role);
  return runUntilSignal(
    log,
    async () => {
      const parts: Array<{ stop(): Promise<void> }> = [];
      if (role !== 'edge') {
        const server = new DoorplateServer({ config });
        await server.start();
        parts.push(server);
      }
      // A node serves and shows its own room; electing one server among several nodes is not built yet.
      if (role !== 'server') parts.push(await startEdge(config));
      return {
        stop: async () => {
          for (const p of parts.reverse()) await p.stop();
        },
      };
    },
    `${role} running`,
  );
}
