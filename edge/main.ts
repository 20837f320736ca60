import type { Config } from '../shared/config/index.js';
import { SystemClock, type Clock } from '../shared/clock.js';
import { createLogger, type Logger } from '../shared/logger.js';
import { isId } from '../shared/ids.js';
import type { ActionSource, Panel, PictureSink, Raster, StatusLight } from './hal/types.js';
import type { PanelView } from './render/view.js';
import type { StatusScreen } from './render/status-screen.js';
import { Agent, type AgentDeps, type AgentOptions, type AgentPhase } from './agent/agent.js';
import { FileCredentialsStore, type CredentialsStore } from './agent/credentials.js';
import { MqttJsTransport, RECONNECT_BACKOFF } from './agent/mqtt-transport.js';
import { hostDeviceId, hostSystemInfo, readAgentVersion, type SystemInfo } from './agent/system-info.js';
import type { TransportFactory } from './agent/transport.js';
import type { JitterPolicy } from '../shared/backoff.js';

/** The hardware and the machine, injected so the demo can run several edges in one process. */
export interface EdgeDeps {
  panel: Panel;
  sink: PictureSink;
  light: StatusLight;
  actions: ActionSource;
  /** The presence input, when the display has one (its state is reported to the server). */
  presence?: AgentDeps['presence'];
  render: (view: PanelView) => Promise<Raster>;
  /** The screen before there is a room to show (waiting for approval, no room). */
  renderStatus?: (screen: StatusScreen) => Promise<Raster>;
  clock?: Clock;
  /** The device id when `edge.deviceId` is not set (default: the Pi's serial or the host name). */
  deviceId?: () => string;
  system?: SystemInfo;
  transports?: TransportFactory;
  /** Where the agent connects, asked before every attempt (a fleet's serving node, found by discovery); null while none is known. */
  serverUrl?: (configuredUrl: string) => string | null;
  /** The reconnect backoff (a fleet caps it low, so a display reaches a new leader soon). */
  reconnect?: JitterPolicy;
  credentials?: CredentialsStore;
  /** Button and LED names for the hello, when they are not the configured GPIO ones (simulated devices). */
  buttons?: string[];
  leds?: string[];
  logger?: Logger;
}

export interface Edge {
  readonly deviceId: string;
  readonly agent: Agent;
  readonly light: StatusLight;
  readonly phase: AgentPhase;
  /** The last picture sent to the panel. */
  readonly lastPicture: Raster | null;
  readonly lastView: PanelView | null;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The edge composition root: one agent with its panel, light and buttons. */
export function createEdge(config: Config, deps: EdgeDeps): Edge {
  const edge = config.edge;
  const deviceId = edge.deviceId ?? (deps.deviceId ?? hostDeviceId)();
  if (!isId(deviceId)) throw new Error(`edge.deviceId: ${JSON.stringify(deviceId)} is not a valid device id`);
  const clock = deps.clock ?? new SystemClock();
  const logger = deps.logger ?? createLogger('edge:agent').child({ deviceId });
  const agent = new Agent(
    agentSettings(config, deps, deviceId),
    {
      clock,
      transports:
        deps.transports ??
        (() =>
          new MqttJsTransport({
            clock,
            logger: createLogger('edge:agent:mqtt', logger),
            backoff: deps.reconnect ?? { ...RECONNECT_BACKOFF, capMs: edge.server.reconnectMaxSecs * 1000 },
            ...(edge.server.caFingerprint ? { pinnedFingerprint: edge.server.caFingerprint } : {}),
            ...(deps.serverUrl ? { target: deps.serverUrl } : {}),
          })),
      credentials: deps.credentials ?? new FileCredentialsStore(edge.credentialsFile),
      system: deps.system ?? hostSystemInfo(),
      render: deps.render,
      renderStatus: deps.renderStatus,
      sink: deps.sink,
      light: deps.light,
      actions: deps.actions,
      presence: deps.presence ?? null,
      logger,
    },
  );

  let started = false;
  return {
    deviceId,
    agent,
    light: deps.light,
    get phase() {
      return agent.phase;
    },
    get lastPicture() {
      return agent.lastPicture;
    },
    get lastView() {
      return agent.lastView;
    },
    async start() {
      await deps.panel.open();
      started = true;
      await agent.start();
    },
    async stop() {
      await agent.stop();
      deps.actions.close();
      deps.light.close();
      if (started) await deps.panel.close();
      started = false;
    },
  };
}

/** What the agent is told: where the server is, what this display is, and the site's defaults. */
function agentSettings(config: Config, deps: EdgeDeps, deviceId: string): AgentOptions {
  const edge = config.edge;
  const host = edge.server.host.includes(':') ? `[${edge.server.host}]` : edge.server.host;
  const panelInfo = deps.panel.info;
  return {
    deviceId,
    prefix: config.broker.prefix,
    url: `${edge.server.tls ? 'mqtts' : 'mqtt'}://${host}:${edge.server.port}`,
    enrollmentToken: edge.enrollmentToken ?? null,
    defaults: { requestTtlSecs: config.site.requestTtlSecs, defaultDurationMins: config.site.booking.defaultDurationMins },
    hello: {
      panel: { model: panelInfo.model, width: panelInfo.width, height: panelInfo.height, colors: panelInfo.colors },
      buttons: deps.buttons ?? edge.buttons.map((b) => b.name),
      leds: deps.leds ?? (['red', 'green'] as const).filter((name) => edge.leds[name] !== undefined),
      agentVersion: readAgentVersion(),
    },
    // A full e-paper refresh flashes and takes seconds: such panels print no time of day.
    minuteClock: panelInfo.supportsPartial || panelInfo.colors === 'rgb',
  };
}
