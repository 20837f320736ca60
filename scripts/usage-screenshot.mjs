// Takes docs/usage.png: a simulated working week of two rooms (the usage report test's own world,
// on its fake clock), drawn by the usage page. `npm run build && node scripts/usage-screenshot.mjs [out.png]`.
// Needs Chromium at /usr/bin/chromium (Debian package chromium).
import { chromium } from 'playwright-core';
import { usageReport } from '../dist/server/reports/usage.js';
import { usagePage } from '../dist/server/http/pages/usage-html.js';
import { at, meeting } from '../dist/test/server/bookings/world.js';
import { presenceWorld } from '../dist/test/server/presence/presence-world.js';

const out = process.argv[2] ?? 'docs/usage.png';
const WEEK = ['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06'];
const w = presenceWorld({ start: '08:00', config: { site: { timeZone: 'Europe/Berlin', presence: { releaseAfterMins: 15 } }, rooms: [{ id: 'ada', name: 'Ada Lovelace' }, { id: 'grace', name: 'Grace Hopper' }] } });
const go = (hhmm, day) => w.clock.advanceAsync(Date.parse(at(hhmm, day)) - w.clock.now());
try {
  for (const day of WEEK) {
    const m = (id, from, to, extra = {}) => ({ ...meeting(`${id}-${day}`, from, to, extra), start: at(from, day), end: at(to, day) });
    w.add('ada', m('standup', '09:00', '10:00'));
    w.add('ada', m('sync', '11:00', '11:30'));
    w.add('ada', m('review', '15:00', '16:30'));
    w.add('grace', m('workshop', '10:00', '12:00', { checkInRequired: false }));
  }
  // Ada has a presence sensor from Tuesday on; people leave the stand-up early on some days.
  w.display('door', 'ada');
  w.release.start();
  await go('20:00', WEEK[0]);
  await go('08:00', WEEK[1]);
  w.report('door', false);
  for (const day of WEEK.slice(1)) {
    await go('09:00', day);
    w.report('door', true);
    await w.bookings.checkIn('ada', { eventId: `standup-${day}`, scope: 'shot' });
    await go(day === '2026-03-04' ? '09:20' : '09:55', day);
    w.report('door', false);
    await go('14:00', day);
    await w.bookings.bookNow('ada', { durationMins: 30, via: 'panel', scope: 'shot' });
    await go('15:01', day);
    w.report('door', true);
    await w.bookings.checkIn('ada', { eventId: `review-${day}`, scope: 'shot' });
    await go('16:25', day);
    w.report('door', false);
    await go('20:00', day);
  }
  const rows = usageReport(
    { rooms: w.rooms.list(), events: (id, a, b) => w.store.events.listForRoom(id, a, b), releases: w.store.changes.since(0, 100_000).filter((c) => c.kind === 'release'), presence: (id, a, b) => w.store.presence.list(id, a, b), now: w.clock.now() },
    '2026-03-02',
    '2026-03-08',
  );
  const html = usagePage(w.rooms.list(), rows, '2026-03-02', '2026-03-08');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1060, height: 800 } });
    await page.setContent(html);
    await page.screenshot({ path: out, fullPage: true });
    console.log(`wrote ${out}`);
  } finally {
    await browser.close();
  }
} finally {
  w.close?.();
}
