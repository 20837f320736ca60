/**
 * The kiosk page: one room, full screen, for a browser on an HDMI screen (Chromium in kiosk
 * mode). It shows what the room's panel shows and follows the room's public stream; it holds
 * no data of its own and needs no token. No external assets: it must work on a site without
 * Internet access.
 */

import { ROOM_STRINGS } from '../../../shared/i18n/room-strings.js';

/** Text for an HTML text node or a double-quoted attribute. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

const STYLE = `
*{box-sizing:border-box}
html,body{margin:0;height:100%;overflow:hidden;cursor:none}
body{font-family:"DejaVu Sans",system-ui,sans-serif;background:#11151c;color:#f5f7fa;display:grid;grid-template-columns:3fr 2fr;grid-template-rows:1fr auto}
#main{padding:5vh 4vw;display:flex;flex-direction:column;gap:2vh;background:#1f7a45}
body.busy #main{background:#b3261e}
body.awaiting-checkin #main{background:#b86e00}
body.unknown #main{background:#3a4150}
#room{font-size:4.2vh;font-weight:600;opacity:.92;letter-spacing:.02em}
#status{font-size:17vh;font-weight:800;line-height:1;letter-spacing:.03em;margin-top:1vh}
#until{font-size:4.6vh;font-weight:600}
#current{margin-top:auto;background:#0003;border-radius:1.4vh;padding:2.4vh 2vw}
#current.empty{display:none}
#title{font-size:5.4vh;font-weight:700;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
#when{font-size:3.6vh;margin-top:.6vh;opacity:.92}
#organizer{font-size:3vh;margin-top:.4vh;opacity:.8}
#side{padding:5vh 3vw;background:#f5f7fa;color:#1b2230;display:flex;flex-direction:column;gap:2vh;min-width:0}
#clock{font-size:11vh;font-weight:700;line-height:1;font-variant-numeric:tabular-nums}
#date{font-size:3vh;color:#566074}
#next-h{font-size:2.6vh;text-transform:uppercase;letter-spacing:.12em;color:#566074;margin-top:3vh;border-bottom:2px solid #d8dde6;padding-bottom:1vh}
#next{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:1.6vh}
#next li{display:grid;grid-template-columns:auto 1fr;gap:.4vh 1.2vw;align-items:baseline}
#next .t{font-size:3vh;font-weight:700;font-variant-numeric:tabular-nums;white-space:nowrap}
#next .n{font-size:3vh;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
#next .d{grid-column:2;font-size:2.2vh;color:#566074}
#next .none{font-size:3vh;color:#566074}
#notice{grid-column:1/3;background:#ffd23f;color:#1b2230;font-size:3.6vh;font-weight:600;padding:1.8vh 4vw;display:flex;gap:2vw;align-items:baseline}
#notice.empty{display:none}
#notice .from{font-weight:400;font-size:2.6vh;margin-left:auto;white-space:nowrap}
#link{position:fixed;right:1.2vw;bottom:1vh;font-size:1.8vh;color:#566074}
#link.ok{display:none}
#free-h{font-size:2.6vh;text-transform:uppercase;letter-spacing:.12em;color:#1f7a45;margin-top:auto;border-bottom:2px solid #d8dde6;padding-bottom:1vh}
#free-h.empty,#free.empty{display:none}
#free{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:1.2vh}
#free li{display:flex;gap:1vw;align-items:baseline;font-size:3vh}
#free .n{font-weight:700;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
#free .u{margin-left:auto;white-space:nowrap;color:#566074}
#stale{font-size:2.6vh;background:#0004;border-radius:1vh;padding:.8vh 1.2vw;align-self:flex-start}
#stale.empty{display:none}
#offer{background:#fff;color:#1b2230;border-radius:1.4vh;padding:2vh 2vw}
#offer.empty{display:none}
#offer-line{font-size:4.2vh;font-weight:700;color:#1f7a45}
#offer-prompt{font-size:3vh;margin-top:.4vh}
`;

/** The page's script: renders the stream's events; all text goes in through textContent. */
const SCRIPT = `
'use strict';
const STRINGS = ${JSON.stringify(ROOM_STRINGS).replace(/</g, '\\u003c')};
const $ = (id) => document.getElementById(id);
const view = { room: null, state: null, agenda: null, notices: [], presence: 'unknown', offset: 0, connected: false };
const words = () => STRINGS[(view.room && view.room.locale || 'en').slice(0, 2)] || STRINGS.en;
const fill = (s, k, v) => s.replace('{' + k + '}', v);
const now = () => Date.now() + view.offset;
const tz = () => (view.room && view.room.timeZone) || undefined;
const locale = () => (view.room && view.room.locale) || 'en';
// The locale's own short time, as the panels print it (en: 1:00 PM, de: 13:00).
const hm = (ms) => new Intl.DateTimeFormat(locale(), { hour: 'numeric', minute: '2-digit', timeZone: tz() }).format(ms);
const day = (ms) => new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: tz() }).format(ms);
function span(e) {
  if (e.allDay) return words().allDay;
  return hm(Date.parse(e.start)) + ' – ' + hm(Date.parse(e.end));
}
function clock(ms) { view.offset = Date.parse(ms) - Date.now(); }
function render() {
  const w = words(), st = view.state, t = now();
  const status = st ? st.status : 'unknown';
  document.body.className = status;
  $('status').textContent = status === 'busy' ? w.busy : status === 'awaiting-checkin' ? w.checkIn : status === 'free' ? w.free : '…';
  let until = '';
  if (st && st.status === 'free') until = st.freeUntil ? fill(w.freeUntil, 't', hm(Date.parse(st.freeUntil))) : w.freeAllDay;
  else if (st && st.status === 'busy' && st.busyUntil) until = fill(w.busyUntil, 't', hm(Date.parse(st.busyUntil)));
  else if (st && st.status === 'awaiting-checkin' && st.checkIn) until = fill(w.checkInBy, 't', hm(Date.parse(st.checkIn.closesAt)));
  $('until').textContent = until;
  const cur = st && st.status !== 'free' ? st.current : null;
  $('current').className = cur ? '' : 'empty';
  $('title').textContent = cur ? (cur.title === null ? w.privateMeeting : cur.title) : '';
  $('when').textContent = cur ? span(cur) : '';
  $('organizer').textContent = cur && cur.organizer ? cur.organizer : '';
  // Someone in a free room (a display's presence sensor) and no check-in window open: offer it, as the panel does.
  const offer = st && st.status === 'free' && !st.checkIn && view.presence === 'present';
  $('offer').className = offer ? '' : 'empty';
  $('offer-line').textContent = w.presenceOffer.line;
  $('offer-prompt').textContent = w.presenceOffer.prompt;
  $('stale').className = st && st.stale ? '' : 'empty';
  $('stale').textContent = w.stale;
  $('clock').textContent = hm(t);
  $('date').textContent = new Intl.DateTimeFormat(locale(), { weekday: 'long', day: 'numeric', month: 'long', timeZone: tz() }).format(t);
  $('next-h').textContent = w.next;
  const list = $('next');
  list.replaceChildren();
  const events = ((view.agenda && view.agenda.events) || [])
    .filter((e) => e.status !== 'cancelled' && (!cur || e.id !== cur.id) && Date.parse(e.end) > t)
    .sort((a, b) => Date.parse(a.start) - Date.parse(b.start))
    .slice(0, 5);
  if (events.length === 0) {
    const li = document.createElement('li');
    li.className = 'none';
    li.textContent = w.nothingNext;
    list.append(li);
  }
  const today = day(t);
  for (const e of events) {
    const li = document.createElement('li');
    const time = document.createElement('span'); time.className = 't'; time.textContent = span(e);
    const name = document.createElement('span'); name.className = 'n'; name.textContent = e.title === null ? w.privateMeeting : e.title;
    li.append(time, name);
    const start = e.allDay ? Date.parse(e.start + 'T12:00:00Z') : Date.parse(e.start);
    if (day(start) !== today) {
      const d = document.createElement('span'); d.className = 'd'; d.textContent = w.tomorrow;
      li.append(d);
    }
    list.append(li);
  }
  // Other rooms free now: the server lists them on a room that is not free.
  const free = st && st.status !== 'free' && Array.isArray(st.freeRooms) ? st.freeRooms : [];
  $('free-h').className = free.length ? '' : 'empty';
  $('free-h').textContent = w.freeNow;
  $('free').className = free.length ? '' : 'empty';
  $('free').replaceChildren(...free.map((r) => {
    const li = document.createElement('li');
    const n = document.createElement('span'); n.className = 'n'; n.textContent = r.name;
    const u = document.createElement('span'); u.className = 'u'; u.textContent = r.freeUntil ? fill(w.freeRoomUntil, 't', hm(Date.parse(r.freeUntil))) : w.freeRoomAllDay;
    li.append(n, u);
    return li;
  }));
  const notice = view.notices.filter((n) => Date.parse(n.expiresAt) > t).sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))[0];
  $('notice').className = notice ? '' : 'empty';
  $('notice-text').textContent = notice ? notice.message : '';
  $('notice-from').textContent = notice && notice.from ? fill(w.noticeFrom, 'name', notice.from) : '';
  $('link').className = view.connected ? 'ok' : '';
  $('link').textContent = w.reconnecting;
}
// \`?once\`: a picture of the panel now (the admin page's thumbnails), without holding a stream open.
const once = new URLSearchParams(location.search).has('once');
const source = new EventSource(document.body.dataset.stream);
source.addEventListener('open', () => { view.connected = true; render(); });
source.addEventListener('error', () => { view.connected = false; render(); });
source.addEventListener('snapshot', (m) => {
  const d = JSON.parse(m.data);
  clock(d.now);
  view.room = d.room; view.state = d.state; view.agenda = d.agenda; view.notices = d.notices; view.presence = d.presence || 'unknown';
  document.documentElement.lang = locale();
  view.connected = true;
  render();
  if (once) source.close();
});
source.addEventListener('room', (m) => {
  const d = JSON.parse(m.data);
  clock(d.now);
  if (d.state) view.state = d.state;
  if (d.agenda) view.agenda = d.agenda;
  render();
});
source.addEventListener('presence', (m) => {
  const d = JSON.parse(m.data);
  clock(d.now);
  view.presence = d.presence;
  render();
});
source.addEventListener('notice', (m) => {
  const d = JSON.parse(m.data);
  clock(d.now);
  view.notices = [d.notice, ...view.notices.filter((n) => n.id !== d.notice.id)];
  render();
});
setInterval(render, 1000);
render();
`;

