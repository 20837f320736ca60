import { promptBox, type PanelContent } from '../content.js';
import type { TextMeasurer } from '../metrics.js';
import { offlineIcon, pendingMark, rect, svgDocument, text, type Box } from '../svg.js';
import { freeRoomRow, type Layout, type LayoutTarget } from './types.js';
import { moduleSize, qrMatrix, qrSvg, QUIET } from '../qr.js';

/** Status colours: deep enough that white type on them stays readable across a corridor. */
export const SCREEN_COLOURS = {
  free: '#1e7e34',
  busy: '#c62828',
  checkin: '#c76a00',
  ink: '#1f2328',
  muted: '#5f6670',
  paper: '#ffffff',
  side: '#f3f4f6',
  notice: '#1f2328',
} as const;

/** Proportions, in units of a 1280x720 design; every size scales from the smaller side's factor. */
function geometry(t: LayoutTarget): { u: number; split: number; margin: number; room: Box; title: Box; noticeH: number } {
  const u = Math.min(t.width / 1280, t.height / 720);
  const split = Math.round(t.width * 0.6);
  const margin = 48 * u;
  return {
    u,
    split,
    margin,
    noticeH: 60 * u,
    room: { x: margin, y: 28 * u, w: split - 2 * margin, h: 60 * u },
    title: { x: margin, y: 378 * u, w: split - 2 * margin, h: 104 * u },
  };
}

