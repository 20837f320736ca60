/** How the builder tells a person how far it got: a bar on a terminal, plain lines otherwise. */
export interface Progress {
  /** A new step; `total` is in the step's own units (bytes, files), 0 when it has none. */
  step(label: string, total?: number): void;
  /** Moves the current step to `done` of its total. */
  update(done: number): void;
  /** A line that stays (a warning, a summary). */
  note(line: string): void;
  /** Ends the last step. */
  finish(): void;
}

export interface TextSink {
  write(text: string): void;
}

const WIDTH = 30;

/** Redraws one line with `\r`; for a terminal. */
export class BarProgress implements Progress {
  private label = '';
  private total = 0;
  private lastDrawn = -1;
  private active = false;

  constructor(private readonly out: TextSink) {}

  step(label: string, total = 0): void {
    this.end();
    this.label = label;
    this.total = total;
    this.lastDrawn = -1;
    this.active = true;
    this.draw(0);
  }

  update(done: number): void {
    if (this.active) this.draw(done);
  }

  note(line: string): void {
    this.end();
    this.out.write(`${line}\n`);
  }

  finish(): void {
    this.end();
  }

  private draw(done: number): void {
    const pct = this.total > 0 ? Math.min(100, Math.floor((done / this.total) * 100)) : 100;
    if (pct === this.lastDrawn) return;
    this.lastDrawn = pct;
    const filled = Math.round((pct / 100) * WIDTH);
    this.out.write(`\r\x1b[2K[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${String(pct).padStart(3)}% ${this.label}`);
  }

  private end(): void {
    if (!this.active) return;
    this.draw(this.total);
    this.out.write('\n');
    this.active = false;
  }
}

/** One line a step (and one at each quarter of a long step), for logs and pipes. */
export class LineProgress implements Progress {
  private label = '';
  private total = 0;
  private quarter = 0;

  constructor(private readonly out: TextSink) {}

  step(label: string, total = 0): void {
    this.label = label;
    this.total = total;
    this.quarter = 0;
    this.out.write(`${label}\n`);
  }

  update(done: number): void {
    if (this.total <= 0) return;
    const q = Math.floor((done / this.total) * 4);
    if (q > this.quarter && q < 4) {
      this.quarter = q;
      this.out.write(`${this.label}: ${q * 25}%\n`);
    }
  }

  note(line: string): void {
    this.out.write(`${line}\n`);
  }

  finish(): void {}
}

export function progressFor(stream: TextSink & { isTTY?: boolean }): Progress {
  return stream.isTTY ? new BarProgress(stream) : new LineProgress(stream);
}
