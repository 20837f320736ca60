import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DateTime } from 'luxon';
import { SystemClock, type Clock } from '../../shared/clock.js';
import type { Part } from '../../shared/lifecycle.js';
import { parseConfig } from '../../shared/config/load.js';
import type { Config } from '../../shared/config/schema.js';
import { createLogger, type Logger } from '../../shared/logger.js';
import { DoorplateServer } from '../../server/server.js';
import { demoRooms, demoSchedule } from '../../server/demo/seed.js';
import { systemTimeZone } from '../../server/rooms/room-directory.js';
import { hashPassword, newSecret } from '../../server/security/secrets.js';
import { sha256Hex } from '../../server/security/secrets.js';
import { SimDevice } from './sim-device.js';
import { DemoAttendance } from './attendance.js';
import { demoRoutes } from './demo-routes.js';

export interface DemoOptions {
  httpPort: number;
  mqttPort: number;
  dataDir: string;
  rooms: number;
  host?: string;
  clock?: Clock;
  logger?: Logger;
}

/** Panel models the simulated devices cycle through, so the demo shows each kind of panel. */
export const DEMO_MODELS = ['epd7in5_V2', 'epd7in5b_V2', 'hdmi-800x480', 'epd4in2_V2', 'epd2in13_V4', 'hdmi-1280x720'] as const;

/** The demo calendar's seed: the same day of meetings (and arrivals) at every start. */
const DEMO_SEED = 2026;

export interface Demo {
  server: DoorplateServer;
  devices: SimDevice[];
  attendance: DemoAttendance;
  adminToken: string;
  /** Home Assistant's login on the demo broker (user `homeassistant`), kept in DIR/homeassistant-password. */
  homeAssistantPassword: string;
  /** In start order: the server, then one simulated display per room. */
  parts: Part[];
  readonly url: string;
  readonly mqttUrl: string;
}

function keptToken(file: string): string | null {
  if (!existsSync(file)) return null;
  const t = readFileSync(file, 'utf8').trim();
  return t.length >= 32 ? t : null;
}

/** The demo site: the built-in calendar, loopback inspection, Home Assistant's account, WebSocket and phone links. */
function demoConfig(a: { opts: DemoOptions; host: string; timeZone: string; rooms: ReturnType<typeof demoRooms>; dataDir: string; enrollmentToken: string; homeAssistantPasswordHash: string }): Config {
  return parseConfig(
    {
      site: { name: 'doorplate demo', timeZone: a.timeZone },
      rooms: a.rooms,
      broker: {
        host: a.host,
        port: a.opts.mqttPort,
        anonymousLoopbackInspect: true,
        // MQTT Explorer or a browser can look at the site over WebSocket (a free port in tests).
        ws: { port: a.opts.mqttPort === 0 ? 0 : 9001 },
        // Home Assistant's account: reads the discovery topics and presses the book buttons.
        inspectors: [{ username: 'homeassistant', passwordHash: a.homeAssistantPasswordHash, role: 'homeassistant' }],
      },
      homeAssistant: { enabled: true },
      server: {
        dataDir: a.dataDir,
        http: { host: a.host, port: a.opts.httpPort },
        enrollment: { tokenHash: sha256Hex(a.enrollmentToken) },
        // Phone links need the address phones use; with a chosen port the demo knows it.
        ...(a.opts.httpPort > 0 ? { qr: { publicUrl: `http://${a.host === '0.0.0.0' ? '127.0.0.1' : a.host}:${a.opts.httpPort}` } } : {}),
      },
    },
    'demo',
  );
}

/**
 * The embedded default with nothing to set up: the server with the built-in calendar and a
 * working day of meetings, and one simulated display per room that enrolls over MQTT like a
 * real Pi and is approved by the demo. Nothing starts here: the parts are run by the lifecycle.
 */
