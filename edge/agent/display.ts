import type { Logger } from '../../shared/logger.js';
import type { Clock } from '../../shared/clock.js';
import type { RoomState } from '../../shared/model/room-state.js';
import type { PictureSink, Raster } from '../hal/types.js';
import type { StatusScreen } from '../render/status-screen.js';
import type { PanelView } from '../render/view.js';
import type { LedFeedback } from './led-feedback.js';
import { Redrawer } from './redrawer.js';
import { RedrawTimers } from './redraw-timers.js';

/** What the panel should show now: a status screen, a room, or nothing yet. */
export type Scene = { screen: StatusScreen } | { view: PanelView } | null;

export interface DisplayDeps {
  clock: Clock;
  log: Logger;
  sink: PictureSink;
  led: LedFeedback;
  render: (view: PanelView) => Promise<Raster>;
  /** Draws the screen shown before there is a room to show (waiting for approval, no room). */
  renderStatus?: (screen: StatusScreen) => Promise<Raster>;
  /** Redraw at every minute so the printed clock stays right (panels with cheap refreshes). */
  minuteClock: boolean;
}

/**
 * The panel and the busy light: draws the current scene (one drawing at a time, a burst folded
 * into one more), and redraws at each minute where the panel prints the time.
 */
export class Display {
  private readonly redrawer: Redrawer;
  private readonly redraws: RedrawTimers;
  private picture: Raster | null = null;
  private view: PanelView | null = null;
  private running = false;

  constructor(
    private readonly deps: DisplayDeps,
    private readonly scene: () => Scene,
  ) {
    this.redrawer = new Redrawer((urgent) => this.draw(urgent), deps.log);
    this.redraws = new RedrawTimers(deps.clock, deps.minuteClock, () => this.redraw(false));
  }

  get lastPicture(): Raster | null {
    return this.picture;
  }

  get lastView(): PanelView | null {
    return this.view;
  }

  start(): void {
    this.running = true;
    this.deps.led.setStatus(null);
    this.redraws.start();
  }

  /**
   * The room's shown state changed (or may have): the light follows it and the panel is drawn
   * again. `ownBoundary` arms a redraw at the state's next boundary, for when nobody else will
   * bring a new state there (not while the server publishes, nor while a local recompute runs).
   */
  update(state: RoomState | null, ownBoundary: boolean): void {
    if (!this.running) return;
    this.redraws.follow(ownBoundary ? state : null);
    this.deps.led.setStatus(state?.status ?? null);
    this.redrawer.request(false);
  }

  redraw(urgent: boolean): void {
    if (this.running) this.redrawer.request(urgent);
  }

  /** Resolves once no picture is being drawn. */
  idle(): Promise<void> {
    return this.redrawer.idle();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.redraws.stop();
    await this.redrawer.idle();
  }

  private async draw(urgent: boolean): Promise<void> {
    if (!this.running) return;
    const scene = this.scene();
    if (!scene) return;
    if ('screen' in scene) {
      if (!this.deps.renderStatus) return;
      const picture = await this.deps.renderStatus(scene.screen);
      if (!this.running) return;
      this.view = null;
      this.picture = picture;
      await this.deps.sink.submit(picture, { urgent });
      return;
    }
    const view = { ...scene.view, showClock: this.deps.minuteClock };
    const picture = await this.deps.render(view);
    if (!this.running) return;
    this.view = view;
    this.picture = picture;
    await this.deps.sink.submit(picture, { urgent });
  }
}
