import type { TextMeasurer } from './metrics.js';
import { line, svgDocument, text } from './svg.js';

/**
 * What a display shows before it has a room to show: waiting for approval, refused, or
 * approved without a room. The device id is printed large, so that an administrator standing
 * at the door can find this display on the admin page.
 */
export interface StatusScreen {
  title: string;
  lines: readonly string[];
  deviceId: string;
}

/** One layout for every size: everything scales with the panel's height. */
export function statusScreenSvg(screen: StatusScreen, target: { width: number; height: number }, m: TextMeasurer): string {
  const { width: W, height: H } = target;
  const u = H / 480;
  const margin = Math.max(4, 32 * u);
  const inner = W - 2 * margin;
  const out: string[] = [];
  const brand = m.fitSize('doorplate', inner, 26 * u, 10 * u, 'bold');
  out.push(text(margin, margin + brand.size, brand.text, { size: brand.size, weight: 'bold', fill: '#000000' }));
  const ruleY = margin + brand.size * 1.5;
  out.push(line(margin, ruleY, W - margin, ruleY, '#000000', Math.max(1, 3 * u)));

  const title = m.fitSize(screen.title, inner, 56 * u, 12 * u, 'bold');
  let y = ruleY + title.size * 1.6;
  out.push(text(margin, y, title.text, { size: title.size, weight: 'bold', fill: '#000000' }));
  const bodySize = Math.max(9, 26 * u);
  y += bodySize * 0.3;
  for (const l of screen.lines) {
    y += bodySize * 1.45;
    if (y > H - margin - 60 * u) break;
    out.push(text(margin, y, m.ellipsize(l, inner, bodySize), { size: bodySize, fill: '#000000' }));
  }
  const label = Math.max(8, 20 * u);
  const id = m.fitSize(screen.deviceId, inner, 48 * u, 10 * u, 'bold');
  out.push(text(margin, H - margin - id.size * 1.15, 'Device', { size: label, fill: '#000000' }));
  out.push(text(margin, H - margin, id.text, { size: id.size, weight: 'bold', fill: '#000000' }));
  return svgDocument(W, H, W, H, '#ffffff', out.join(''));
}

export const STATUS_SCREENS = {
  enrolling: (deviceId: string): StatusScreen => ({
    title: 'Waiting for approval',
    lines: ['An administrator approves this display', 'on the doorplate admin page.'],
    deviceId,
  }),
  refused: (deviceId: string): StatusScreen => ({
    title: 'Not admitted',
    lines: ['The server refused this display.', 'An administrator can reset it.'],
    deviceId,
  }),
  unassigned: (deviceId: string): StatusScreen => ({
    title: 'No room assigned',
    lines: ['Assign this display to a room', 'on the doorplate admin page.'],
    deviceId,
  }),
} as const;
