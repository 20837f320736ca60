import type { Layout, LayoutTarget } from './types.js';
import { epaperLarge } from './epaper-large.js';
import { epaperMedium } from './epaper-medium.js';
import { epaperSmall } from './epaper-small.js';
import { screen } from './screen.js';

export type { Layout, LayoutTarget } from './types.js';

export const EPAPER_LAYOUTS: readonly Layout[] = [epaperLarge, epaperMedium, epaperSmall];

/**
 * The layout for a panel: the fluid screen layout for colour panels; for e-paper the one drawn
 * for that size, else the one whose shape and size are nearest (it is scaled to fit).
 */
export function pickLayout(target: LayoutTarget): Layout {
  if (!Number.isInteger(target.width) || !Number.isInteger(target.height) || target.width < 16 || target.height < 16) {
    throw new RangeError(`panel size ${target.width}x${target.height}: width and height must be whole numbers of at least 16 pixels`);
  }
  if (target.colors === 'rgb') return screen;
  let best = epaperLarge;
  let bestScore = Infinity;
  for (const l of EPAPER_LAYOUTS) {
    if (l.width === target.width && l.height === target.height) return l;
    const aspect = Math.abs(Math.log(target.width / target.height / (l.width / l.height)));
    const scale = Math.abs(Math.log((target.width * target.height) / (l.width * l.height)));
    const score = aspect * 4 + scale;
    if (score < bestScore) {
      bestScore = score;
      best = l;
    }
  }
  return best;
}
