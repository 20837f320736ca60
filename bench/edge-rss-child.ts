import { procMemory } from './proc-memory.js';
import { SystemClock } from '../shared/clock.js';
import { parseConfig } from '../shared/config/load.js';
import { silentLogger } from '../shared/logger.js';
import { createEdge } from '../edge/main.js';
import { PngPanel } from '../edge/hal/png-panel.js';
import { RefreshPolicy } from '../edge/hal/refresh-policy.js';
import { LedStatusLight } from '../edge/hal/leds.js';
import { FakeGpio } from '../edge/hal/gpio/fake-gpio.js';
import { Buttons } from '../edge/hal/buttons.js';
import { renderView } from '../edge/render/renderer.js';
import { panelGeometry } from '../edge/render/preview.js';

/** Run in its own process by panel.bench: one edge agent showing its room, then its RSS. */
const [port, credentialsFile, model = 'epd7in5_V2'] = process.argv.slice(2);
const clock = new SystemClock();
const g = panelGeometry(model);
const gpio = new FakeGpio({ clock });
const panel = new PngPanel({ info: { model, width: g.width, height: g.height, colors: g.colors, minRefreshIntervalMs: 0 } });
const sink = new RefreshPolicy(panel, clock);
const config = parseConfig({ edge: { deviceId: 'bench-edge', server: { host: '127.0.0.1', port: Number(port) }, credentialsFile } });
const edge = createEdge(config, {
  panel,
  sink,
  light: new LedStatusLight({ red: gpio.output(20), green: gpio.output(21) }, clock),
  actions: new Buttons([{ name: 'book', input: gpio.input(5), actions: { press: 'book' } }], clock),
  render: (view) => renderView(view, { width: g.width, height: g.height, colors: g.colors }),
  clock,
  logger: silentLogger(),
});
sink.start();
await edge.start();
const deadline = Date.now() + 30_000;
while (!panel.picture && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
await new Promise((r) => setTimeout(r, 500));
(globalThis as { gc?: () => void }).gc?.();
process.stdout.write(`${JSON.stringify({ drawn: panel.picture !== null, ...procMemory(), heapUsed: process.memoryUsage().heapUsed })}\n`);
sink.stop();
await edge.stop();
