/**
 * A real aedes broker on a loopback port, a test-side mqtt.js client playing the server, and
 * recording fakes for the agent's hardware. Time for the agent's own timers is a FakeClock;
 * the sockets are real, so tests wait for messages with `waitFor`.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { connect as mqttConnect, type MqttClient } from 'mqtt';
import { HelloSchema, sealSecret } from '../../../shared/api/index.js';
import type { Aedes as AedesBroker, AuthenticateError } from 'aedes';
import { FakeClock } from '../../../shared/clock.js';
import type { StatusScreen } from '../../../edge/render/status-screen.js';
import { encodePayload, topicOf, type Agenda, type DeviceConfig, type TopicName, type PayloadOf, type ParamsOf } from '../../../shared/api/index.js';
import type { CalendarEvent } from '../../../shared/model/event.js';
import type { RoomPolicy, RoomState } from '../../../shared/model/room-state.js';
import { buildAgenda, computeRoomState } from '../../../shared/state/engine.js';
import type { ActionSource, ButtonAction, LedColor, PanelInfo, PictureSink, Raster, StatusLight } from '../../../edge/hal/types.js';
import type { PanelView } from '../../../edge/render/view.js';
import { Agent, type AgentOptions } from '../../../edge/agent/agent.js';
import type { Credentials, CredentialsStore } from '../../../edge/agent/credentials.js';
import { MqttJsTransport } from '../../../edge/agent/mqtt-transport.js';
import type { SystemInfo } from '../../../edge/agent/system-info.js';

export const PREFIX = 'doorplate';
export const SECRET = 'device-secret-0123456789abcdef0123456789';
export const ENROLL_TOKEN = 'site-enrollment-token-xyz';

// --- waiting ------------------------------------------------------------------------------------

export async function waitFor<T>(probe: () => T | undefined | null | false, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

// --- broker -------------------------------------------------------------------------------------

export interface TestBroker {
  port: number;
  aedes: AedesBroker;
  /** Accepted credentials: username -> password. */
  accounts: Map<string, string>;
  /** Client ids as they connect (successful CONNACK). */
  connects: string[];
  /** Each connected client's current subscriptions. */
  subscriptions: Map<string, Set<string>>;
  /** Drops every client's socket without a DISCONNECT (the broker publishes their wills). */
  dropClient(clientId: string): void;
  /** Filters the broker refuses to subscribe (granted QoS 128) while listed. */
  refusedFilters: Set<string>;
  close(): Promise<void>;
}