/** HDMI screens of any size (designed for 800x480, 1280x720, 1920x1080): a status side in colour and a light agenda side. */
export const screen: Layout = {
  id: 'screen',
  width: 1280,
  height: 720,
  colors: ['rgb'],
  textBoxes: (t: LayoutTarget) => {
    const g = geometry(t);
    return { room: g.room, title: g.title };
  },
  dateSpace: (c: PanelContent, _m: TextMeasurer, t: LayoutTarget) => dateSpace(c, t),
  render(c: PanelContent, t: LayoutTarget, m: TextMeasurer): string {
    const C = SCREEN_COLOURS;
    const g = geometry(t);
    const { u, split, margin } = g;
    const W = t.width;
    const H = t.height;
    const out: string[] = [];
    const hasNotice = c.notice !== null;
    const bottom = hasNotice ? H - g.noticeH : H;
    const colour = C[c.status];
    const inner = split - 2 * margin;

    out.push(rect(0, 0, split, bottom, colour));
    out.push(rect(split, 0, W - split, bottom, C.side));

    const room = m.fitSize(c.room, g.room.w, 46 * u, 26 * u, 'bold');
    out.push(text(margin, 76 * u, room.text, { size: room.size, weight: 'bold', fill: C.paper }));
    const label = m.fitSize(c.statusLabel, inner, 150 * u, 60 * u, 'bold');
    out.push(text(margin, 250 * u, label.text, { size: label.size, weight: 'bold', fill: C.paper }));
    out.push(text(margin, 320 * u, m.ellipsize(c.until, inner, 44 * u, 'bold'), { size: 44 * u, weight: 'bold', fill: C.paper }));
    out.push(rect(margin, 356 * u, 72 * u, 6 * u, C.paper, 3 * u));

    // The phone link's code at the foot of the status side, on white; the text beside it narrows.
    let textW = inner;
    if (c.qr) {
      const code = qrMatrix(c.qr.url);
      const px = moduleSize(code, Math.floor(200 * u), 8);
      if (px > 0) {
        const side = (code.size + 2 * QUIET) * px;
        out.push(qrSvg(code, split - margin - side, bottom - 24 * u - side, px, C.ink, C.paper));
        textW = inner - side - 24 * u;
        const lines = m.wrap(c.qr.caption, textW, 24 * u, 2);
        lines.forEach((l, i) => out.push(text(margin, bottom - 30 * u - (lines.length - 1 - i) * 30 * u, l, { size: 24 * u, fill: C.paper })));
      }
    }

    const box = promptBox(c);
    let y = 420 * u;
    if (c.meeting) {
      // With a code, one title line above its top, at the full width.
      for (const l of m.wrap(c.meeting.title, g.title.w, 38 * u, box || c.qr ? 1 : 2)) {
        out.push(text(margin, y, l, { size: 38 * u, fill: C.paper }));
        y += 48 * u;
      }
      const meta = c.meeting.organizer ? `${c.meeting.time}  ·  ${c.meeting.organizer}` : c.meeting.time;
      out.push(text(margin, y, m.ellipsize(meta, textW, 28 * u), { size: 28 * u, fill: C.paper }));
      y += 24 * u;
    }
    if (box) {
      const h = 76 * u;
      const top = Math.min(y, bottom - h - 28 * u - (textW < inner ? 64 * u : 0));
      out.push(rect(margin, top, textW, h, C.paper, 14 * u));
      out.push(text(margin + 24 * u, top + 33 * u, m.ellipsize(box.bold, textW - 48 * u, 28 * u, 'bold'), { size: 28 * u, weight: 'bold', fill: colour }));
      out.push(text(margin + 24 * u, top + 62 * u, m.ellipsize(box.small, textW - 48 * u, 22 * u), { size: 22 * u, fill: C.ink }));
    }

    // Agenda side: clock, date, marks, and the later meetings as cards.
    const sx = split + margin;
    const sw = W - split - 2 * margin;
    const clock = m.fitForms(c.clockForms, sw, 84 * u, 40 * u, 'bold');
    out.push(text(sx, 116 * u, clock.text, { size: clock.size, weight: 'bold', fill: C.ink }));
    const date = dateSpace(c, t);
    if (date) out.push(text(sx, 160 * u, m.fitForms(c.dateForms, date.width, date.size, date.size).text, { size: date.size, fill: C.muted }));
    let tagY = 196 * u;
    const tag = (label: string, icon: 'offline' | 'pending' | null): void => {
      const size = 22 * u;
      const iconW = icon ? 34 * u : 0;
      const w = Math.min(sw, m.width(label, size, 'bold') + iconW + 28 * u);
      out.push(rect(sx, tagY, w, 40 * u, C.ink, 20 * u));
      if (icon === 'offline') out.push(offlineIcon(sx + 12 * u, tagY + 7 * u, 26 * u, C.paper, C.ink));
      if (icon === 'pending') out.push(pendingMark(sx + 12 * u, tagY + 8 * u, 24 * u, C.paper));
      out.push(text(sx + 14 * u + iconW, tagY + 28 * u, m.ellipsize(label, w - iconW - 28 * u, size, 'bold'), { size, weight: 'bold', fill: C.paper }));
      tagY += 52 * u;
    };
    if (c.offline) tag(c.offline, 'offline');
    if (c.stale) tag(c.stale, null);
    if (c.pending) tag(c.pending, 'pending');

    let ny = Math.max(250 * u, tagY + 30 * u);
    out.push(text(sx, ny, c.nextLabel.toUpperCase(), { size: 22 * u, weight: 'bold', fill: C.muted }));
    ny += 18 * u;
    const cardH = 84 * u;
    if (c.upcoming.length === 0) out.push(text(sx, ny + 40 * u, m.ellipsize(c.nothingNext, sw, 28 * u), { size: 28 * u, fill: C.ink }));
    // Other rooms free now (busy only): a card at the foot of the agenda side.
    let cardsBottom = bottom - 24 * u;
    if (c.freeRooms.length > 0) {
      const row = 40 * u;
      const h = 56 * u + row * c.freeRooms.length;
      const top = bottom - 24 * u - h;
      out.push(rect(sx, top, sw, h, C.paper, 10 * u));
      out.push(rect(sx, top, 8 * u, h, SCREEN_COLOURS.free, 4 * u));
      out.push(text(sx + 24 * u, top + 38 * u, m.ellipsize(c.freeNowLabel.toUpperCase(), sw - 40 * u, 22 * u, 'bold'), { size: 22 * u, weight: 'bold', fill: SCREEN_COLOURS.free }));
      c.freeRooms.forEach((r, i) => out.push(...freeRoomRow(r, sx + 24 * u, top + 38 * u + row * (i + 1), sw - 48 * u, 24 * u, m, C.ink)));
      cardsBottom = top - 12 * u;
    }
    for (const e of c.upcoming) {
      if (ny + cardH > cardsBottom) break;
      out.push(rect(sx, ny, sw, cardH - 12 * u, C.paper, 10 * u));
      out.push(rect(sx, ny, 8 * u, cardH - 12 * u, C.ink, 4 * u));
      out.push(text(sx + 24 * u, ny + 30 * u, m.ellipsize(e.time, sw - 40 * u, 24 * u, 'bold'), { size: 24 * u, weight: 'bold', fill: C.ink }));
      out.push(text(sx + 24 * u, ny + 60 * u, m.ellipsize(e.title, sw - 40 * u, 24 * u), { size: 24 * u, fill: C.muted }));
      ny += cardH;
    }

    if (hasNotice && c.notice) {
      out.push(rect(0, bottom, W, g.noticeH, C.notice));
      out.push(text(margin, bottom + g.noticeH / 2 + 10 * u, m.ellipsize(c.notice, W - 2 * margin, 28 * u), { size: 28 * u, fill: C.paper }));
    }
    return svgDocument(W, H, W, H, C.paper, out.join(''));
  },
};

/** The date line under the clock on the agenda side. */
function dateSpace(c: PanelContent, t: LayoutTarget): { width: number; size: number } | null {
  if (c.dateForms.length === 0) return null;
  const g = geometry(t);
  return { width: t.width - g.split - 2 * g.margin, size: 28 * g.u };
}
