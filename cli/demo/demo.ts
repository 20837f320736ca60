import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DateTime } from 'luxon';
import { SystemClock, type Clock } from '../../shared/clock.js';
import { parseConfig } from '../../shared/config/load.js';
import { createLogger, type Logger } from '../../shared/logger.js';
import { DoorplateServer } from '../../server/server.js';
import { demoRooms, demoSchedule } from '../../server/demo/seed.js';
import { systemTimeZone } from '../../server/rooms/room-directory.js';
import { newSecret } from '../../server/security/secrets.js';
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
  url: string;
  mqttUrl: string;
  stop(): Promise<void>;
}

function keptToken(file: string): string | null {
  if (!existsSync(file)) return null;
  const t = readFileSync(file, 'utf8').trim();
  return t.length >= 32 ? t : null;
}

/**
 * The embedded default with nothing to set up: the server with the built-in calendar and a
 * working day of meetings, and one simulated display per room that enrolls over MQTT like a
 * real Pi and is approved by the demo.
 */
export async function startDemo(opts: DemoOptions): Promise<Demo> {
  const log = opts.logger ?? createLogger('demo');
  const clock = opts.clock ?? new SystemClock();
  const dataDir = resolve(opts.dataDir);
  const host = opts.host ?? '127.0.0.1';
  const timeZone = systemTimeZone();
  const rooms = demoRooms(opts.rooms);
  const adminToken = keptToken(join(dataDir, 'admin-token')) ?? newSecret();
  const enrollmentToken = newSecret();
  const config = parseConfig(
    {
      site: { name: 'doorplate demo', timeZone },
      rooms,
      broker: { host, port: opts.mqttPort, anonymousLoopbackInspect: true },
      server: {
        dataDir,
        http: { host, port: opts.httpPort },
        enrollment: { tokenHash: sha256Hex(enrollmentToken) },
        // Phone links need the address phones use; with a chosen port the demo knows it.
        ...(opts.httpPort > 0 ? { qr: { publicUrl: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${opts.httpPort}` } } : {}),
      },
    },
    'demo',
  );
  const devices: SimDevice[] = [];
  const simIds = new Map(rooms.map((r) => [`sim-${r.id}`.slice(0, 64), r.id]));
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
  await server.start();
  const attendance = new DemoAttendance({ clock, schedule, seed: DEMO_SEED, door: server.bookings, log: log.child({ part: 'attendance' }) });
  attendance.start();

  // The demo plays the administrator: its own simulated devices are approved and placed.
  server.devices.onChange(({ device }) => {
    const room = simIds.get(device.id);
    if (!room || device.status !== 'pending') return;
    void (async () => {
      await server.devices.approve(device.id);
      await server.devices.assign(device.id, room);
    })().catch((e: Error) => log.error({ device: device.id, err: e.message }, 'approving a simulated device failed'));
  });

  rooms.forEach((room, i) => {
    const id = `sim-${room.id}`.slice(0, 64);
    const model = DEMO_MODELS[i % DEMO_MODELS.length] ?? 'epd7in5_V2';
    const edgeConfig = parseConfig(
      {
        site: { timeZone },
        broker: { prefix: config.broker.prefix },
        edge: {
          deviceId: id,
          server: { host: '127.0.0.1', port: server.mqttPort },
          credentialsFile: join(dataDir, 'devices', `${id}.json`),
          enrollmentToken,
        },
      },
      `demo device ${id}`,
    );
    devices.push(new SimDevice({ config: edgeConfig, model, roomId: room.id, clock, logger: createLogger('edge', log).child({ deviceId: id }) }));
  });
  await Promise.all(devices.map((d) => d.start()));

  const shownHost = host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    server,
    devices,
    attendance,
    adminToken,
    url: `http://${shownHost}:${server.httpPort}`,
    mqttUrl: `mqtt://${shownHost}:${server.mqttPort}`,
    async stop() {
      attendance.stop();
      await Promise.all(devices.map((d) => d.stop().catch(() => undefined)));
      await server.stop();
    },
  };
}