export function kioskPage(room: { id: string; name: string }): string {
  const name = escapeHtml(room.name);
  const stream = escapeHtml(`/display/${encodeURIComponent(room.id)}/stream`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${name}</title>
<style>${STYLE}</style></head>
<body class="unknown" data-stream="${stream}">
<section id="main"><div id="room">${name}</div><div id="status">…</div><div id="until"></div><div id="stale" class="empty"></div>
<div id="offer" class="empty"><div id="offer-line"></div><div id="offer-prompt"></div></div>
<div id="current" class="empty"><div id="title"></div><div id="when"></div><div id="organizer"></div></div></section>
<aside id="side"><div id="clock"></div><div id="date"></div><div id="next-h"></div><ul id="next"></ul><div id="free-h" class="empty"></div><ul id="free" class="empty"></ul></aside>
<footer id="notice" class="empty"><span id="notice-text"></span><span id="notice-from" class="from"></span></footer>
<div id="link"></div>
<script>${SCRIPT}</script>
</body></html>
`;
}

export function kioskNotFoundPage(roomId: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>No such room</title>
<style>body{font-family:"DejaVu Sans",system-ui,sans-serif;background:#11151c;color:#f5f7fa;display:grid;place-items:center;height:100vh;margin:0}main{text-align:center}h1{font-size:6vh}p{font-size:3vh;color:#aab3c2}</style></head>
<body><main><h1>No such room</h1><p>There is no room “${escapeHtml(roomId)}” on this server. Check the address of this display.</p></main></body></html>
`;
}
