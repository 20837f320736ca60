/** The demo page: every simulated panel as its model draws it, its lamp and its buttons. */
export const DEMO_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>doorplate demo</title>
<style>
body{font:15px/1.4 system-ui,sans-serif;margin:0;background:#e9eaee;color:#1d2330}
header{background:#1d2330;color:#fff;padding:12px 24px}header h1{font-size:18px;margin:0;display:inline}
header a{color:#9ecbff;margin-left:16px}
main{display:flex;flex-wrap:wrap;gap:24px;padding:24px}
.dev{background:#fff;border-radius:10px;padding:14px;box-shadow:0 1px 3px #0003;max-width:820px}
.frame{background:#cfd2d6;padding:10px;border-radius:6px;display:inline-block}
.frame img{display:block;max-width:780px;width:100%;image-rendering:pixelated;background:#fff}
.row{display:flex;align-items:center;gap:10px;margin-top:10px;flex-wrap:wrap}
.lamp{width:18px;height:18px;border-radius:50%;background:#444;box-shadow:inset 0 0 3px #000}
.lamp.green{background:#22c55e;box-shadow:0 0 10px #22c55e}.lamp.red{background:#ef4444;box-shadow:0 0 10px #ef4444}
.lamp.amber{background:#f59e0b;box-shadow:0 0 10px #f59e0b}
button{padding:6px 14px;border-radius:6px;border:1px solid #9ca3af;background:#f9fafb;cursor:pointer;font-weight:600}
button:active{background:#e5e7eb}small{color:#6b7280}
</style></head><body>
<header><h1>doorplate demo</h1><a href="/">admin page</a> <a href="/metrics">metrics</a></header>
<main id="devices"></main>
<script>
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'}[c]));
const seen = {};
function lampClass(l) { return l.red && l.green ? 'amber' : l.red ? 'red' : l.green ? 'green' : ''; }
async function tick() {
  try {
    const { devices } = await (await fetch('/demo/devices')).json();
    const main = document.getElementById('devices');
    for (const d of devices) {
      let el = document.getElementById('dev-' + d.id);
      if (!el) {
        el = document.createElement('div'); el.className = 'dev'; el.id = 'dev-' + d.id;
        el.innerHTML = '<div><b>' + esc(d.roomName || d.room) + '</b> <small>' + esc(d.id) + ' · ' + esc(d.panel.model) + ' ' + d.panel.width + '×' + d.panel.height + '</small></div>' +
          '<div class="frame"><img alt="panel of ' + esc(d.id) + '"></div>' +
          '<div class="row"><span class="lamp"></span><span class="st"></span><span style="flex:1"></span>' +
          d.buttons.map((b) => '<button data-dev="' + esc(d.id) + '" data-btn="' + esc(b) + '">' + esc(b) + '</button>').join('') +
          (d.present === null ? '' : '<button data-dev="' + esc(d.id) + '" data-walk="1" title="someone passes the presence sensor">walk in</button>') + '</div>';
        main.appendChild(el);
      }
      el.querySelector('.lamp').className = 'lamp ' + lampClass(d.led);
      el.querySelector('.st').textContent = (d.status || d.phase) + (d.offline ? ' (offline)' : '') + (d.led.pattern !== 'steady' ? ' · ' + d.led.pattern : '') + (d.present ? ' · someone here' : '');
      if (seen[d.id] !== d.refreshes && d.refreshes > 0) { seen[d.id] = d.refreshes; el.querySelector('img').src = d.picture + '?v=' + d.refreshes; }
    }
  } catch (e) { /* the server restarts: try again on the next tick */ }
}
document.addEventListener('click', (ev) => {
  const t = ev.target;
  if (t instanceof HTMLElement && t.dataset.walk) fetch('/demo/devices/' + encodeURIComponent(t.dataset.dev) + '/presence', { method: 'POST' });
  if (t instanceof HTMLElement && t.dataset.btn) fetch('/demo/devices/' + encodeURIComponent(t.dataset.dev) + '/buttons/' + t.dataset.btn, { method: 'POST' });
});
tick(); setInterval(tick, 500);
</script></body></html>`;
