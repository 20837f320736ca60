import type { Logger } from '../../shared/logger.js';

/**
 * Runs one drawing at a time and folds requests made meanwhile into one more run, so a burst of
 * messages (config, state, agenda on connect) makes at most two pictures, the last one current.
 */
export class Redrawer {
  private running: Promise<void> | null = null;
  private again = false;
  private againUrgent = false;

  constructor(
    private readonly draw: (urgent: boolean) => Promise<void>,
    private readonly log: Logger,
  ) {}

  request(urgent: boolean): void {
    if (this.running) {
      this.again = true;
      this.againUrgent ||= urgent;
      return;
    }
    this.running = this.loop(urgent);
  }

  /** Resolves when no drawing is under way. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async loop(urgent: boolean): Promise<void> {
    let next: boolean | null = urgent;
    while (next !== null) {
      try {
        await this.draw(next);
      } catch (e) {
        this.log.error({ err: e }, 'drawing the panel failed');
      }
      next = this.again ? this.againUrgent : null;
      this.again = false;
      this.againUrgent = false;
    }
    this.running = null;
  }
}
