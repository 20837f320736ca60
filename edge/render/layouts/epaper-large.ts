import { promptBox, type PanelContent } from '../content.js';
import type { TextMeasurer } from '../metrics.js';
import { frame, line, offlineIcon, pendingMark, rect, svgDocument, text, type Box } from '../svg.js';
import { moduleSize, qrMatrix, qrSvg, QUIET } from '../qr.js';
import { centredBaseline, epaperInk, freeRoomRow, scaleBox, type Layout, type LayoutTarget } from './types.js';

const W = 800;
const H = 480;
const M = 28;
const SPLIT = 508;
const LEFT_W = SPLIT - 16 - M;
const RIGHT_X = SPLIT + 18;
const RIGHT_W = W - M - RIGHT_X;
const CLOCK_W = 190;
const ROOM: Box = { x: M, y: 14, w: W - 2 * M - CLOCK_W, h: 60 };
const TITLE: Box = { x: M, y: 270, w: LEFT_W, h: 72 };
const FOOTER_Y = 432;

/** 7.5" e-paper, 800x480, black/white or black/white/red. */
export const epaperLarge: Layout = {
  id: 'epaper-800x480',
  width: W,
  height: H,
  colors: ['bw', 'bwr'],
  textBoxes: (t: LayoutTarget) => ({ room: scaleBox(ROOM, { width: W, height: H }, t), title: scaleBox(TITLE, { width: W, height: H }, t) }),
  dateSpace: (c: PanelContent, m: TextMeasurer) => dateSpace(c, m),
  render(c: PanelContent, target: LayoutTarget, m: TextMeasurer): string {
    const { ink, paper, accent } = epaperInk(target.colors);
    const out: string[] = [];
    const hasFooter = c.notice !== null || c.offline !== null || c.stale !== null || c.pending !== null;
    const bottom = hasFooter ? FOOTER_Y - 8 : H - M;

    // Header: room name, clock and date.
    const { clock, room } = header(c, m);
    out.push(text(M, 56, room.text, { size: room.size, weight: 'bold', fill: ink }));
    out.push(text(W - M, 46, clock.text, { size: clock.size, weight: 'bold', fill: ink, anchor: 'end' }));
    const date = dateSpace(c, m);
    if (date) out.push(text(W - M, 72, m.fitForms(c.dateForms, date.width, date.size, date.size).text, { size: date.size, fill: ink, anchor: 'end' }));
    out.push(rect(0, 86, W, 4, ink));
    out.push(rect(SPLIT, 106, 3, bottom - 106, ink));

    // Status: plain for free, a solid band for busy, a heavy frame for check-in.
    const band = { x: M, y: 108, w: LEFT_W, h: 112 };
    const label = m.fitSize(c.statusLabel, band.w - 40, 92, 40, 'bold');
    if (c.status === 'busy') {
      out.push(rect(band.x, band.y, band.w, band.h, accent, 10));
      out.push(text(band.x + 20, centredBaseline(band.y, band.h, label.size), label.text, { size: label.size, weight: 'bold', fill: paper }));
    } else if (c.status === 'checkin') {
      out.push(frame(band.x, band.y, band.w, band.h, ink, 8, 10));
      out.push(text(band.x + 20, centredBaseline(band.y, band.h, label.size), label.text, { size: label.size, weight: 'bold', fill: ink }));
    } else {
      out.push(text(band.x, centredBaseline(band.y, band.h, label.size), label.text, { size: label.size, weight: 'bold', fill: ink }));
    }
    out.push(text(M, 258, m.ellipsize(c.until, LEFT_W, 30, 'bold'), { size: 30, weight: 'bold', fill: ink }));

    // The phone link's code in the left column's bottom-right corner; the text beside it narrows.
    let textW = LEFT_W;
    if (c.qr) {
      const code = qrMatrix(c.qr.url);
      const px = moduleSize(code, 126, 3);
      if (px > 0) {
        const side = (code.size + 2 * QUIET) * px;
        const qx = SPLIT - 16 - side;
        out.push(qrSvg(code, qx, bottom - side, px, ink, paper));
        textW = LEFT_W - side - 12;
        const lines = m.wrap(c.qr.caption, textW, 16, 2);
        lines.forEach((l, i) => out.push(text(M, bottom - 8 - (lines.length - 1 - i) * 20, l, { size: 16, fill: ink })));
      }
    }

    const box = promptBox(c);
    // The meeting on now: title (two lines, one while the check-in box needs the room), time, organizer.
    let y = 300;
    if (c.meeting) {
      // With a code, one title line: it sits above the code's top, so it keeps the full width.
      const lines = m.wrap(c.meeting.title, TITLE.w, 28, box || c.qr ? 1 : 2);
      for (const l of lines) {
        out.push(text(M, y, l, { size: 28, fill: ink }));
        y += 34;
      }
      const meta = c.meeting.organizer ? `${c.meeting.time}  ·  ${c.meeting.organizer}` : c.meeting.time;
      out.push(text(M, y, m.ellipsize(meta, textW, 22), { size: 22, fill: ink }));
      y += 14;
    }
    if (box) {
      // With a code beside it the box stays above the caption.
      const top = Math.min(y + 4, bottom - 66 - (textW < LEFT_W ? 46 : 0));
      out.push(rect(M, top, textW, 64, ink, 8));
      out.push(text(M + 16, top + 28, m.ellipsize(box.bold, textW - 32, 22, 'bold'), { size: 22, weight: 'bold', fill: paper }));
      out.push(text(M + 16, top + 53, m.ellipsize(box.small, textW - 32, 18), { size: 18, fill: paper }));
    }

    // Other rooms free now (busy only), at the foot of the right column.
    let listBottom = bottom;
    if (c.freeRooms.length > 0) {
      const row = 30;
      const top = bottom - 36 - row * c.freeRooms.length;
      out.push(line(RIGHT_X, top, W - M, top, ink, 2));
      out.push(text(RIGHT_X, top + 28, m.ellipsize(c.freeNowLabel.toUpperCase(), RIGHT_W, 20, 'bold'), { size: 20, weight: 'bold', fill: ink }));
      c.freeRooms.forEach((r, i) => out.push(...freeRoomRow(r, RIGHT_X, top + 28 + row * (i + 1), RIGHT_W, 18, m, ink)));
      listBottom = top - 12;
    }

    // Later meetings, as many as fit.
    out.push(text(RIGHT_X, 132, c.nextLabel.toUpperCase(), { size: 20, weight: 'bold', fill: ink }));
    let ny = 174;
    const item = 66;
    if (c.upcoming.length === 0) out.push(text(RIGHT_X, ny, m.ellipsize(c.nothingNext, RIGHT_W, 20), { size: 20, fill: ink }));
    for (const e of c.upcoming) {
      if (ny + 26 > listBottom) break;
      out.push(text(RIGHT_X, ny, m.ellipsize(e.time, RIGHT_W, 20, 'bold'), { size: 20, weight: 'bold', fill: ink }));
      out.push(text(RIGHT_X, ny + 26, m.ellipsize(e.title, RIGHT_W, 20), { size: 20, fill: ink }));
      ny += item;
    }

    if (hasFooter) out.push(footer(c, m, ink, paper));
    return svgDocument(target.width, target.height, W, H, paper, out.join(''));
  },
};

