import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { table } from '../table.js';
import { DisplayProcesses, PREFIX, SECRET, deviceId, freePort, provisionDevices, roomId, startDoorplate } from './site-peers.js';

export interface ReconnectRow {
  displays: number;
  rooms: number;
  backFromListenS: number;
  backFromStopS: number;
  /** From the MQTT port's first accept to the server's health check answering. */
  healthyAfterListenS: number;
  serverCpuMsPerDevice: number;
  startCpuMs: number;
  reconnectAttempts: number;
}

const now = (): number => performance.timeOrigin + performance.now();

/**
 * The reconnect storm after a server restart: every display lost its broker at once and comes
 * back with the agent's own jittered backoff (`DISPLAY_RECONNECT`). Measured: the time until the
 * last display has its room's state again, from the moment the server's MQTT port accepts, and
 * the server's CPU time from then on per display.
 */
export async function runReconnect(displays = 2000, rooms = 1000, downMs = 3000): Promise<ReconnectRow> {
  const dir = mkdtempSync(join(tmpdir(), 'doorplate-storm-'));
  const roomIds = Array.from({ length: rooms }, (_, i) => roomId(i));
  const ids = Array.from({ length: displays }, (_, i) => deviceId(i));
  const roomOf = ids.map((_, i) => roomIds[i % rooms] as string);
  provisionDevices(dir, roomOf);
  const ports = { mqtt: await freePort(), http: await freePort() };
  let server = await startDoorplate(dir, roomIds, ports);
  const clients = await DisplayProcesses.start({ host: '127.0.0.1', port: ports.mqtt, prefix: PREFIX, secret: SECRET, reconnect: true }, ids, roomOf, 4);
  try {
    const stoppedAt = now();
    await server.stop();
    await new Promise((r) => setTimeout(r, downMs));
    server = await startDoorplate(dir, roomIds, ports);
    // Displays come back as soon as the MQTT port accepts, before the HTTP side is up.
    const listeningAt = server.mqttListeningAt;
    const healthyAfterListenS = (now() - listeningAt) / 1000;
    const startCpuMs = server.cpuMsAtListen;
    const deadline = Date.now() + 300_000;
    for (;;) {
      const r = await clients.report();
      const missing = r.back.filter((b, i) => b === null || (r.lost[i] ?? 0) < stoppedAt).length;
      if (missing === 0) {
        const last = Math.max(...r.back.map((b) => b ?? 0));
        const cpu = server.cpuMs() - startCpuMs;
        return { displays, rooms, backFromListenS: (last - listeningAt) / 1000, backFromStopS: (last - stoppedAt) / 1000, healthyAfterListenS, serverCpuMsPerDevice: cpu / displays, startCpuMs, reconnectAttempts: r.reconnects };
      }
      if (Date.now() > deadline) throw new Error(`${missing} displays never came back`);
      await new Promise((res) => setTimeout(res, 1000));
    }
  } finally {
    await clients.stop();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatReconnect(r: ReconnectRow): string {
  return table(
    ['displays', 'rooms', 'last back after MQTT listens (s)', 'after the stop (s)', 'HTTP healthy after MQTT listens (s)', 'server CPU after listening, per display (ms)', 'server CPU until listening (ms)', 'reconnect attempts'],
    [[r.displays, r.rooms, r.backFromListenS, r.backFromStopS, r.healthyAfterListenS, r.serverCpuMsPerDevice, r.startCpuMs, r.reconnectAttempts]],
  );
}