export async function createDemo(opts: DemoOptions): Promise<Demo> {
  const log = opts.logger ?? createLogger('demo');
  const clock = opts.clock ?? new SystemClock();
  const dataDir = resolve(opts.dataDir);
  const host = opts.host ?? '127.0.0.1';
  const timeZone = systemTimeZone();
  const rooms = demoRooms(opts.rooms);
  const adminToken = keptToken(join(dataDir, 'admin-token')) ?? newSecret();
  const enrollmentToken = newSecret();
  const haFile = join(dataDir, 'homeassistant-password');
  const homeAssistantPassword = keptToken(haFile) ?? newSecret();
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(haFile, homeAssistantPassword + '\n', { mode: 0o600 });
  const config = demoConfig({ opts, host, timeZone, rooms, dataDir, enrollmentToken, homeAssistantPasswordHash: await hashPassword(homeAssistantPassword) });
  const devices: SimDevice[] = [];
  const schedule = demoSchedule(rooms, DateTime.fromMillis(clock.now(), { zone: timeZone }), DEMO_SEED);
  const server = new DoorplateServer({
    config,
    clock,
    logger: createLogger('server', log),
    adminToken,
    enrollmentToken,
    seed: schedule,
    extraRoutes: (app, ctx) => demoRoutes(app, () => devices, ctx.tokens),
  });
  // People arrive for most seeded meetings and check in at the door; a few never come.
  const attendance = new DemoAttendance({ clock, schedule, seed: DEMO_SEED, door: { checkIn: (room, input) => server.bookings.checkIn(room, input) }, log: log.child({ part: 'attendance' }) });
  const attending: Part = { name: 'attendance', start: () => attendance.start(), stop: () => attendance.stop() };

  const simulated = simulatedDisplays({ server, rooms, devices, dataDir, enrollmentToken, clock, log });

  const shownHost = host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    server,
    devices,
    attendance,
    adminToken,
    homeAssistantPassword,
    parts: [server, attending, simulated],
    get url() {
      return `http://${shownHost}:${server.httpPort}`;
    },
    get mqttUrl() {
      return `mqtt://${shownHost}:${server.mqttPort}`;
    },
  };
}

/**
 * One simulated display per room, enrolling over MQTT like a real Pi once the server runs;
 * the demo plays the administrator and approves and places its own devices.
 */
function simulatedDisplays(d: { server: DoorplateServer; rooms: ReturnType<typeof demoRooms>; devices: SimDevice[]; dataDir: string; enrollmentToken: string; clock: Clock; log: Logger }): Part {
  const { server, devices } = d;
  const DEMO_PIR_PIN = 26;
  const simIds = new Map(d.rooms.map((r) => [`sim-${r.id}`.slice(0, 64), r.id]));
  const stopDevices = async (): Promise<void> => {
    server.events.off('demo');
    await Promise.all(devices.splice(0).map((x) => x.stop().catch(() => undefined)));
  };
  const deviceConfig = (id: string) =>
    parseConfig(
      {
        site: { timeZone: server.config.site.timeZone },
        broker: { prefix: server.config.broker.prefix },
        edge: { deviceId: id, server: { host: '127.0.0.1', port: server.mqttPort }, credentialsFile: join(d.dataDir, 'devices', `${id}.json`), enrollmentToken: d.enrollmentToken },
      },
      `demo device ${id}`,
    );
  return {
    name: 'simulated displays',
    async start() {
      server.events.on('demo', 'device.changed', async ({ device }) => {
        const room = simIds.get(device.id);
        if (!room || device.status !== 'pending') return;
        await server.devices.approve(device.id);
        await server.devices.assign(device.id, room);
      });
      d.rooms.forEach((room, i) => {
        const id = `sim-${room.id}`.slice(0, 64);
        const model = DEMO_MODELS[i % DEMO_MODELS.length] ?? 'epd7in5_V2';
        // Each with a presence input, so "walk in" on the demo page shows presence at work.
        devices.push(new SimDevice({ config: deviceConfig(id), model, roomId: room.id, clock: d.clock, logger: createLogger('edge', d.log).child({ deviceId: id }), presencePin: DEMO_PIR_PIN }));
      });
      try {
        await Promise.all(devices.map((x) => x.start()));
      } catch (e) {
        await stopDevices();
        throw e;
      }
    },
    stop: stopDevices,
  };
}