function header(c: PanelContent, m: TextMeasurer): { clock: { text: string; size: number }; room: { text: string; size: number } } {
  const clock = m.fitForms(c.clockForms, CLOCK_W, 34, 22, 'bold');
  const room = m.fitSize(c.room, Math.min(ROOM.w, W - 2 * M - m.width(clock.text, clock.size, 'bold') - 24), 40, 24, 'bold');
  return { clock, room };
}

/**
 * The date sits under the clock, right-aligned, and may reach left as far as the room name
 * leaves free (the two lines share the band's height).
 */
function dateSpace(c: PanelContent, m: TextMeasurer): { width: number; size: number } | null {
  if (c.dateForms.length === 0) return null;
  const { room } = header(c, m);
  return { width: Math.max(CLOCK_W, W - 2 * M - m.width(room.text, room.size, 'bold') - 24), size: 18 };
}

function footer(c: PanelContent, m: TextMeasurer, ink: string, paper: string): string {
  const out: string[] = [line(0, FOOTER_Y, W, FOOTER_Y, ink, 2)];
  const base = 464;
  let right = W - M;
  const tag = (label: string, icon: 'offline' | 'pending' | null): void => {
    const w = m.width(label, 20, 'bold');
    out.push(text(right, base, label, { size: 20, weight: 'bold', fill: ink, anchor: 'end' }));
    right -= w + 8;
    if (icon === 'offline') out.push(offlineIcon(right - 28, base - 22, 28, ink, paper));
    if (icon === 'pending') out.push(pendingMark(right - 30, base - 21, 26, ink));
    right -= (icon ? 30 : 0) + 22;
  };
  if (c.offline) tag(c.offline, 'offline');
  else if (c.stale) tag(c.stale, null);
  if (c.pending) tag(c.pending, 'pending');
  if (c.notice) out.push(text(M, base, m.ellipsize(c.notice, right - M, 20), { size: 20, fill: ink }));
  return out.join('');
}
