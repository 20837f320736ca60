/** The admin page: rooms with their state, devices waiting for approval, assignment, revocation. */
export const ADMIN_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>doorplate admin</title>
<style>
body{font:15px/1.4 system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1d2330}
header{background:#1d2330;color:#fff;padding:12px 24px;display:flex;gap:16px;align-items:center}
header h1{font-size:18px;margin:0}main{padding:16px 24px;display:grid;gap:16px}
section{background:#fff;border-radius:8px;padding:12px 16px;box-shadow:0 1px 2px #0002}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:6px 8px;border-bottom:1px solid #e5e7eb}
.free{color:#15803d;font-weight:600}.busy{color:#b91c1c;font-weight:600}.awaiting-checkin{color:#b45309;font-weight:600}
button{padding:4px 10px;border-radius:4px;border:1px solid #9ca3af;background:#fff;cursor:pointer}
#err{color:#b91c1c}input{padding:4px}
</style></head><body>
<header><h1>doorplate</h1><span id="who"></span><span style="flex:1"></span>
<label>Admin token <input id="token" type="password" size="28"></label><button id="save">Use</button></header>
<main><div id="err"></div>
<section><h2>Rooms</h2><table id="rooms"><thead><tr><th>Room</th><th>Status</th><th>Now</th><th>Until</th><th></th></tr></thead><tbody></tbody></table></section>
<section><h2>Devices</h2><table id="devices"><thead><tr><th>Device</th><th>Status</th><th>Online</th><th>Room</th><th>Panel</th><th></th></tr></thead><tbody></tbody></table></section>
</main>
<script>
const $ = (s) => document.querySelector(s);
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'}[c]));
let rooms = [];
$('#token').value = localStorage.getItem('doorplate-token') || '';
$('#save').onclick = () => { localStorage.setItem('doorplate-token', $('#token').value.trim()); load(); };
async function api(method, path, body) {
  const r = await fetch(path, { method, headers: { authorization: 'Bearer ' + (localStorage.getItem('doorplate-token') || ''), ...(body ? {'content-type': 'application/json'} : {}) }, body: body ? JSON.stringify(body) : undefined });
  if (r.status === 204) return null;
  const j = await r.json();
  if (!r.ok) throw new Error(j.error ? j.error.code + ': ' + j.error.message : r.statusText);
  return j;
}
const time = (s) => s ? new Date(s).toLocaleTimeString([], {hour: '2-digit', minute: '2-digit'}) : '';
async function load() {
  try {
    $('#err').textContent = '';
    rooms = (await api('GET', '/api/v1/rooms')).rooms;
    $('#rooms tbody').innerHTML = rooms.map((r) => '<tr><td>' + esc(r.name) + ' <small>' + esc(r.id) + '</small></td><td class="' + esc(r.state?.status) + '">' + esc(r.state?.status) + '</td><td>' + esc(r.state?.current ? (r.state.current.title ?? 'Private meeting') : '') + '</td><td>' + time(r.state?.busyUntil ?? r.state?.freeUntil) + '</td><td><button data-book="' + esc(r.id) + '">Book 30 min</button></td></tr>').join('');
    const devices = (await api('GET', '/api/v1/devices')).devices;
    $('#devices tbody').innerHTML = devices.map((d) => '<tr><td>' + esc(d.id) + '</td><td>' + esc(d.status) + '</td><td>' + (d.online ? 'yes' : 'no') + '</td><td><select data-assign="' + esc(d.id) + '"><option value="">(none)</option>' + rooms.map((r) => '<option value="' + esc(r.id) + '"' + (r.id === d.roomId ? ' selected' : '') + '>' + esc(r.name) + '</option>').join('') + '</select></td><td>' + esc(d.hello?.panel?.model) + '</td><td>' + (d.status === 'pending' ? '<button data-approve="' + esc(d.id) + '">Approve</button> ' : '') + (d.status !== 'revoked' ? '<button data-revoke="' + esc(d.id) + '">Revoke</button>' : '') + '</td></tr>').join('');
  } catch (e) { $('#err').textContent = e.message; }
}
document.addEventListener('click', async (ev) => {
  const t = ev.target; if (!(t instanceof HTMLElement)) return;
  try {
    if (t.dataset.book) await api('POST', '/api/v1/meetings', { room: t.dataset.book, durationMins: 30 });
    if (t.dataset.approve) await api('POST', '/api/v1/devices/' + encodeURIComponent(t.dataset.approve) + '/approve');
    if (t.dataset.revoke && confirm('Revoke ' + t.dataset.revoke + '?')) await api('DELETE', '/api/v1/devices/' + encodeURIComponent(t.dataset.revoke));
    load();
  } catch (e) { $('#err').textContent = e.message; }
});
document.addEventListener('change', async (ev) => {
  const t = ev.target; if (!(t instanceof HTMLSelectElement) || !t.dataset.assign) return;
  try { await api('PUT', '/api/v1/devices/' + encodeURIComponent(t.dataset.assign) + '/room', { room: t.value || null }); load(); } catch (e) { $('#err').textContent = e.message; }
});
load(); setInterval(load, 10000);
</script></body></html>`;
