/**
 * The admin page's script. Every value reaches the page through text nodes and attributes set
 * one by one (never as HTML), so a meeting title is shown as the characters it is.
 */
export const ADMIN_SCRIPT = String.raw`'use strict';
(function () {
  var KEY = 'doorplate-admin-token';
  var token = sessionStorage.getItem(KEY) || '';
  var rooms = new Map();
  var devices = new Map();
  var notices = [];
  var thumbs = new Map();
  var demo = null;
  var skew = 0;
  var abort = null;

  function $(s) { return document.querySelector(s); }
  function h(tag, attrs) {
    var el = document.createElement(tag);
    var a = attrs || {};
    Object.keys(a).forEach(function (k) {
      var v = a[k];
      if (v === undefined || v === null || v === false) return;
      if (k === 'class') el.className = v;
      else if (k === 'text') el.textContent = String(v);
      else if (k.indexOf('on') === 0) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : String(v));
    });
    for (var i = 2; i < arguments.length; i++) add(el, arguments[i]);
    return el;
  }
  function add(el, c) {
    if (c === null || c === undefined || c === false) return;
    if (Array.isArray(c)) { c.forEach(function (x) { add(el, x); }); return; }
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  function fill(sel, rows) { var tb = $(sel); tb.replaceChildren(); add(tb, rows); }
  function say(sel, text, ok) { var el = $(sel); el.textContent = text || ''; el.className = 'msg ' + (ok ? 'ok' : 'error'); }
  function now() { return Date.now() + skew; }
  function fmtTime(iso, tz) {
    if (!iso) return '';
    try { return new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', timeZone: tz || undefined }).format(new Date(iso)); } catch (e) { return iso; }
  }
  function fmtWhen(ms) { return ms ? new Date(ms).toLocaleString() : ''; }
  function fmtUptime(s) {
    if (typeof s !== 'number') return '';
    var d = Math.floor(s / 86400), hh = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
    return (d ? d + 'd ' : '') + (d || hh ? hh + 'h ' : '') + m + 'm';
  }

  async function api(method, path, body) {
    var headers = { authorization: 'Bearer ' + token };
    if (body !== undefined) headers['content-type'] = 'application/json';
    var r = await fetch(path, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (r.status === 401) { signOut('The admin token was not accepted.'); throw new Error('not signed in'); }
    if (r.status === 204) return null;
    var j = await r.json().catch(function () { return null; });
    if (!r.ok) { var err = new Error(j && j.error ? j.error.code + ': ' + j.error.message : r.status + ' ' + r.statusText); err.status = r.status; throw err; }
    return j;
  }

  // Sign-in: the token is checked once, then kept for this tab only.
  $('#signin').addEventListener('submit', async function (ev) {
    ev.preventDefault();
    var t = $('#token').value.trim();
    say('#signin-msg', '');
    var r = await fetch('/api/v1/devices', { headers: { authorization: 'Bearer ' + t } }).catch(function () { return null; });
    if (!r || !r.ok) { say('#signin-msg', r && r.status === 401 ? 'That token is not the admin token.' : 'The server did not answer.'); return; }
    token = t;
    sessionStorage.setItem(KEY, t);
    $('#token').value = '';
    start();
  });
  $('#signout').addEventListener('click', function () { signOut(''); });
  function signOut(why) {
    token = '';
    sessionStorage.removeItem(KEY);
    if (abort) abort.abort();
    $('#app').hidden = true; $('#signout').hidden = true; $('#signin').hidden = false;
    say('#signin-msg', why);
  }

  function start() {
    $('#signin').hidden = true; $('#app').hidden = false; $('#signout').hidden = false;
    follow();
    loadProvider(); loadFlags(); loadMail(); loadDemo(); loadFleet();
    setInterval(function () { if (token) { loadProvider(); loadFlags(); loadMail(); loadDemo(); loadFleet(); } }, 15000);
    setInterval(function () { if (token && demo) refreshPictures(); }, 3000);
  }

  // The live stream, read with fetch so the token travels in a header.
  async function follow() {
    var lastId = null;
    while (token) {
      abort = new AbortController();
      try {
        var headers = { authorization: 'Bearer ' + token, accept: 'text/event-stream' };
        if (lastId) headers['last-event-id'] = lastId;
        var res = await fetch('/api/v1/stream', { headers: headers, signal: abort.signal });
        if (res.status === 401) { signOut('The admin token was not accepted.'); return; }
        if (!res.ok || !res.body) throw new Error('stream ' + res.status);
        live(true);
        var reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        var buf = '';
        for (;;) {
          var part = await reader.read();
          if (part.done) break;
          buf += part.value.replace(/\r\n?/g, '\n');
          var i;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            var ev = parseEvent(buf.slice(0, i));
            buf = buf.slice(i + 2);
            if (ev.id) lastId = ev.id;
            if (ev.event && ev.data !== '') onEvent(ev.event, JSON.parse(ev.data));
          }
        }
      } catch (e) {
        if (!token) return;
      }
      live(false);
      await new Promise(function (r) { setTimeout(r, 2000); });
    }
  }
  function parseEvent(block) {
    var ev = { id: null, event: 'message', data: '' };
    var data = [];
    block.split('\n').forEach(function (line) {
      if (line === '' || line[0] === ':') return;
      var c = line.indexOf(':');
      var field = c < 0 ? line : line.slice(0, c);
      var value = c < 0 ? '' : line.slice(c + 1).replace(/^ /, '');
      if (field === 'id') ev.id = value; else if (field === 'event') ev.event = value; else if (field === 'data') data.push(value);
    });
    ev.data = data.join('\n');
    return ev;
  }
  function live(on) { var el = $('#live'); el.textContent = on ? 'live' : 'reconnecting'; el.className = on ? 'on' : ''; }

  function onEvent(kind, data) {
    if (kind === 'snapshot') {
      if (data.at) skew = Date.parse(data.at) - Date.now();
      rooms = new Map(data.rooms.map(function (r) { return [r.id, r]; }));
      devices = new Map(data.devices.map(function (d) { return [d.id, d]; }));
      if (!$('#n-expires').value) $('#n-expires').value = localInput(now() + 3600000);
      renderRooms(); renderDevices(); renderTargets();
    } else if (kind === 'room' && data.roomId && rooms.has(data.roomId)) {
      var r = rooms.get(data.roomId);
      if (data.payload && data.payload.state) r.state = data.payload.state;
      if (data.payload && data.payload.agenda) r.agenda = data.payload.agenda;
      renderRooms();
      reloadThumbs(data.roomId);
    } else if (kind === 'device' && data.payload && data.payload.id) {
      devices.set(data.payload.id, data.payload);
      renderDevices(); renderRooms(); renderTargets();
    } else if (kind === 'notify' && data.payload) {
      notices.unshift(data.payload); notices = notices.slice(0, 20);
      renderNotices();
      reloadThumbs(null);
    } else if (kind === 'series-flagged') {
      loadFlags();
    }
  }

  function roomName(id) { var r = rooms.get(id); return r ? r.name : id; }
  // A thumbnail loads the room's kiosk page once (it closes its stream after the first picture)
  // and is loaded again when the room or a notice changes: a browser holds only a few
  // connections to one server, and every open stream would take one.
  function frameSrc(roomId) { return '/display/' + encodeURIComponent(roomId) + '?once'; }
  var reloads = new Map();
  function reloadThumbs(roomId) {
    var key = roomId === null ? '*' : roomId;
    clearTimeout(reloads.get(key));
    reloads.set(key, setTimeout(function () {
      reloads.delete(key);
      document.querySelectorAll('iframe[data-room]').forEach(function (f) {
        var id = f.getAttribute('data-room');
        if (roomId === null || id === roomId) f.src = frameSrc(id);
      });
    }, 250));
  }
  function kioskThumb(roomId, small) {
    var key = roomId + (small ? ':s' : '');
    var box = thumbs.get(key);
    if (!box) {
      box = h('div', { class: 'thumb' + (small ? ' small' : '') },
        h('iframe', { src: frameSrc(roomId), title: 'panel of ' + roomName(roomId), tabindex: '-1', loading: 'lazy', 'data-room': roomId }));
      thumbs.set(key, box);
    }
    return box;
  }

  // Each room keeps its card (and its panel frame, which would reload if moved); only the text is redrawn.
  var cards = new Map();
  function renderRooms() {
    var box = $('#rooms');
    rooms.forEach(function (r) {
      var card = cards.get(r.id);
      if (!card) {
        card = { el: h('div', { class: 'room', 'data-room': r.id }), info: h('div'), foot: h('div', { class: 'mute' }) };
        add(card.el, [card.info, kioskThumb(r.id, false), card.foot]);
        cards.set(r.id, card);
        box.append(card.el);
      }
      var s = r.state || {};
      var cur = s.current;
      var until = s.status === 'free' ? (s.freeUntil ? 'free until ' + fmtTime(s.freeUntil, r.timeZone) : 'free all day') : (s.busyUntil ? 'until ' + fmtTime(s.busyUntil, r.timeZone) : '');
      var shown = Array.from(devices.values()).filter(function (d) { return d.roomId === r.id && d.status === 'approved'; });
      card.info.replaceChildren();
      add(card.info, [
        h('div', null, h('span', { class: 'name', text: r.name }), ' ', h('span', { class: 'mute', text: r.id })),
        h('div', null, h('span', { class: 'pill ' + (s.status || ''), text: s.status || 'unknown' }), ' ', h('span', { class: 'mute', text: until }), s.stale ? h('span', { class: 'error', text: ' (provider unreachable: last known)' }) : null),
        h('div', { class: 'title', text: cur ? (cur.title === null ? 'Private meeting' : cur.title) : '' }),
        s.next ? h('div', { class: 'mute' }, 'next ', fmtTime(s.next.start, r.timeZone), ' ', h('span', { text: s.next.title === null ? 'Private meeting' : s.next.title })) : h('div', { class: 'mute', text: 'nothing next' }),
      ]);
      card.foot.textContent = shown.length + ' display' + (shown.length === 1 ? '' : 's') + ', ' + shown.filter(function (d) { return d.online; }).length + ' online';
    });
    cards.forEach(function (card, id) { if (!rooms.has(id)) { card.el.remove(); cards.delete(id); } });
  }

  function roomSelect(d, attrs) {
    var sel = h('select', attrs);
    add(sel, h('option', { value: '', text: '(no room)' }));
    rooms.forEach(function (r) { add(sel, h('option', { value: r.id, selected: r.id === d.roomId, text: r.name })); });
    return sel;
  }
  function helloCell(d) {
    var hl = d.hello || {};
    var panel = hl.panel || {};
    var v = hl.versions || {};
    return h('div', null,
      h('div', { text: [hl.model, panel.model ? panel.model + ' ' + panel.width + '×' + panel.height : ''].filter(Boolean).join(' · ') }),
      h('div', { class: 'mute', text: [v.agent ? 'agent ' + v.agent : '', v.node ? 'node ' + v.node : '', typeof hl.uptimeSec === 'number' ? 'up ' + fmtUptime(hl.uptimeSec) : ''].filter(Boolean).join(' · ') }),
      h('div', { class: 'mute', text: d.lastSeenAt ? 'seen ' + fmtWhen(d.lastSeenAt) : 'never seen' }));
  }
  function address(d) { return d.address || (d.hello && d.hello.address) || ''; }
  function picture(d) {
    var sim = demo && demo.get(d.id);
    if (sim) return h('img', { class: 'panelpic', alt: 'panel of ' + d.id, 'data-picture': sim.picture, src: sim.picture + '?t=' + Date.now() });
    return d.roomId && d.status === 'approved' ? kioskThumb(d.roomId, true) : h('span', { class: 'mute', text: d.status === 'approved' ? 'waiting for a room' : '' });
  }
  function refreshPictures() {
    document.querySelectorAll('img[data-picture]').forEach(function (img) { img.src = img.getAttribute('data-picture') + '?t=' + Date.now(); });
  }

  function renderDevices() {
    var all = Array.from(devices.values()).sort(function (a, b) { return a.id < b.id ? -1 : 1; });
    var pending = all.filter(function (d) { return d.status === 'pending'; });
    $('#pending-section').hidden = pending.length === 0;
    fill('#pending tbody', pending.map(function (d) {
      var sel = roomSelect(d, { 'data-assign-for': d.id, 'aria-label': 'room for ' + d.id });
      return h('tr', { 'data-device': d.id },
        h('td', null, h('span', { text: d.id }), ' ', h('span', { class: 'pill ' + (d.online ? 'online' : 'offline'), text: d.online ? 'online' : 'offline' })),
        h('td', null, helloCell(d)), h('td', { text: address(d) }), h('td', null, sel),
        h('td', null, h('button', { class: 'primary', text: 'Approve', onclick: function () { approve(d.id, sel.value); } })));
    }));
    fill('#devices tbody', all.filter(function (d) { return d.status !== 'pending'; }).map(function (d) {
      return h('tr', { 'data-device': d.id },
        h('td', null, h('div', { text: d.id }), h('div', { class: 'mute', text: address(d) })),
        h('td', null, h('span', { class: 'pill ' + d.status, text: d.status }), ' ', d.status === 'approved' ? h('span', { class: 'pill ' + (d.online ? 'online' : 'offline'), text: d.online ? 'online' : 'offline' }) : null),
        h('td', null, d.status === 'approved' ? roomSelect(d, { 'aria-label': 'room for ' + d.id, onchange: function (ev) { assign(d.id, ev.target.value); } }) : h('span', { text: d.roomId ? roomName(d.roomId) : '' })),
        h('td', null, helloCell(d)),
        h('td', null, picture(d)),
        h('td', null, d.status !== 'revoked' ? h('button', { class: 'danger', text: 'Revoke', onclick: function () { revoke(d.id); } }) : null));
    }));
  }

  async function approve(id, roomId) {
    try {
      await api('POST', '/api/v1/devices/' + encodeURIComponent(id) + '/approve');
      if (roomId) await api('PUT', '/api/v1/devices/' + encodeURIComponent(id) + '/room', { room: roomId });
      say('#pending-msg', id + ' approved' + (roomId ? ' for ' + roomName(roomId) : ''), true);
    } catch (e) { say('#pending-msg', e.message); }
  }
  async function assign(id, roomId) {
    try { await api('PUT', '/api/v1/devices/' + encodeURIComponent(id) + '/room', { room: roomId || null }); say('#devices-msg', id + ' moved to ' + (roomId ? roomName(roomId) : 'no room'), true); }
    catch (e) { say('#devices-msg', e.message); }
  }
  async function revoke(id) {
    if (!confirm('Revoke ' + id + '? It is disconnected at once and refused from then on; it has to enroll again.')) return;
    try { await api('DELETE', '/api/v1/devices/' + encodeURIComponent(id)); say('#devices-msg', id + ' revoked', true); }
    catch (e) { say('#devices-msg', e.message); }
  }

  // Notify form.
  function localInput(ms) {
    var d = new Date(ms);
    d.setMinutes(d.getMinutes() - d.getTimezoneOffset());
    return d.toISOString().slice(0, 16);
  }
  function renderTargets() {
    var kind = $('#n-target').value;
    var which = $('#n-which');
    var chosen = new Set(Array.from(which.selectedOptions).map(function (o) { return o.value; }));
    which.replaceChildren();
    which.disabled = kind === 'all';
    if (kind === 'rooms') rooms.forEach(function (r) { add(which, h('option', { value: r.id, selected: chosen.has(r.id), text: r.name })); });
    if (kind === 'devices') devices.forEach(function (d) { if (d.status === 'approved') add(which, h('option', { value: d.id, selected: chosen.has(d.id), text: d.id + (d.roomId ? ' (' + roomName(d.roomId) + ')' : '') })); });
  }
  $('#n-target').addEventListener('change', renderTargets);
  $('#notify').addEventListener('submit', async function (ev) {
    ev.preventDefault();
    var kind = $('#n-target').value;
    var body = { name: 'admin', message: $('#n-message').value.trim(), from: $('#n-from').value.trim() || undefined };
    var picked = Array.from($('#n-which').selectedOptions).map(function (o) { return o.value; });
    if (kind === 'all') body.toAll = true;
    else if (picked.length === 0) { say('#notify-msg', 'Pick at least one ' + (kind === 'rooms' ? 'room' : 'display') + '.'); return; }
    else body[kind] = picked;
    var until = $('#n-expires').value;
    if (until) body.expiresAt = new Date(until).toISOString();
    try { await api('POST', '/api/v1/notify', body); say('#notify-msg', 'Sent.', true); $('#n-message').value = ''; }
    catch (e) { say('#notify-msg', e.message); }
  });
  function renderNotices() {
    fill('#notices tbody', notices.map(function (n) {
      var t = n.targets || {};
      var to = t.all ? 'all' : [].concat((t.rooms || []).map(roomName), t.devices || []).join(', ');
      return h('tr', null, h('td', null, h('div', { class: 'notice-text', text: n.message }), h('div', { class: 'mute', text: 'from ' + (n.from || '') })), h('td', { text: to }), h('td', { text: n.expiresAt ? new Date(n.expiresAt).toLocaleString() : '' }));
    }));
  }

  async function loadProvider() {
    try {
      var health = await (await fetch('/healthz')).json();
      fill('#health tbody', Object.keys(health.checks || {}).map(function (k) {
        var c = health.checks[k];
        return h('tr', null, h('td', { text: k }), h('td', null, h('span', { class: 'pill ' + (c.ok ? 'online' : 'revoked'), text: c.ok ? 'ok' : 'failing' })), h('td', { class: 'mute', text: c.detail || '' }));
      }));
      var stale = Array.from(rooms.values()).filter(function (r) { return r.state && r.state.stale; });
      if (stale.length) add($('#health tbody'), h('tr', null, h('td', { text: 'stale rooms' }), h('td', null, h('span', { class: 'pill revoked', text: String(stale.length) })), h('td', { class: 'mute', text: stale.map(function (r) { return r.name; }).join(', ') })));
      var subs = await api('GET', '/api/v1/subscriptions');
      fill('#subs tbody', subs.subscriptions.length ? subs.subscriptions.map(function (s) {
        return h('tr', null, h('td', { text: roomName(s.room) }), h('td', { class: 'mute', text: s.provider + ' ' + s.id }), h('td', { text: new Date(s.expiresAt).toLocaleString() }));
      }) : h('tr', null, h('td', { colspan: '3', class: 'mute', text: 'No push subscriptions (' + subs.provider + ').' })));
      say('#provider-msg', '');
    } catch (e) { if (token) say('#provider-msg', e.message); }
  }
  async function loadFlags() {
    try {
      var j = await api('GET', '/api/v1/flagged-series');
      fill('#flags tbody', j.series.length ? j.series.map(function (f) {
        return h('tr', null, h('td', { text: roomName(f.room) }), h('td', null, h('div', { text: f.title === null ? 'Private meeting' : f.title }), h('div', { class: 'mute', text: f.organizer || '' })),
          h('td', { text: String(f.releases) }), h('td', { text: new Date(f.flaggedAt).toLocaleString() }),
          h('td', null, h('button', { text: 'Clear', onclick: async function () {
            try { await api('DELETE', '/api/v1/flagged-series?room=' + encodeURIComponent(f.room) + '&series=' + encodeURIComponent(f.seriesId)); loadFlags(); } catch (e) { say('#flags-msg', e.message); }
          } })));
      }) : h('tr', null, h('td', { colspan: '5', class: 'mute', text: 'Nothing flagged.' })));
    } catch (e) { if (token) say('#flags-msg', e.message); }
  }
  // The fleet shows only on a node of a fleet: which node serves, and its standbys.
  async function loadFleet() {
    try {
      var j = await api('GET', '/api/v1/fleet');
      if (!j.node) { $('#fleet-section').hidden = true; return; }
      $('#fleet-section').hidden = false;
      $('#fleet-node').textContent = 'Served by node ' + j.node.id + ' (epoch ' + j.node.epoch + ', the lead moved ' + j.node.leaderChanges + ' times).' +
        (j.replication.on ? '' : ' Replication is off: no fleet secret is configured.');
      fill('#fleet tbody', j.replication.standbys.length ? j.replication.standbys.map(function (s) {
        return h('tr', null, h('td', { text: s.id }), h('td', { text: s.connected ? (s.syncing ? 'yes, copying the store' : 'yes') : 'no' }),
          h('td', { text: s.lagEntries + ' changes, ' + s.lagSeconds + ' s' }), h('td', { text: s.lastSeenAt ? new Date(s.lastSeenAt).toLocaleString() : '' }));
      }) : h('tr', null, h('td', { colspan: '4', class: 'mute', text: 'No standby: if this node fails, the next one starts from its own store.' })));
    } catch (e) { if (token) say('#fleet-msg', e.message); }
  }
  // The mail outbox shows only where the server has one.
  async function loadMail() {
    var j;
    try { j = await api('GET', '/api/v1/mail'); } catch (e) { $('#mail-section').hidden = true; return; }
    var items = (j && (j.mail || j.items || j.messages)) || [];
    $('#mail-section').hidden = false;
    fill('#mail tbody', items.map(function (m) {
      return h('tr', null, h('td', { text: [].concat(m.to || []).join(', ') }), h('td', { text: m.subject || '' }), h('td', { text: m.state || m.status || '' }), h('td', { text: String(m.attempts || 0) }),
        h('td', null, h('button', { text: 'Retry', onclick: function () { api('POST', '/api/v1/mail/' + encodeURIComponent(m.id) + '/retry').then(loadMail, function (e) { say('#mail-msg', e.message); }); } }), ' ',
          h('button', { class: 'danger', text: 'Delete', onclick: function () { if (confirm('Delete this mail?')) api('DELETE', '/api/v1/mail/' + encodeURIComponent(m.id)).then(loadMail, function (e) { say('#mail-msg', e.message); }); } })));
    }));
  }
  // The usage page and its CSV take the token in a header, like every admin call: fetched here and
  // opened from memory (a blob), so the token is never put in a URL (histories, proxy logs).
  function isoDay(ms) { return new Date(ms).toISOString().slice(0, 10); }
  $('#u-to').value = isoDay(now());
  $('#u-from').value = isoDay(now() - 6 * 86400000);
  async function usageBlob(path, type) {
    var q = '?from=' + encodeURIComponent($('#u-from').value) + '&to=' + encodeURIComponent($('#u-to').value);
    var r = await fetch(path + q, { headers: { authorization: 'Bearer ' + token, accept: type } });
    if (r.status === 401) { signOut('The admin token was not accepted.'); throw new Error('not signed in'); }
    if (!r.ok) {
      var j = await r.json().catch(function () { return null; });
      throw new Error(j && j.error ? j.error.code + ': ' + j.error.message : r.status + ' ' + r.statusText);
    }
    var url = URL.createObjectURL(new Blob([await r.text()], { type: type + '; charset=utf-8' }));
    setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
    return url;
  }
  $('#usage').addEventListener('submit', async function (ev) {
    ev.preventDefault();
    // Opened at the click: a tab opened after the answer would be taken for a pop-up.
    var tab = window.open('', '_blank');
    try {
      var url = await usageBlob('/reports/usage', 'text/html');
      if (tab) tab.location.href = url; else location.href = url;
      say('#usage-msg', '');
    } catch (e) { if (tab) tab.close(); say('#usage-msg', e.message); }
  });
  $('#u-csv').addEventListener('click', async function () {
    try {
      var url = await usageBlob('/api/v1/reports/usage', 'text/csv');
      var a = h('a', { href: url, download: 'usage-' + $('#u-from').value + '-' + $('#u-to').value + '.csv', hidden: true });
      document.body.append(a);
      a.click();
      a.remove();
      say('#usage-msg', '');
    } catch (e) { say('#usage-msg', e.message); }
  });

  // Where the site has simulated displays (the demo), their own panel pictures are shown.
  async function loadDemo() {
    try {
      var r = await fetch('/demo/devices', { headers: { authorization: 'Bearer ' + token } });
      if (!r.ok) return;
      var j = await r.json();
      var had = demo !== null;
      demo = new Map(j.devices.map(function (d) { return [d.id, d]; }));
      if (!had) renderDevices();
    } catch (e) { /* no simulated displays here */ }
  }

  if (token) start();
})();
`;