export async function startBroker(port = 0, accounts = new Map<string, string>()): Promise<TestBroker> {
  const { Aedes } = await import('aedes');
  if (!accounts.has('server')) accounts.set('server', 'server-pass');
  const sockets = new Set<Socket>();
  const connects: string[] = [];
  const refusedFilters = new Set<string>();
  const aedes = await Aedes.createBroker({
    authorizeSubscribe: (_client, sub, done) => done(null, refusedFilters.has(sub.topic) ? null : sub),
    authenticate: (_client, username, password, done) => {
      if (username !== undefined && accounts.get(username) === password?.toString('utf8')) return done(null, true);
      const err = new Error('bad credentials') as AuthenticateError;
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- AuthErrorCode is a const enum that isolated builds cannot read
      err.returnCode = 4 as any;
      done(err, false);
    },
  });
  const clientsById = new Map<string, { close(): void }>();
  aedes.on('client', (c) => clientsById.set(c.id, c));
  aedes.on('clientReady', (c) => connects.push(c.id));
  const subscriptions = new Map<string, Set<string>>();
  aedes.on('subscribe', (subs, c) => {
    const set = subscriptions.get(c.id) ?? new Set<string>();
    for (const sub of subs) set.add(sub.topic);
    subscriptions.set(c.id, set);
  });
  aedes.on('unsubscribe', (topics, c) => {
    for (const topic of topics) subscriptions.get(c.id)?.delete(topic);
  });
  aedes.on('clientDisconnect', (c) => subscriptions.delete(c.id));
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    aedes.handle(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    aedes,
    accounts,
    connects,
    subscriptions,
    refusedFilters,
    dropClient(clientId) {
      const c = clientsById.get(clientId) as unknown as { conn?: { destroy(): void } } | undefined;
      if (!c?.conn) throw new Error(`no client ${clientId}`);
      c.conn.destroy();
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => aedes.close(() => r()));
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

// --- the test-side "server" ---------------------------------------------------------------------

export interface Received {
  topic: string;
  text: string;
  retain: boolean;
}

export interface TestServer {
  client: MqttClient;
  received: Received[];
  publish<N extends TopicName>(name: N, params: ParamsOf<N>, payload: PayloadOf<N>): Promise<void>;
  /** Publishes raw bytes (for malformed payloads). */
  publishRaw(topic: string, text: string, retain: boolean): Promise<void>;
  on(topicPrefix: string): Received[];
  close(): Promise<void>;
}

export async function startServerClient(port: number, clientId = 'test-server', filter = `${PREFIX}/#`): Promise<TestServer> {
  const client = mqttConnect(`mqtt://127.0.0.1:${port}`, { clientId, username: 'server', password: 'server-pass', reconnectPeriod: 0 });
  const received: Received[] = [];
  client.on('message', (topic, payload, packet) => received.push({ topic, text: payload.toString('utf8'), retain: packet.retain }));
  client.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  await client.subscribeAsync(filter, { qos: 1 });
  return {
    client,
    received,
    async publish(name, params, payload) {
      const retain = name === 'roomState' || name === 'roomAgenda' || name === 'deviceConfig' || name === 'serverAvailability';
      await client.publishAsync(topicOf(PREFIX, name, params), encodePayload(name, payload), { qos: 1, retain });
    },
    async publishRaw(topic, text, retain) {
      await client.publishAsync(topic, text, { qos: 1, retain });
    },
    on(topicPrefix) {
      return received.filter((r) => r.topic.startsWith(topicPrefix));
    },
    async close() {
      await client.endAsync(true);
    },
  };
}

/** Approves `device` as the server does: its secret sealed to the key of its last enrolling hello. */
export async function approveSealed(server: TestServer, device: string, secret: string): Promise<void> {
  const hello = server
    .on(`${PREFIX}/devices/${device}/hello`)
    .map((m) => HelloSchema.parse(JSON.parse(m.text)))
    .filter((h) => h.enrolling)
    .at(-1);
  if (hello?.sealKey === undefined) throw new Error(`no enrolling hello with a sealKey from ${device}`);
  await server.client.publishAsync(`${PREFIX}/devices/${device}/enrollment`, JSON.stringify({ status: 'approved', sealedSecret: sealSecret(secret, hello.sealKey, device) }));
}

// --- fakes --------------------------------------------------------------------------------------

export class RecordingLight implements StatusLight {
  readonly history: Array<{ color: LedColor; pattern: 'steady' | 'blink' | 'fast-blink' }> = [];
  color: LedColor = 'off';
  pattern: 'steady' | 'blink' | 'fast-blink' = 'steady';
  closed = false;

  set(color: LedColor, pattern: 'steady' | 'blink' | 'fast-blink' = 'steady'): void {
    if (this.closed) throw new Error('light: closed');
    this.color = color;
    this.pattern = pattern;
    this.history.push({ color, pattern });
  }

  close(): void {
    this.closed = true;
  }
}

export class FakeActions implements ActionSource {
  private listeners: Array<(action: ButtonAction, source: string) => void> = [];
  closed = false;

  onAction(listener: (action: ButtonAction, source: string) => void): void {
    this.listeners.push(listener);
  }

  press(action: ButtonAction, source: string = action): void {
    if (this.closed) throw new Error('actions: closed');
    for (const l of this.listeners) l(action, source);
  }

  close(): void {
    this.closed = true;
  }
}

/**
 * Records pictures like the refresh policy takes them: only between start() and stop(), and
 * only of the panel's size (RGB, 3 bytes a pixel). A refused picture is also kept in `refused`,
 * so a test fails on it even where the agent only logs the rejection.
 */
export class RecordingSink implements PictureSink {
  readonly pictures: Array<{ picture: Raster; urgent: boolean }> = [];
  readonly refused: string[] = [];
  private running = false;

  constructor(private readonly panel: Pick<PanelInfo, 'width' | 'height'> = PANEL) {}

  start(): void {
    this.running = true;
  }

  stop(): void {
    this.running = false;
  }

  async submit(picture: Raster, opts: { urgent: boolean }): Promise<void> {
    const { width, height } = this.panel;
    let problem: string | null = null;
    if (!this.running) problem = 'the refresh policy is not started';
    else if (picture.width !== width || picture.height !== height) problem = `the panel is ${width}x${height}, the picture is ${picture.width}x${picture.height}`;
    else if (picture.data.length !== width * height * 3) problem = `a ${width}x${height} picture has ${width * height * 3} bytes, not ${picture.data.length}`;
    if (problem) {
      this.refused.push(problem);
      throw new RangeError(problem);
    }
    this.pictures.push({ picture, urgent: opts.urgent });
  }
}

/** A picture of the panel's size whose first bytes spell `fields` (then zeros), so tests can read it back. */
function textPicture(fields: Record<string, unknown>): Raster {
  const data = Buffer.alloc(PANEL.width * PANEL.height * 3);
  const text = Buffer.from(JSON.stringify(fields), 'utf8');
  if (text.length >= data.length) throw new Error('fake render: the view does not fit the panel');
  text.copy(data);
  return { width: PANEL.width, height: PANEL.height, data };
}

/** A tiny "renderer": the picture's bytes spell the view's essentials. */
export async function fakeRender(view: PanelView): Promise<Raster> {
  return textPicture({ status: view.state.status, room: view.roomName, offline: view.offline, error: view.error, notice: view.notice?.message ?? null });
}

/** The status screen: its title and device id, readable by `readPicture`. */
export async function fakeRenderStatus(screen: StatusScreen): Promise<Raster> {
  return textPicture({ status: 'screen', room: screen.title, offline: false, error: null, notice: screen.deviceId });
}

export function readPicture(r: Raster | null | undefined): { status: string; room: string; offline: boolean; error: string | null; notice: string | null } | null {
  if (!r) return null;
  const end = r.data.indexOf(0);
  return JSON.parse(r.data.subarray(0, end < 0 ? r.data.length : end).toString('utf8')) as ReturnType<typeof readPicture>;
}

export class MemoryCredentials implements CredentialsStore {
  saved: Credentials[] = [];
  constructor(public current: Credentials | null) {}
  async load(): Promise<Credentials | null> {
    return this.current;
  }
  async save(c: Credentials): Promise<void> {
    this.current = c;
    this.saved.push(c);
  }
}

export function recordingLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

/** A small panel, so that each recorded picture (of the panel's true size) stays small. */
export const PANEL: PanelInfo = { model: 'png', width: 250, height: 122, colors: 'bw', minRefreshIntervalMs: 0, supportsPartial: false };

export const SYSTEM: SystemInfo = { model: () => 'Raspberry Pi Zero 2 W Rev 1.0', address: () => '192.0.2.10', uptimeSec: () => 42 };

export interface Rig {
  agent: Agent;
  clock: FakeClock;
  light: RecordingLight;
  actions: FakeActions;
  sink: RecordingSink;
  credentials: CredentialsStore;
  transports: MqttJsTransport[];
  /** Reconnect attempts scheduled by the transports: [attempt, delayMs]. */
  reconnects: Array<[number, number]>;
  log: Array<Record<string, unknown>>;
}

export function makeAgent(port: number, opts: { deviceId?: string; credentials?: CredentialsStore; enrollmentToken?: string | null; clock?: FakeClock; minuteClock?: boolean; statusScreens?: boolean } = {}): Rig {
  const clock = opts.clock ?? new FakeClock('2026-03-02T08:00:00Z');
  const deviceId = opts.deviceId ?? 'dev-1';
  const light = new RecordingLight();
  const actions = new FakeActions();
  const sink = new RecordingSink();
  const credentials = opts.credentials ?? new MemoryCredentials({ deviceId, secret: SECRET, enrolledAt: '2026-03-01T00:00:00Z' });
  const transports: MqttJsTransport[] = [];
  const reconnects: Array<[number, number]> = [];
  const { logger, lines } = recordingLogger();
  const options: AgentOptions = {
    deviceId,
    prefix: PREFIX,
    url: `mqtt://127.0.0.1:${port}`,
    enrollmentToken: opts.enrollmentToken ?? null,
    defaults: { requestTtlSecs: 60, defaultDurationMins: 30 },
    hello: { panel: { model: PANEL.model, width: PANEL.width, height: PANEL.height, colors: PANEL.colors }, buttons: ['book', 'end'], leds: ['red', 'green'], agentVersion: '0.1.0' },
    minuteClock: opts.minuteClock ?? false,
  };
  const agent = new Agent(options, {
    clock,
    transports: () => {
      // A fixed jitter of one half: attempt n waits 500 * 2^(n-1) ms, capped at 30 s.
      const t = new MqttJsTransport({ clock, random: () => 0.5, logger, connectTimeoutMs: 2000 });
      t.on('reconnecting', (attempt, delay) => reconnects.push([attempt, delay]));
      transports.push(t);
      return t;
    },
    credentials,
    system: SYSTEM,
    render: fakeRender,
    renderStatus: opts.statusScreens ? fakeRenderStatus : undefined,
    sink,
    light,
    actions,
    logger,
  });
  sink.start();
  // The sink stops after the agent, as in the edge's root; a picture refused at any time fails the test.
  const stopAgent = agent.stop.bind(agent);
  agent.stop = async () => {
    await stopAgent();
    sink.stop();
    if (sink.refused.length > 0) throw new Error(`the sink refused pictures: ${sink.refused.join('; ')}`);
  };
  return { agent, clock, light, actions, sink, credentials, transports, reconnects, log: lines };
}

/** Moves the agent's clock past each reconnect delay until it is online, waiting for each attempt's outcome. */
export async function untilOnline(rig: Rig, attempts = 20): Promise<void> {
  for (let i = 0; i < attempts && rig.agent.phase !== 'online'; i++) {
    const scheduled = rig.reconnects.length;
    await rig.clock.advanceAsync(30_000);
    await waitFor(() => rig.agent.phase === 'online' || rig.reconnects.length > scheduled, 'a reconnect attempt to succeed or fail');
  }
}

// --- calendar fixtures --------------------------------------------------------------------------

export const ROOM_TZ = 'Europe/Berlin';

export function deviceConfig(room: string | null, over: Partial<DeviceConfig> = {}): DeviceConfig {
  return {
    room,
    roomName: room === null ? null : `Room ${room}`,
    timeZone: ROOM_TZ,
    locale: 'en',
    privacy: 'full',
    bookDurationsMins: [15, 30, 60],
    defaultDurationMins: 30,
    checkIn: { enabled: false, opensBeforeMins: 5, closesAfterMins: 10 },
    extendStepsMins: [15, 30],
    requestTtlSecs: 60,
    ...over,
  };
}

export function meeting(id: string, start: string, end: string, over: Partial<CalendarEvent> = {}): CalendarEvent {
  return {
    id,
    title: `Meeting ${id}`,
    organizer: 'ann@example.com',
    start,
    end,
    allDay: false,
    status: 'confirmed',
    roomResponse: 'accepted',
    private: false,
    checkInRequired: false,
    checkedInAt: null,
    seriesId: null,
    bookedAt: null,
    bookedVia: 'provider',
    ...over,
  };
}

export function policy(room: string, config = deviceConfig(room)): RoomPolicy {
  return { room, timeZone: config.timeZone, checkIn: config.checkIn, privacy: config.privacy };
}

/** What the real server would publish for `room` at `now`. */
export function serverView(room: string, events: CalendarEvent[], now: number): { state: RoomState; agenda: Agenda } {
  return { state: computeRoomState(events, now, policy(room)), agenda: buildAgenda(events, now, policy(room)) };
}

export function tmpDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'doorplate-agent-'));
}
