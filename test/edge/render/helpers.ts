import type { Raster } from '../../../edge/hal/types.js';
import type { Box } from '../../../edge/render/svg.js';

/** Distinct colours in a raster as `r,g,b` strings. */
export function colours(r: Raster): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < r.data.length; i += 3) out.add(`${r.data[i]},${r.data[i + 1]},${r.data[i + 2]}`);
  return out;
}

/** Pixels whose colour differs between two rasters of the same size. */
export function diffPixels(a: Raster, b: Raster): Array<{ x: number; y: number }> {
  if (a.width !== b.width || a.height !== b.height) throw new Error('diffPixels: sizes differ');
  const out: Array<{ x: number; y: number }> = [];
  for (let i = 0, p = 0; i < a.data.length; i += 3, p++) {
    if (a.data[i] !== b.data[i] || a.data[i + 1] !== b.data[i + 1] || a.data[i + 2] !== b.data[i + 2]) out.push({ x: p % a.width, y: Math.floor(p / a.width) });
  }
  return out;
}

export function inBox(p: { x: number; y: number }, b: Box, slack: number): boolean {
  return p.x >= b.x - slack && p.x < b.x + b.w + slack && p.y >= b.y - slack && p.y < b.y + b.h + slack;
}

/** Count of pixels darker than mid-grey inside a box. */
export function darkIn(r: Raster, b: Box): number {
  let n = 0;
  for (let y = Math.max(0, Math.floor(b.y)); y < Math.min(r.height, b.y + b.h); y++) {
    for (let x = Math.max(0, Math.floor(b.x)); x < Math.min(r.width, b.x + b.w); x++) {
      const i = (y * r.width + x) * 3;
      if ((r.data[i] ?? 255) + (r.data[i + 1] ?? 255) + (r.data[i + 2] ?? 255) < 384) n++;
    }
  }
  return n;
}
