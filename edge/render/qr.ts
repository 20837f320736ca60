import qrcode from 'qrcode-generator';
import { rect } from './svg.js';

/**
 * QR codes for the panels: the module matrix comes from qrcode-generator (a small, maintained,
 * dependency-free encoder); drawing is ours, as whole-pixel squares so a 1-bit panel shows
 * each module crisp, without anti-aliased edges.
 */
export interface QrMatrix {
  size: number;
  dark: (row: number, col: number) => boolean;
}

/** Quiet zone in modules on each side (the standard asks for 4; 2 reads reliably and saves room). */
export const QUIET = 2;

export function qrMatrix(text: string): QrMatrix {
  // Level M: some damage or dust on the glass is tolerated, the code stays small.
  const q = qrcode(0, 'M');
  q.addData(text, 'Byte');
  q.make();
  const size = q.getModuleCount();
  return { size, dark: (r, c) => q.isDark(r, c) };
}

/** The largest whole-pixel module that fits `box` px with the quiet zone, or 0 when even 1 px does not. */
export function moduleSize(m: QrMatrix, box: number, maxModule = 6): number {
  return Math.min(maxModule, Math.floor(box / (m.size + 2 * QUIET)));
}

/**
 * The code with its quiet zone, top-left at (x, y) rounded to whole pixels, `px` per module.
 * `scale` is the layout's design-to-panel factor: positions are snapped in panel pixels.
 */
export function qrSvg(m: QrMatrix, x: number, y: number, px: number, ink: string, paper: string): string {
  const x0 = Math.round(x);
  const y0 = Math.round(y);
  const full = (m.size + 2 * QUIET) * px;
  const cells: string[] = [];
  for (let r = 0; r < m.size; r++) {
    // One path segment per run of dark modules in a row keeps the SVG small.
    let c = 0;
    while (c < m.size) {
      if (!m.dark(r, c)) {
        c++;
        continue;
      }
      const start = c;
      while (c < m.size && m.dark(r, c)) c++;
      cells.push(`M${x0 + (QUIET + start) * px} ${y0 + (QUIET + r) * px}h${(c - start) * px}v${px}h${-(c - start) * px}z`);
    }
  }
  return `${rect(x0, y0, full, full, paper)}<path d="${cells.join('')}" fill="${ink}" shape-rendering="crispEdges"/>`;
}
