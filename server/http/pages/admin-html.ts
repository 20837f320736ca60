/**
 * The admin page: a shell with no data in it. The script (served from /admin.js, the only one
 * the page may run) signs in with the admin token, keeps it in sessionStorage for the tab, and
 * follows the live stream with it in a header, never in a URL. The usage page, which needs the
 * token too, is fetched the same way and opened from memory.
 */
export const ADMIN_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>doorplate admin</title>
<style>
:root{--ink:#1d2330;--mute:#6b7280;--line:#e5e7eb;--bg:#f4f5f7;--free:#15803d;--busy:#b91c1c;--wait:#b45309}
*{box-sizing:border-box}body{font:14px/1.45 system-ui,'DejaVu Sans','Liberation Sans',Arial,sans-serif;margin:0;background:var(--bg);color:var(--ink)}
header{background:var(--ink);color:#fff;padding:10px 24px;display:flex;gap:16px;align-items:center}
header h1{font-size:18px;margin:0}header .grow{flex:1}#live{font-size:12px;padding:2px 8px;border-radius:10px;background:#374151}
#live.on{background:var(--free)}main{padding:16px 24px;display:grid;gap:16px;max-width:1500px;margin:0 auto}
section{background:#fff;border-radius:8px;padding:12px 16px;box-shadow:0 1px 2px #0002}section h2{font-size:16px;margin:0 0 8px}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-weight:600;color:var(--mute);font-size:12px;text-transform:uppercase}
.pill{display:inline-block;padding:1px 8px;border-radius:10px;font-weight:600;font-size:12px;color:#fff;background:var(--mute)}
.pill.free{background:var(--free)}.pill.busy{background:var(--busy)}.pill.awaiting-checkin{background:var(--wait)}
.pill.online{background:var(--free)}.pill.offline{background:#9ca3af}.pill.pending{background:var(--wait)}.pill.approved{background:#2563eb}.pill.revoked{background:var(--busy)}
.rooms{display:grid;grid-template-columns:repeat(auto-fill,minmax(280px,1fr));gap:12px}
.room{border:1px solid var(--line);border-radius:8px;padding:10px;display:grid;gap:4px}
.room .name{font-weight:600}.room .title{white-space:pre-wrap;word-break:break-word}.mute{color:var(--mute);font-size:12px}
.thumb{width:256px;height:144px;overflow:hidden;border:1px solid var(--line);border-radius:4px;background:#fff;position:relative}
.thumb iframe{width:1280px;height:720px;border:0;transform:scale(.2);transform-origin:0 0;pointer-events:none}
.thumb.small{width:160px;height:90px}.thumb.small iframe{transform:scale(.125)}
.panelpic{max-width:200px;max-height:120px;border:1px solid var(--line);border-radius:4px;background:#fff}
button{padding:4px 10px;border-radius:4px;border:1px solid #9ca3af;background:#fff;cursor:pointer;font:inherit}
button.primary{background:var(--ink);color:#fff;border-color:var(--ink)}button.danger{color:var(--busy);border-color:var(--busy)}
input,select,textarea{font:inherit;padding:4px 6px;border:1px solid #9ca3af;border-radius:4px}
form.grid{display:grid;grid-template-columns:max-content 1fr;gap:6px 12px;align-items:center;max-width:720px}
.msg{min-height:1.4em}.error{color:var(--busy)}.ok{color:var(--free)}
#signin{max-width:420px;margin:80px auto;background:#fff;border-radius:8px;padding:24px;box-shadow:0 1px 3px #0003;display:grid;gap:10px}
[hidden]{display:none!important}.cols{display:grid;grid-template-columns:1fr 1fr;gap:16px}@media(max-width:900px){.cols{grid-template-columns:1fr}}
</style></head><body>
<header><h1>doorplate</h1><span id="live">offline</span><span class="grow"></span><span id="site" class="mute"></span><button id="signout" hidden>Sign out</button></header>
<form id="signin" autocomplete="off">
  <h2 style="margin:0">Sign in</h2>
  <label for="token">Admin token</label>
  <input id="token" name="token" type="password" autocomplete="current-password" required>
  <button class="primary" type="submit">Sign in</button>
  <div id="signin-msg" class="msg error" role="alert"></div>
</form>
<main id="app" hidden>
  <section><h2>Rooms</h2><div id="rooms" class="rooms"></div></section>
  <section id="pending-section"><h2>Waiting for approval</h2><table id="pending"><thead><tr><th>Device</th><th>Hello</th><th>Address</th><th>Room</th><th></th></tr></thead><tbody></tbody></table><div id="pending-msg" class="msg"></div></section>
  <section><h2>Displays</h2><table id="devices"><thead><tr><th>Device</th><th>Status</th><th>Room</th><th>Last hello</th><th>Panel</th><th></th></tr></thead><tbody></tbody></table><div id="devices-msg" class="msg"></div></section>
  <div class="cols">
    <section><h2>Notify displays</h2>
      <form id="notify" class="grid">
        <label for="n-message">Message</label><textarea id="n-message" rows="2" maxlength="500" required></textarea>
        <label for="n-from">From</label><input id="n-from" maxlength="64" value="admin">
        <label for="n-target">To</label><select id="n-target"><option value="all">all displays</option><option value="rooms">rooms…</option><option value="devices">displays…</option></select>
        <label for="n-which">Which</label><select id="n-which" multiple size="4" disabled></select>
        <label for="n-expires">Until</label><input id="n-expires" type="datetime-local">
        <span></span><button class="primary" type="submit">Send</button>
      </form>
      <div id="notify-msg" class="msg"></div>
      <h3 style="font-size:14px">Sent</h3><table id="notices"><thead><tr><th>Message</th><th>To</th><th>Until</th></tr></thead><tbody></tbody></table>
    </section>
    <section><h2>Calendar provider</h2><table id="health"><tbody></tbody></table>
      <h3 style="font-size:14px">Push subscriptions</h3><table id="subs"><thead><tr><th>Room</th><th>Channel</th><th>Expires</th></tr></thead><tbody></tbody></table>
      <div id="provider-msg" class="msg"></div>
    </section>
  </div>
  <section id="fleet-section" hidden><h2>Fleet</h2><p id="fleet-node" class="mute"></p><table id="fleet"><thead><tr><th>Standby</th><th>Connected</th><th>Behind</th><th>Last heard</th></tr></thead><tbody></tbody></table><div id="fleet-msg" class="msg"></div></section>
  <section><h2>Flagged series</h2><p class="mute">Recurring meetings released as no-shows again and again.</p><table id="flags"><thead><tr><th>Room</th><th>Series</th><th>Releases</th><th>Flagged</th><th></th></tr></thead><tbody></tbody></table><div id="flags-msg" class="msg"></div></section>
  <section id="usage-section"><h2>Usage</h2><p class="mute">Booked against used, per room and day: hours booked and checked in, meetings released, bookings at the door, minutes someone was present.</p>
    <form id="usage" class="grid">
      <label for="u-from">From</label><input id="u-from" type="date" required>
      <label for="u-to">To</label><input id="u-to" type="date" required>
      <span></span><span><button class="primary" type="submit">Open the usage page</button> <button id="u-csv" type="button">Download CSV</button></span>
    </form>
    <div id="usage-msg" class="msg"></div>
  </section>
  <section id="mail-section" hidden><h2>Mail outbox</h2><table id="mail"><thead><tr><th>To</th><th>Subject</th><th>State</th><th>Attempts</th><th></th></tr></thead><tbody></tbody></table><div id="mail-msg" class="msg"></div></section>
</main>
<script src="/admin.js" defer></script>
</body></html>`;
