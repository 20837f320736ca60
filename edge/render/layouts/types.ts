import type { PanelColors } from '../../hal/types.js';
import type { FreeRoomLine, PanelContent } from '../content.js';
import type { TextMeasurer } from '../metrics.js';
import { text, type Box } from '../svg.js';

export interface LayoutTarget {
  width: number;
  height: number;
  colors: PanelColors;
}

/** One panel design: draws the content as an SVG of the target's size. */
export interface Layout {
  readonly id: string;
  /** The size it was drawn for; other sizes are scaled from it (the screen layout is fluid). */
  readonly width: number;
  readonly height: number;
  readonly colors: readonly PanelColors[];
  render(content: PanelContent, target: LayoutTarget, m: TextMeasurer): string;
  /**
   * The width (design pixels) and type size the date line gets for this content; null when the
   * layout prints no date line. The layout prints the longest of `dateForms` that fits it.
   */
  dateSpace?(content: PanelContent, m: TextMeasurer, target: LayoutTarget): { width: number; size: number } | null;
  /** Where the room name and the current meeting's title may draw, in the target's pixels. */
  textBoxes(target: LayoutTarget): { room: Box; title: Box };
}

/** Ink for e-paper: pure black and white, red only where a bwr panel shows BUSY. */
export function epaperInk(colors: PanelColors): { ink: string; paper: string; accent: string } {
  return { ink: '#000000', paper: '#ffffff', accent: colors === 'bwr' ? '#ff0000' : '#000000' };
}

/** Baseline that centres a line of cap-height text of `size` in a box from `top` of height `h`. */
export function centredBaseline(top: number, h: number, size: number): number {
  return top + h / 2 + size * 0.36;
}

/** Maps a box drawn in design pixels to target pixels for a layout scaled with "meet". */
export function scaleBox(b: Box, design: { width: number; height: number }, target: { width: number; height: number }): Box {
  const k = Math.min(target.width / design.width, target.height / design.height);
  const ox = (target.width - design.width * k) / 2;
  const oy = (target.height - design.height * k) / 2;
  return { x: ox + b.x * k, y: oy + b.y * k, w: b.w * k, h: b.h * k };
}

/** One free room on one line: its name in bold on the left, how long it is free on the right. */
export function freeRoomRow(r: FreeRoomLine, x: number, y: number, width: number, size: number, m: TextMeasurer, fill: string): string[] {
  // The time is the useful part ("until 11:30 AM"); the name gets what is left.
  const until = m.ellipsize(r.until, width * 0.65, size);
  const untilW = m.width(until, size);
  return [
    text(x, y, m.ellipsize(r.name, width - untilW - size * 0.6, size, 'bold'), { size, weight: 'bold', fill }),
    text(x + width, y, until, { size, fill, anchor: 'end' }),
  ];
}
