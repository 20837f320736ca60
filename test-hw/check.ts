/**
 * Hardware check, run by hand on a Pi with the panel, LEDs and buttons wired:
 *   node dist/test-hw/check.js --panel epd7in5_V2 --red 5 --green 6 --button book:16
 * It blinks the LEDs, reports button presses for a while, and draws a test picture.
 */
// The root-level '../edge/*' pattern in eslint.config.js is meant to keep shared/ away from
// edge/; this folder exists to drive the edge hardware layer.
import { parseArgs } from 'node:util';
import { SystemClock, sleep } from '../shared/clock.js';
import { Buttons, type ButtonSpec } from '../edge/hal/buttons.js';
import { LedStatusLight } from '../edge/hal/leds.js';
import { OnoffGpioPort } from '../edge/hal/gpio/onoff-gpio.js';
import { EpdPanel } from '../edge/hal/epd/driver.js';
import { SpiEpdBinding } from '../edge/hal/epd/spi-binding.js';
import { epdModel, EPD_MODELS } from '../edge/hal/epd/models/index.js';
import { readFbGeometry } from '../edge/hal/framebuffer/fb-info.js';
import { FramebufferPanel } from '../edge/hal/framebuffer/fb-panel.js';
import type { Action, Panel, PanelInfo, Raster } from '../edge/hal/types.js';

const ACTIONS: readonly Action[] = ['book', 'extend', 'end', 'checkin'];

function usage(): never {
  console.error(`usage: node dist/test-hw/check.js [--panel MODEL|fb|none] [--red BCM] [--green BCM]
       [--button ACTION:BCM]... [--seconds N] [--clear]
models: ${Object.keys(EPD_MODELS).join(', ')}; actions: ${ACTIONS.join(', ')}`);
  process.exit(2);
}

function pin(text: string | undefined, what: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 53) throw new Error(`${what}: "${text}" is not a BCM pin number`);
  return n;
}

/** Border, checkerboard corner, diagonals, and a red band on 3-colour panels. */
export function testPicture(info: PanelInfo): Raster {
  const { width, height } = info;
  const data = Buffer.alloc(width * height * 3, 0xff);
  const set = (x: number, y: number, rgb: readonly [number, number, number]): void => {
    if (x >= 0 && y >= 0 && x < width && y < height) data.set(rgb, (y * width + x) * 3);
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const edge = x < 4 || y < 4 || x >= width - 4 || y >= height - 4;
      const board = x < width / 3 && y < height / 3 && (Math.floor(x / 8) + Math.floor(y / 8)) % 2 === 0;
      if (edge || board) set(x, y, [0, 0, 0]);
    }
  }
  for (let t = 0; t < Math.max(width, height); t++) {
    set(Math.round((t * width) / Math.max(width, height)), Math.round((t * height) / Math.max(width, height)), [0, 0, 0]);
    set(width - 1 - Math.round((t * width) / Math.max(width, height)), Math.round((t * height) / Math.max(width, height)), [0, 0, 0]);
  }
  if (info.colors !== 'bw') {
    for (let y = Math.floor(height * 0.7); y < Math.floor(height * 0.8); y++) for (let x = Math.floor(width / 2); x < width - 8; x++) set(x, y, [255, 0, 0]);
  }
  return { width, height, data };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      panel: { type: 'string', default: 'none' },
      red: { type: 'string' },
      green: { type: 'string' },
      button: { type: 'string', multiple: true, default: [] },
      seconds: { type: 'string', default: '20' },
      clear: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) usage();
  const seconds = Number(values.seconds);
  if (!(seconds >= 0)) throw new Error(`--seconds: "${values.seconds}" is not a number of seconds`);
  const clock = new SystemClock();
  const red = pin(values.red, '--red');
  const green = pin(values.green, '--green');
  const needGpio = red !== undefined || green !== undefined || values.button.length > 0 || (values.panel !== 'none' && values.panel !== 'fb');
  const gpio = needGpio ? await OnoffGpioPort.open() : undefined;
  if (gpio) console.log(`GPIO: ${gpio.chip.label} (${gpio.chip.name}), base ${gpio.chip.base}, ${gpio.chip.ngpio} lines`);
  try {
    if (gpio && (red !== undefined || green !== undefined)) {
      const light = new LedStatusLight({ ...(red !== undefined ? { red: gpio.output(red) } : {}), ...(green !== undefined ? { green: gpio.output(green) } : {}) }, clock);
      for (const [color, pattern] of [['red', 'steady'], ['green', 'steady'], ['amber', 'steady'], ['red', 'blink'], ['green', 'fast-blink']] as const) {
        console.log(`LED: ${color} ${pattern}`);
        light.set(color, pattern);
        await sleep(clock, 2000);
      }
      light.close();
    }

    if (gpio && values.button.length > 0) {
      const specs: ButtonSpec[] = values.button.map((b) => {
        const [action, bcm] = b.split(':');
        if (!ACTIONS.includes(action as Action)) throw new Error(`--button ${b}: the action must be one of ${ACTIONS.join(', ')}`);
        const n = pin(bcm, `--button ${b}`);
        if (n === undefined) throw new Error(`--button ${b}: expected ACTION:BCM`);
        return { name: `${action}@${n}`, input: gpio.input(n), actions: { press: action as Action, hold: 'end', double: 'extend' } };
      });
      const buttons = new Buttons(specs, clock);
      buttons.onAction((action, source) => console.log(`button ${source}: ${action}`));
      buttons.start();
      console.log(`press the buttons (press, hold, double press) for ${seconds} s...`);
      await sleep(clock, seconds * 1000);
      buttons.close();
    }

    if (values.panel !== 'none') {
      let panel: Panel;
      if (values.panel === 'fb') panel = new FramebufferPanel(readFbGeometry());
      else if (gpio) panel = new EpdPanel({ model: epdModel(values.panel), binding: new SpiEpdBinding({ gpio, clock }) });
      else throw new Error('an e-paper panel needs GPIO');
      const started = clock.now();
      await panel.open();
      await panel.show(testPicture(panel.info), 'full');
      console.log(`panel ${panel.info.model}: test picture drawn in ${((clock.now() - started) / 1000).toFixed(1)} s`);
      if (values.clear) {
        await sleep(clock, 5000);
        await panel.clear();
        console.log(`panel ${panel.info.model}: cleared`);
      }
      await panel.close();
    }
  } finally {
    gpio?.close();
  }
}

main().catch((e: unknown) => {
  console.error(`hardware check failed: ${(e as Error).message}`);
  process.exit(1);
});
