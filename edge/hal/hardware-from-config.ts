import type { Clock } from '../../shared/clock.js';
import type { Config } from '../../shared/config/schema.js';
import type { Logger } from '../../shared/logger.js';
import { PANEL_MODELS } from '../../shared/panel-models.js';
import type { ButtonAction, Panel, StatusLight } from './types.js';
import type { GpioPort } from './gpio/port.js';
import { OnoffGpioPort } from './gpio/onoff-gpio.js';
import { Buttons } from './buttons.js';
import { PresenceSensor } from './presence.js';
import { LedStatusLight } from './leds.js';
import { PngPanel } from './png-panel.js';
import { EpdPanel } from './epd/driver.js';
import { SpiEpdBinding } from './epd/spi-binding.js';
import { epdModel } from './epd/models/index.js';
import { readFbGeometry } from './framebuffer/fb-info.js';
import { FramebufferPanel } from './framebuffer/fb-panel.js';

export interface Hardware {
  panel: Panel;
  light: StatusLight;
  actions: Buttons;
  /** The presence input, when one is configured. */
  presence: PresenceSensor | null;
  buttonNames: string[];
  ledNames: string[];
  close(): void;
}

/** A light for a device without LEDs: it remembers the colour and lights nothing. */
class NoLight implements StatusLight {
  color: StatusLight['color'] = 'off';
  pattern: StatusLight['pattern'] = 'steady';
  set(color: StatusLight['color'], pattern: StatusLight['pattern'] = 'steady'): void {
    this.color = color;
    this.pattern = pattern;
  }
  close(): void {}
}

/** A configured button's gestures: its press, and its hold (a book button books until the next meeting). */
export function buttonActions(b: Config['edge']['buttons'][number]): { press: ButtonAction; hold?: ButtonAction } {
  const hold = b.hold ?? (b.action === 'book' ? 'book-until-next' : undefined);
  return hold === undefined ? { press: b.action } : { press: b.action, hold };
}

/**
 * The real hardware of a display Pi from its config: GPIO only when a pin is configured (so a
 * framebuffer-only kiosk needs no gpio group), the panel by model name.
 */
export async function hardwareFromConfig(config: Config, clock: Clock, log: Logger): Promise<Hardware> {
  const edge = config.edge;
  const model = edge.panel.model;
  const needsGpio = edge.buttons.length > 0 || edge.leds.red !== undefined || edge.leds.green !== undefined || edge.presence !== undefined || model.startsWith('epd');
  let gpio: GpioPort | null = null;
  if (needsGpio) gpio = await OnoffGpioPort.open({ logger: log });

  let panel: Panel;
  if (model.startsWith('epd')) {
    if (!gpio) throw new Error('edge.panel.model: an e-paper panel needs GPIO');
    panel = new EpdPanel({ model: epdModel(model), binding: new SpiEpdBinding({ gpio, clock }), logger: log });
  } else if (model === 'fb' || model.startsWith('fb')) {
    const fb = edge.panel.path?.replace(/^\/dev\//, '') ?? 'fb0';
    panel = new FramebufferPanel(readFbGeometry({ fb }), `/dev/${fb}`);
  } else if (model === 'png') {
    panel = new PngPanel({ file: edge.panel.path ?? 'panel.png' });
  } else {
    throw new Error(`edge.panel.model: "${model}" is not a known panel (${PANEL_MODELS.join(', ')})`);
  }

  const light: StatusLight = gpio && (edge.leds.red !== undefined || edge.leds.green !== undefined)
    ? new LedStatusLight({ red: edge.leds.red === undefined ? undefined : gpio.output(edge.leds.red), green: edge.leds.green === undefined ? undefined : gpio.output(edge.leds.green) }, clock)
    : new NoLight();
  const actions = new Buttons(
    gpio ? edge.buttons.map((b) => ({ name: b.name, input: (gpio as GpioPort).input(b.pin), activeLow: b.activeLow, actions: buttonActions(b) })) : [],
    clock,
    { logger: log },
  );
  const p = edge.presence;
  const presence = gpio && p ? new PresenceSensor(gpio.input(p.pin), clock, { activeHigh: p.activeHigh, debounceMs: p.debounceMs, holdMs: p.holdMins * 60_000 }) : null;
  return {
    panel,
    light,
    actions,
    presence,
    buttonNames: edge.buttons.map((b) => b.name),
    ledNames: (['red', 'green'] as const).filter((n) => edge.leds[n] !== undefined),
    close: () => gpio?.close(),
  };
}
