import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../shared/config/load.js';
import { silentLogger } from '../shared/logger.js';
import { DoorplateServer } from '../server/server.js';
import { newSecret, sha256Hex } from '../server/security/secrets.js';
import { renderView } from '../edge/render/renderer.js';
import { PANEL_GEOMETRY, printsClock } from '../edge/render/preview.js';
import { sampleView } from '../edge/render/samples.js';
import { packBwr, packMono, toXrgb8888 } from '../edge/render/pack.js';
import { simulateRefreshDay } from '../edge/hal/refresh-sim.js';
import { EPD_MIN_REFRESH_INTERVAL_MS } from '../edge/hal/epd/driver.js';
import { epdModel } from '../edge/hal/epd/models/index.js';
import type { PanelColors } from '../edge/hal/types.js';
import { median, mib, table } from './table.js';
import { childPath, type Code } from './server-rss.bench.js';

export interface PanelRow {
  panel: string;
  size: string;
  stateToBufferMs: number;
  bufferBytes: number;
  full: number | null;
  partial: number | null;
}

/** From a room state to the bytes the panel takes: layout, SVG, sharp, then packing. */
async function stateToBuffer(width: number, height: number, colors: PanelColors): Promise<Buffer> {
  const view = { ...sampleView('busy'), offline: true };
  const raster = await renderView(view, { width, height, colors });
  if (colors === 'bw') return packMono(raster, { oneIsBlack: false });
  if (colors === 'bwr') {
    const p = packBwr(raster, { blackOneIsBlack: false, redOneIsRed: true });
    return Buffer.concat([p.black, p.red]);
  }
  return toXrgb8888(raster);
}

/** The edge agent in its own process (node flags and environment as given), against a real server. */
export async function edgeRss(nodeArgs: readonly string[] = [], env: Record<string, string> = {}, code: Code = 'bundle'): Promise<{ rssMiB: number; privateMiB: number | null; heapMiB: number; drawn: boolean }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'doorplate-edge-rss-'));
  const config = parseConfig({ site: { timeZone: 'Europe/Berlin' }, rooms: [{ id: 'ada', name: 'Ada Lovelace' }], broker: { host: '127.0.0.1', port: 0 }, server: { dataDir, http: { host: '127.0.0.1', port: 0 } } });
  const server = new DoorplateServer({ config, logger: silentLogger() });
  await server.start();
  try {
    const secret = newSecret();
    server.store.devices.getOrCreatePending('bench-edge', null, null);
    server.store.devices.approve('bench-edge');
    server.store.devices.assignRoom('bench-edge', 'ada');
    server.store.devices.setSecretHash('bench-edge', sha256Hex(secret));
    await server.devices.publishConfig('bench-edge');
    const creds = join(dataDir, 'credentials.json');
    writeFileSync(creds, JSON.stringify({ deviceId: 'bench-edge', secret, enrolledAt: new Date().toISOString() }), { mode: 0o600 });
    const child = childPath('edge-rss-child', code);
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['--expose-gc', ...nodeArgs, child, String(server.mqttPort), creds], { timeout: 60_000, env: { ...process.env, DOORPLATE_LOG_LEVEL: 'silent', ...env } }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
    );
    const r = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { rss: number; privateBytes: number | null; heapUsed: number; drawn: boolean };
    return { rssMiB: mib(r.rss), privateMiB: r.privateBytes === null ? null : mib(r.privateBytes), heapMiB: mib(r.heapUsed), drawn: r.drawn };
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function runPanelBench(iterations = 25): Promise<{ rows: PanelRow[]; edge: { rssMiB: number; heapMiB: number; drawn: boolean } }> {
  const rows: PanelRow[] = [];
  for (const [panel, g] of Object.entries(PANEL_GEOMETRY)) {
    if (panel === 'png') continue;
    for (let i = 0; i < 3; i++) await stateToBuffer(g.width, g.height, g.colors);
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < iterations; i++) {
      const t0 = performance.now();
      bytes = (await stateToBuffer(g.width, g.height, g.colors)).length;
      times.push(performance.now() - t0);
    }
    let full: number | null = null;
    let partial: number | null = null;
    if (panel.startsWith('epd')) {
      const m = epdModel(panel);
      // A day of a busy room: the state changes every 30 minutes, the printed clock every minute, four presses.
      const day = await simulateRefreshDay({
        panel: { model: panel, width: g.width, height: g.height, colors: g.colors, minRefreshIntervalMs: EPD_MIN_REFRESH_INTERVAL_MS, supportsPartial: m.partial !== undefined },
        pressesAtMs: [9.5, 11.2, 14.1, 16.8].map((h) => h * 3_600_000),
        // Panels that only refresh in full print the day instead of the time: no minute changes.
        clockChangeEveryMs: printsClock(panel) ? 60_000 : 24 * 3_600_000,
      });
      full = day.stats.full;
      partial = day.stats.partial;
    }
    rows.push({ panel, size: `${g.width}x${g.height} ${g.colors}`, stateToBufferMs: median(times), bufferBytes: bytes, full, partial });
  }
  return { rows, edge: await edgeRss() };
}

export function formatPanelBench(r: { rows: readonly PanelRow[]; edge: { rssMiB: number; heapMiB: number; drawn: boolean } }): string {
  return [
    'Panels: median ms from a room state to the panel buffer; refreshes in a simulated day (e-paper: state changes every 30 min, the printed clock every minute where the panel prints one, 4 presses)',
    table(
      ['panel', 'picture', 'state -> buffer ms', 'buffer bytes', 'full / day', 'partial / day'],
      r.rows.map((x) => [x.panel, x.size, x.stateToBufferMs, x.bufferBytes, x.full ?? '-', x.partial ?? '-']),
    ),
    '',
    'Edge agent memory (one agent, epd7in5_V2 picture, connected to a server)',
    table(['RSS MiB', 'heap used MiB', 'drew its picture'], [[r.edge.rssMiB, r.edge.heapMiB, r.edge.drawn ? 'yes' : 'no']]),
  ].join('\n');
}
