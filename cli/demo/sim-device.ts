import type { Clock, TimerHandle } from '../../shared/clock.js';
import type { Config } from '../../shared/config/schema.js';
import type { Logger } from '../../shared/logger.js';
import { createEdge, type Edge } from '../../edge/main.js';
import { FakeGpio } from '../../edge/hal/gpio/fake-gpio.js';
import { Buttons } from '../../edge/hal/buttons.js';
import { LedStatusLight } from '../../edge/hal/leds.js';
import { PngPanel } from '../../edge/hal/png-panel.js';
import { RefreshPolicy } from '../../edge/hal/refresh-policy.js';
import { renderStatus, renderView } from '../../edge/render/renderer.js';
import { panelGeometry } from '../../edge/render/preview.js';
import { epdModel } from '../../edge/hal/epd/models/index.js';
import type { Action } from '../../edge/hal/types.js';
import { PresenceSensor } from '../../edge/hal/presence.js';
import { mergeActions, PresenceCheckIn } from '../../edge/agent/presence-checkin.js';
import { PresenceAwareLight } from '../../edge/agent/presence-light.js';

/** The buttons of a simulated device and the BCM pins they sit on, as on a real HAT. */
export const SIM_BUTTONS: ReadonlyArray<{ name: Action; pin: number }> = [
  { name: 'book', pin: 5 },
  { name: 'extend', pin: 6 },
  { name: 'end', pin: 13 },
  { name: 'checkin', pin: 19 },
];
const RED_PIN = 20;
const GREEN_PIN = 21;

/**
 * A display Pi without the Pi: the real agent, buttons, LED logic and refresh policy on a
 * fake GPIO chip and a picture kept in memory, drawn exactly as its panel model draws.
 */
export class SimDevice {
  readonly gpio: FakeGpio;
  readonly panel: PngPanel;
  readonly edge: Edge;
  readonly roomId: string;
  private readonly buttons: Buttons;
  private readonly policy: RefreshPolicy;
  private readonly clock: Clock;
  private readonly releases = new Set<TimerHandle>();

  /** The presence input (a PIR), when the device was given `presencePin`. */
  readonly presence: PresenceSensor | null = null;
  private readonly presenceCheckIn: PresenceCheckIn | null = null;
  private readonly presencePin: number | null;

  constructor(opts: { config: Config; model: string; roomId: string; clock: Clock; logger: Logger; presencePin?: number }) {
    const { config, model, clock } = opts;
    const g = panelGeometry(model);
    this.clock = clock;
    this.roomId = opts.roomId;
    this.presencePin = opts.presencePin ?? null;
    this.gpio = new FakeGpio({ clock });
    // The demo is for people clicking: no e-paper minimum interval, but the same partial/full logic.
    const partial = model.startsWith('epd') ? epdModel(model).partial !== undefined : true;
    this.panel = new PngPanel({ info: { model, width: g.width, height: g.height, colors: g.colors, minRefreshIntervalMs: 0, supportsPartial: partial } });
    this.policy = new RefreshPolicy(this.panel, clock, {}, opts.logger);
    this.buttons = new Buttons(
      SIM_BUTTONS.map((b) => ({ name: b.name, input: this.gpio.input(b.pin), activeLow: true, actions: b.name === 'book' ? { press: 'book', hold: 'book-until-next' } : { press: b.name } })),
      clock,
      { logger: opts.logger },
    );
    if (opts.presencePin !== undefined) {
      const pir = this.gpio.input(opts.presencePin);
      // A fake input starts pulled up (as the buttons are); a PIR's output idles low: nobody there yet.
      this.gpio.inject(opts.presencePin, 0);
      this.presence = new PresenceSensor(pir, clock);
      this.presenceCheckIn = new PresenceCheckIn(this.presence, clock, () => this.edge.agent.roomState?.state ?? null);
    }
    const leds = new LedStatusLight({ red: this.gpio.output(RED_PIN), green: this.gpio.output(GREEN_PIN) }, clock);
    const light = this.presence ? new PresenceAwareLight(leds, this.presence, () => this.edge.agent.roomState?.state ?? null) : leds;
    this.edge = createEdge(config, {
      panel: this.panel,
      sink: this.policy,
      light,
      actions: this.presenceCheckIn ? mergeActions(this.buttons, this.presenceCheckIn) : this.buttons,
      presence: this.presence,
      render: (view) => renderView(view, { width: g.width, height: g.height, colors: g.colors }),
      renderStatus: (screen) => renderStatus(screen, { width: g.width, height: g.height, colors: g.colors }),
      clock,
      buttons: SIM_BUTTONS.map((b) => b.name),
      leds: ['red', 'green'],
      logger: opts.logger,
    });
  }

  get id(): string {
    return this.edge.deviceId;
  }

  async start(): Promise<void> {
    this.policy.start();
    this.buttons.start();
    this.presence?.start();
    await this.edge.start();
  }

  async stop(): Promise<void> {
    for (const t of this.releases) this.clock.clearTimeout(t);
    this.releases.clear();
    this.presence?.stop();
    await this.edge.stop();
    this.policy.stop();
  }

  /** Presses a button as a finger would: the input goes low, and comes back up after holdMs. */
  press(button: string, holdMs: number): void {
    const b = SIM_BUTTONS.find((x) => x.name === button);
    if (!b) throw new RangeError(`no button ${JSON.stringify(button)}; this device has ${SIM_BUTTONS.map((x) => x.name).join(', ')}`);
    this.gpio.inject(b.pin, 0);
    // On the device's clock, like the debounce and hold timers that read the release.
    const t = this.clock.setTimeout(() => {
      this.releases.delete(t);
      if (this.gpio.isExported(b.pin)) this.gpio.inject(b.pin, 1);
    }, holdMs);
    this.releases.add(t);
  }

  /** Someone walks past the presence input (a PIR pulse of a second), on the device's clock. */
  walkIn(): void {
    if (this.presencePin === null) throw new RangeError(`device ${this.id} has no presence input`);
    const pin = this.presencePin;
    this.gpio.inject(pin, 1);
    const t = this.clock.setTimeout(() => {
      this.releases.delete(t);
      if (this.gpio.isExported(pin)) this.gpio.inject(pin, 0);
    }, 1_000);
    this.releases.add(t);
  }

  /** The lamp as a person sees it: the two LED pins mixed. */
  lamp(): { red: boolean; green: boolean; color: string; pattern: string } {
    const red = this.gpio.isExported(RED_PIN) && this.gpio.levelOf(RED_PIN) === 1;
    const green = this.gpio.isExported(GREEN_PIN) && this.gpio.levelOf(GREEN_PIN) === 1;
    return { red, green, color: this.edge.light.color, pattern: this.edge.light.pattern };
  }

  refreshCount(): number {
    const c = this.panel.refreshCounts;
    return c.full + c.partial + c.fast + c.clear;
  }
}
