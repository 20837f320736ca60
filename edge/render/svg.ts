import { FONT_FAMILY } from './fonts.js';
import type { FontWeight } from './metrics.js';

/** Small SVG builders shared by the layouts. Every piece of text goes through `escapeXml`. */

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export function escapeXml(s: string): string {
  // Control characters other than tab/newline are not allowed in XML 1.0 at all.
  // eslint-disable-next-line no-control-regex
  const clean = s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');
  return clean.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

export interface TextOpts {
  size: number;
  weight?: FontWeight;
  fill: string;
  anchor?: 'start' | 'middle' | 'end';
}

/** One line of text with its baseline at `y`. */
export function text(x: number, y: number, s: string, o: TextOpts): string {
  if (s.length === 0) return '';
  const weight = o.weight === 'bold' ? ' font-weight="bold"' : '';
  const anchor = o.anchor && o.anchor !== 'start' ? ` text-anchor="${o.anchor}"` : '';
  return `<text x="${r(x)}" y="${r(y)}" font-family="${FONT_FAMILY}" font-size="${r(o.size)}"${weight}${anchor} fill="${o.fill}">${escapeXml(s)}</text>`;
}

export function rect(x: number, y: number, w: number, h: number, fill: string, radius = 0): string {
  const rx = radius > 0 ? ` rx="${r(radius)}"` : '';
  return `<rect x="${r(x)}" y="${r(y)}" width="${r(w)}" height="${r(h)}"${rx} fill="${fill}"/>`;
}

export function frame(x: number, y: number, w: number, h: number, stroke: string, width: number, radius = 0): string {
  const rx = radius > 0 ? ` rx="${r(radius)}"` : '';
  const half = width / 2;
  return `<rect x="${r(x + half)}" y="${r(y + half)}" width="${r(w - width)}" height="${r(h - width)}"${rx} fill="none" stroke="${stroke}" stroke-width="${r(width)}"/>`;
}

export function line(x1: number, y1: number, x2: number, y2: number, stroke: string, width: number): string {
  return `<line x1="${r(x1)}" y1="${r(y1)}" x2="${r(x2)}" y2="${r(y2)}" stroke="${stroke}" stroke-width="${r(width)}"/>`;
}

/** A cloud with a slash through it, `size` wide, top-left at (x, y): the offline mark. */
export function offlineIcon(x: number, y: number, size: number, ink: string, paper: string): string {
  const s = size / 24;
  const t = (px: number, py: number): string => `${r(x + px * s)},${r(y + py * s)}`;
  const cloud = `<path d="M${t(6, 19)} L${t(18, 19)} A${r(4.5 * s)},${r(4.5 * s)} 0 0 0 ${t(18.5, 10)} A${r(6.5 * s)},${r(6.5 * s)} 0 0 0 ${t(6, 10.5)} A${r(4.3 * s)},${r(4.3 * s)} 0 0 0 ${t(6, 19)} Z" fill="${ink}"/>`;
  return `${cloud}${line(x + 2 * s, y + 2 * s, x + 22 * s, y + 22 * s, paper, 4.5 * s)}${line(x + 3 * s, y + 2 * s, x + 23 * s, y + 22 * s, ink, 2 * s)}`;
}

/** Three dots in a rounded box: a request is on its way. */
export function pendingMark(x: number, y: number, size: number, ink: string): string {
  const dot = size / 7;
  const dots = [1.8, 3.5, 5.2].map((k) => `<circle cx="${r(x + k * dot)}" cy="${r(y + size / 2)}" r="${r(dot * 0.6)}" fill="${ink}"/>`).join('');
  return `${frame(x - dot * 0.2, y, size * 1.05, size, ink, Math.max(1, size / 14), size / 4)}${dots}`;
}

/** The document; `viewW`/`viewH` differ from the size when a layout is scaled to an unknown panel. */
export function svgDocument(width: number, height: number, viewW: number, viewH: number, background: string, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${viewW} ${viewH}" preserveAspectRatio="xMidYMid meet">` +
    `<rect x="0" y="0" width="${viewW}" height="${viewH}" fill="${background}"/>${body}</svg>`
  );
}

function r(n: number): string {
  return String(Math.round(n * 100) / 100);
}
