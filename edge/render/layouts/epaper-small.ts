import { promptBox, type PanelContent } from '../content.js';
import type { TextMeasurer } from '../metrics.js';
import { frame, offlineIcon, pendingMark, rect, svgDocument, text, type Box } from '../svg.js';
import { moduleSize, qrMatrix, qrSvg, QUIET } from '../qr.js';
import { centredBaseline, epaperInk, scaleBox, type Layout, type LayoutTarget } from './types.js';

const W = 250;
const H = 122;
const M = 6;
const CLOCK_W = 60;
const ROOM: Box = { x: M, y: 0, w: W - 2 * M - CLOCK_W, h: 21 };
const TITLE: Box = { x: M, y: 83, w: W - 2 * M, h: 19 };

/**
 * 2.13" e-paper drawn landscape, 250x122 (the panel is 122x250 portrait; see orientation.ts).
 * Room and clock, the status in large type with its until-line, then one line for the meeting
 * and one for the most urgent extra: check-in, notice, or what is next.
 */
export const epaperSmall: Layout = {
  id: 'epaper-250x122',
  width: W,
  height: H,
  colors: ['bw', 'bwr'],
  textBoxes: (t: LayoutTarget) => ({ room: scaleBox(ROOM, { width: W, height: H }, t), title: scaleBox(TITLE, { width: W, height: H }, t) }),
  render(c: PanelContent, target: LayoutTarget, m: TextMeasurer): string {
    const { ink, paper, accent } = epaperInk(target.colors);
    const out: string[] = [];
    const inner = W - 2 * M;

    const clock = m.fitForms(c.clockForms, CLOCK_W * 2, 14, 14, 'bold').text;
    let clockLeft = W - M - m.width(clock, 14, 'bold');
    out.push(text(W - M, 16, clock, { size: 14, weight: 'bold', fill: ink, anchor: 'end' }));
    if (c.offline) {
      clockLeft -= 20;
      out.push(offlineIcon(clockLeft, 3, 16, ink, paper));
    }
    if (c.pending) {
      clockLeft -= 20;
      out.push(pendingMark(clockLeft, 4, 14, ink));
    }
    const room = m.fitSize(c.room, Math.min(ROOM.w, clockLeft - M - 6), 16, 10, 'bold');
    out.push(text(M, 16, room.text, { size: room.size, weight: 'bold', fill: ink }));
    out.push(rect(0, 21, W, 2, ink));

    // The phone link's code at the right, under the header (2 px modules); everything else narrows.
    let textW = inner;
    if (c.qr) {
      const code = qrMatrix(c.qr.url);
      const px = moduleSize(code, H - 25, 2);
      if (px > 0) {
        const side = (code.size + 2 * QUIET) * px;
        out.push(qrSvg(code, W - side, H - side, px, ink, paper));
        textW = W - side - M;
      }
    }

    const band = { x: M, y: 27, w: textW, h: 36 };
    const label = m.fitSize(c.statusLabel, band.w - 16, 30, 16, 'bold');
    const ly = centredBaseline(band.y, band.h, label.size);
    if (c.status === 'busy') {
      out.push(rect(band.x, band.y, band.w, band.h, accent, 4));
      out.push(text(band.x + 8, ly, label.text, { size: label.size, weight: 'bold', fill: paper }));
    } else if (c.status === 'checkin') {
      out.push(frame(band.x, band.y, band.w, band.h, ink, 3, 4));
      out.push(text(band.x + 8, ly, label.text, { size: label.size, weight: 'bold', fill: ink }));
    } else {
      out.push(text(band.x, ly, label.text, { size: label.size, weight: 'bold', fill: ink }));
    }
    out.push(text(M, 80, m.ellipsize(c.until, textW, 14, 'bold'), { size: 14, weight: 'bold', fill: ink }));

    if (c.meeting) out.push(text(M, 97, m.ellipsize(c.meeting.title, Math.min(TITLE.w, textW), 13), { size: 13, fill: ink }));
    const box = promptBox(c);
    const extra = box
      ? box.bold
      : c.notice ?? c.stale ?? (c.freeRooms[0] ? `${c.freeNowLabel}: ${c.freeRooms[0].name} ${c.freeRooms[0].until}` : null) ?? (c.upcoming[0] ? `${c.nextLabel}: ${c.upcoming[0].startShort} ${c.upcoming[0].title}` : c.meeting ? c.meeting.time : null);
    if (extra !== null) {
      const inverse = box !== null || (c.notice !== null && c.notice === extra);
      if (inverse) out.push(rect(0, 103, textW + M, 19, ink));
      out.push(text(M, 117, m.ellipsize(extra, textW, 13, inverse ? 'bold' : 'regular'), { size: 13, weight: inverse ? 'bold' : 'regular', fill: inverse ? paper : ink }));
    }
    return svgDocument(target.width, target.height, W, H, paper, out.join(''));
  },
};
