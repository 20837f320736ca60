import { promptBox, type PanelContent } from '../content.js';
import type { TextMeasurer } from '../metrics.js';
import { frame, line, offlineIcon, pendingMark, rect, svgDocument, text, type Box } from '../svg.js';
import { moduleSize, qrMatrix, qrSvg, QUIET } from '../qr.js';
import { centredBaseline, epaperInk, freeRoomRow, scaleBox, type Layout, type LayoutTarget } from './types.js';

const W = 400;
const H = 300;
const M = 16;
const CLOCK_W = 124;
const ROOM: Box = { x: M, y: 8, w: W - 2 * M - CLOCK_W, h: 34 };
const TITLE: Box = { x: M, y: 166, w: W - 2 * M, h: 54 };

/** 4.2" e-paper, 400x300, black/white (one column: status, the meeting, what is next). */
export const epaperMedium: Layout = {
  id: 'epaper-400x300',
  width: W,
  height: H,
  colors: ['bw', 'bwr'],
  textBoxes: (t: LayoutTarget) => ({ room: scaleBox(ROOM, { width: W, height: H }, t), title: scaleBox(TITLE, { width: W, height: H }, t) }),
  render(c: PanelContent, target: LayoutTarget, m: TextMeasurer): string {
    const { ink, paper, accent } = epaperInk(target.colors);
    const out: string[] = [];
    const inner = W - 2 * M;

    const clock = m.fitForms(c.clockForms, CLOCK_W, 24, 14, 'bold');
    const room = m.fitSize(c.room, Math.min(ROOM.w, inner - m.width(clock.text, clock.size, 'bold') - 14), 26, 16, 'bold');
    out.push(text(M, 34, room.text, { size: room.size, weight: 'bold', fill: ink }));
    out.push(text(W - M, 33, clock.text, { size: clock.size, weight: 'bold', fill: ink, anchor: 'end' }));
    out.push(rect(0, 46, W, 3, ink));

    const band = { x: M, y: 60, w: inner, h: 70 };
    const label = m.fitSize(c.statusLabel, band.w - 28, 58, 28, 'bold');
    const lx = band.x + 14;
    const ly = centredBaseline(band.y, band.h, label.size);
    if (c.status === 'busy') {
      out.push(rect(band.x, band.y, band.w, band.h, accent, 8));
      out.push(text(lx, ly, label.text, { size: label.size, weight: 'bold', fill: paper }));
    } else if (c.status === 'checkin') {
      out.push(frame(band.x, band.y, band.w, band.h, ink, 6, 8));
      out.push(text(lx, ly, label.text, { size: label.size, weight: 'bold', fill: ink }));
    } else {
      out.push(text(band.x, ly, label.text, { size: label.size, weight: 'bold', fill: ink }));
    }
    out.push(text(M, 158, m.ellipsize(c.until, inner, 20, 'bold'), { size: 20, weight: 'bold', fill: ink }));

    // The phone link's code in the bottom-right corner; the lines beside it narrow.
    let textW = inner;
    if (c.qr) {
      const code = qrMatrix(c.qr.url);
      const px = moduleSize(code, 96, 2);
      if (px > 0) {
        const side = (code.size + 2 * QUIET) * px;
        out.push(qrSvg(code, W - M - side + QUIET * px, H - 4 - side, px, ink, paper));
        textW = inner - side - 4;
      }
    }

    const box = promptBox(c);
    let y = 186;
    if (c.meeting) {
      for (const l of m.wrap(c.meeting.title, Math.min(TITLE.w, textW), 18, box ? 1 : 2)) {
        out.push(text(M, y, l, { size: 18, fill: ink }));
        y += 22;
      }
      const meta = c.meeting.organizer ? `${c.meeting.time}  ·  ${c.meeting.organizer}` : c.meeting.time;
      out.push(text(M, y, m.ellipsize(meta, textW, 15), { size: 15, fill: ink }));
      y += 8;
    }

    const hasFooter = c.notice !== null || c.offline !== null || c.stale !== null || c.pending !== null;
    const footerY = H - 26;
    const limit = hasFooter ? footerY - 4 : H - 8;
    if (box) {
      const top = Math.min(y + 4, limit - 46);
      out.push(rect(M, top, textW, 46, ink, 6));
      out.push(text(M + 10, top + 20, m.ellipsize(box.bold, textW - 20, 16, 'bold'), { size: 16, weight: 'bold', fill: paper }));
      out.push(text(M + 10, top + 38, m.ellipsize(c.qr && c.checkIn ? c.qr.caption : box.small, textW - 20, 13), { size: 13, fill: paper }));
    } else {
      y += 6;
      out.push(line(M, y, M + textW, y, ink, 1));
      y += 22;
      // A busy room: the rooms free now matter more at the door than what comes later here.
      for (const r of c.freeRooms) {
        if (y > limit) break;
        if (r === c.freeRooms[0]) {
          out.push(text(M, y, m.ellipsize(c.freeNowLabel, textW, 16, 'bold'), { size: 16, weight: 'bold', fill: ink }));
          y += 22;
          if (y > limit) break;
        }
        out.push(...freeRoomRow(r, M, y, textW, 16, m, ink));
        y += 22;
      }
      if (c.freeRooms.length === 0 && c.upcoming.length === 0 && y <= limit) out.push(text(M, y, m.ellipsize(`${c.nextLabel}: ${c.nothingNext}`, textW, 16), { size: 16, fill: ink }));
      for (const e of c.freeRooms.length > 0 ? [] : c.upcoming) {
        if (y > limit) break;
        const when = m.ellipsize(e.startShort, 110, 16, 'bold');
        const ww = m.width(when, 16, 'bold');
        out.push(text(M, y, when, { size: 16, weight: 'bold', fill: ink }));
        out.push(text(M + ww + 10, y, m.ellipsize(e.title, textW - ww - 10, 16), { size: 16, fill: ink }));
        y += 22;
      }
    }

    if (hasFooter) {
      out.push(line(0, footerY, W, footerY, ink, 2));
      const base = H - 8;
      let right = W - M;
      if (c.offline) {
        out.push(text(right, base, c.offline, { size: 15, weight: 'bold', fill: ink, anchor: 'end' }));
        right -= m.width(c.offline, 15, 'bold') + 26;
        out.push(offlineIcon(right, base - 15, 20, ink, paper));
        right -= 12;
      } else if (c.stale) {
        out.push(text(right, base, c.stale, { size: 15, weight: 'bold', fill: ink, anchor: 'end' }));
        right -= m.width(c.stale, 15, 'bold') + 12;
      }
      if (c.pending) {
        out.push(pendingMark(right - 22, base - 15, 19, ink));
        right -= 34;
      }
      if (c.notice) out.push(text(M, base, m.ellipsize(c.notice, right - M, 15), { size: 15, fill: ink }));
    }
    return svgDocument(target.width, target.height, W, H, paper, out.join(''));
  },
};
