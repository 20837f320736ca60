import type { Logger } from '../../../shared/logger.js';
import { silentLogger } from '../../../shared/logger.js';
import type { Panel, PanelInfo, Raster, RefreshKind } from '../types.js';
import { WAVESHARE_HAT_PINS, type EpdBinding, type EpdPins } from './binding.js';
import { EpdController } from './controller.js';
import { blankFrame, checkFrame, frameFromRaster, type EpdFrame } from './frame.js';
import type { EpdModel } from './models/model.js';

/** The maker's rule: at least 180 s between two refreshes. */
export const EPD_MIN_REFRESH_INTERVAL_MS = 180_000;

export interface EpdPanelOptions {
  model: EpdModel;
  binding: EpdBinding;
  pins?: EpdPins;
  logger?: Logger;
}

/**
 * A Waveshare e-paper panel. Each refresh wakes the panel (reset and init), draws, and puts
 * it back into deep sleep, which also closes the hardware layer: an idle panel draws no
 * current and cannot be damaged by staying powered.
 */
export class EpdPanel implements Panel {
  readonly info: PanelInfo;
  private readonly ctl: EpdController;
  private readonly log: Logger;
  private opened = false;
  private working = false;
  /** What the panel shows, when known: the base of a partial refresh. */
  private onScreen: EpdFrame | undefined;

  constructor(private readonly opts: EpdPanelOptions) {
    const { model } = opts;
    this.ctl = new EpdController(model, opts.binding, opts.pins ?? WAVESHARE_HAT_PINS);
    this.log = opts.logger ?? silentLogger();
    this.info = Object.freeze({
      model: model.name,
      width: model.width,
      height: model.height,
      colors: model.colors,
      minRefreshIntervalMs: EPD_MIN_REFRESH_INTERVAL_MS,
      supportsPartial: model.partial !== undefined,
    });
  }

  get model(): EpdModel {
    return this.opts.model;
  }

  /** The controller, for running the maker's sequences one by one (traces, hardware checks). */
  get controller(): EpdController {
    return this.ctl;
  }

  async open(): Promise<void> {
    if (this.opened) throw new Error(`panel ${this.model.name} is already open`);
    await this.ctl.bus.open();
    this.opened = true;
  }

  async show(picture: Raster, kind: RefreshKind): Promise<void> {
    this.mustBeReady();
    await this.showFrame(frameFromRaster(this.model, picture), kind);
  }

  /** Shows pre-packed planes (1 = ink), as the maker's API takes a black and a red picture. */
  async showFrame(frame: EpdFrame, kind: RefreshKind): Promise<void> {
    this.mustBeReady();
    checkFrame(this.model, frame);
    const { model } = this;
    const effective = this.effectiveKind(kind);
    await this.exclusive(async () => {
      if (!this.ctl.bus.isOpen) await this.ctl.bus.open();
      if (effective === 'partial' && model.partial && this.onScreen) {
        if (model.partial.init) await this.ctl.run(model.partial.init);
        else if (model.partial.wakeWithInit) await this.ctl.run(model.init);
        await this.ctl.run(model.partial.display, { new: frame, old: this.onScreen });
      } else if (effective === 'fast' && model.fast) {
        await this.ctl.run(model.fast.init);
        await this.ctl.run(model.fast.display, { new: frame });
      } else {
        await this.ctl.run(model.init);
        await this.ctl.run(model.display, { new: frame });
      }
      await this.ctl.run(model.sleep);
      this.onScreen = frame;
      this.log.debug({ model: model.name, kind: effective }, 'panel refreshed');
    });
  }

  async clear(): Promise<void> {
    this.mustBeReady();
    await this.exclusive(async () => {
      if (!this.ctl.bus.isOpen) await this.ctl.bus.open();
      await this.ctl.run(this.model.init);
      await this.ctl.run(this.model.clear);
      await this.ctl.run(this.model.sleep);
      this.onScreen = blankFrame(this.model);
    });
  }

  async close(): Promise<void> {
    if (!this.opened) return;
    this.opened = false;
    await this.ctl.bus.close();
  }

  /** The kind of refresh the model can do for the request. */
  effectiveKind(kind: RefreshKind): RefreshKind {
    if (kind === 'partial') return this.model.partial && this.onScreen ? 'partial' : 'full';
    if (kind === 'fast') return this.model.fast ? 'fast' : 'full';
    return 'full';
  }

  private mustBeReady(): void {
    if (!this.opened) throw new Error(`panel ${this.model.name} is not open`);
    if (this.working) throw new Error(`panel ${this.model.name} is refreshing; wait for it to finish`);
  }

  private async exclusive(work: () => Promise<void>): Promise<void> {
    this.working = true;
    try {
      await work();
    } catch (e) {
      // The screen's content is unknown now: the next refresh must be a full one, and the
      // panel is left unpowered.
      this.onScreen = undefined;
      await this.ctl.bus.close().catch(() => undefined);
      throw e;
    } finally {
      this.working = false;
    }
  }
}
