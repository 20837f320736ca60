import type { UsageRow } from '../../reports/usage.js';
import { escapeHtml } from './kiosk-html.js';

/**
 * The usage page: one server-drawn SVG chart per room (booked against checked-in hours per
 * day, and present hours where the room has a presence sensor; released meetings and door
 * bookings under each day), no script, no external assets.
 */
const STYLE = `
body{font-family:"DejaVu Sans",system-ui,sans-serif;margin:2rem;color:#1b2230;background:#f5f7fa}
h1{font-size:1.5rem;margin:0 0 .3rem}
p.range{color:#566074;margin:0 0 1.5rem}
section{background:#fff;border-radius:.6rem;padding:1rem 1.2rem;margin:0 0 1.2rem;max-width:60rem}
h2{font-size:1.15rem;margin:0 0 .5rem}
.key{font-size:.9rem;color:#566074}
.key span{display:inline-block;width:.8rem;height:.8rem;margin:0 .3rem 0 1rem;vertical-align:-.05rem}
`;

const BOOKED = '#9aa7bd';
const USED = '#1f7a45';
const PRESENT = '#c77c02';

export function usagePage(rooms: ReadonlyArray<{ id: string; name: string }>, rows: readonly UsageRow[], from: string, to: string): string {
  const sections = rooms
    .map((room) => {
      const own = rows.filter((r) => r.room === room.id);
      const booked = own.reduce((n, r) => n + r.bookedHours, 0);
      const used = own.reduce((n, r) => n + r.checkedInHours, 0);
      const sensed = own.some((r) => r.presenceMinutes !== null);
      const present = own.reduce((n, r) => n + (r.presenceMinutes ?? 0), 0) / 60;
      const empty = own.reduce((n, r) => n + r.releasedNoPresence, 0);
      return `<section><h2>${escapeHtml(room.name)}</h2><div class="key">${fmt(booked)} h booked, ${fmt(used)} h checked in${sensed ? `, ${fmt(present)} h present` : ''},
 ${own.reduce((n, r) => n + r.releasedNoShows, 0)} released (nobody checked in)${sensed ? `, ${empty} released (nobody present)` : ''}, ${own.reduce((n, r) => n + r.adHocBookings, 0)} booked at the door
<span style="background:${BOOKED}"></span>booked<span style="background:${USED}"></span>checked in${sensed ? `<span style="background:${PRESENT}"></span>present` : ''}</div>${usageChart(own, room.name)}</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Room usage</title><style>${STYLE}</style></head>
<body><h1>Room usage</h1><p class="range">${escapeHtml(from)} to ${escapeHtml(to)}: booked against used, per day</p>
${sections}
</body></html>
`;
}

/** One room's days as grouped bars; the scale's top is the next whole hour above the largest day (at least 4). */
export function usageChart(rows: readonly UsageRow[], title: string): string {
  const W = 900;
  const H = 240;
  const left = 40;
  const top = 16;
  const plotH = 170;
  const base = top + plotH;
  const presentH = (r: UsageRow): number | null => (r.presenceMinutes === null ? null : r.presenceMinutes / 60);
  const sensed = rows.some((r) => r.presenceMinutes !== null);
  const max = Math.max(4, Math.ceil(Math.max(0, ...rows.map((r) => Math.max(r.bookedHours, presentH(r) ?? 0)))));
  const slot = rows.length === 0 ? 0 : (W - left - 10) / rows.length;
  // Three bars a day where the room has a presence sensor, two elsewhere.
  const bar = Math.max(2, Math.min(28, slot * (sensed ? 0.24 : 0.32)));
  const y = (h: number): number => base - (h / max) * plotH;
  const out: string[] = [];
  for (let h = 0; h <= max; h += max > 8 ? 2 : 1) {
    out.push(`<line x1="${left}" y1="${n(y(h))}" x2="${W - 10}" y2="${n(y(h))}" stroke="#e3e7ee"/><text x="${left - 6}" y="${n(y(h) + 4)}" text-anchor="end" font-size="11" fill="#566074">${h}</text>`);
  }
  rows.forEach((r, i) => {
    const x = left + slot * i + slot / 2 - (sensed ? bar / 2 : 0);
    out.push(`<rect x="${n(x - bar - 1)}" y="${n(y(r.bookedHours))}" width="${n(bar)}" height="${n(base - y(r.bookedHours))}" fill="${BOOKED}"><title>${escapeHtml(`${r.day}: ${fmt(r.bookedHours)} h booked`)}</title></rect>`);
    out.push(`<rect x="${n(x + 1)}" y="${n(y(r.checkedInHours))}" width="${n(bar)}" height="${n(base - y(r.checkedInHours))}" fill="${USED}"><title>${escapeHtml(`${r.day}: ${fmt(r.checkedInHours)} h checked in`)}</title></rect>`);
    const p = presentH(r);
    if (p !== null) {
      out.push(`<rect x="${n(x + bar + 3)}" y="${n(y(p))}" width="${n(bar)}" height="${n(base - y(p))}" fill="${PRESENT}"><title>${escapeHtml(`${r.day}: ${r.presenceMinutes} min present`)}</title></rect>`);
    }
    out.push(`<text x="${n(x)}" y="${base + 16}" text-anchor="middle" font-size="11" fill="#1b2230">${escapeHtml(r.day.slice(5))}</text>`);
    out.push(`<text x="${n(x)}" y="${base + 32}" text-anchor="middle" font-size="10" fill="#b3261e">${r.releasedNoShows + r.releasedNoPresence > 0 ? `${r.releasedNoShows + r.releasedNoPresence} released` : ''}</text>`);
    out.push(`<text x="${n(x)}" y="${base + 46}" text-anchor="middle" font-size="10" fill="#566074">${r.adHocBookings > 0 ? `${r.adHocBookings} at door` : ''}</text>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${escapeHtml(`Usage of ${title}`)}">${out.join('')}</svg>`;
}

function n(v: number): string {
  return String(Math.round(v * 10) / 10);
}

function fmt(h: number): string {
  return String(Math.round(h * 10) / 10);
}
