import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../shared/clock.js';
import { RoomLinks } from '../../../server/qr/room-links.js';
import { linkSecret } from '../../../server/qr/link-secret.js';
import { startTestServer } from '../../helpers/server.js';
import { at, meeting } from '../bookings/world.js';

const SECRET = Buffer.alloc(32, 7);
const NOW = Date.parse('2026-03-02T09:00:00Z');
const links = new RoomLinks({ secret: SECRET, publicUrl: 'http://rooms.example:8080/', graceMs: 15 * 60_000 });
const state = { room: 'ada', status: 'free' as const, nextChangeAt: '2026-03-02T10:00:00Z' };

function parts(url: string): { room: string; action: string; exp: string; sig: string } {
  const [, , room, action, exp, sig] = new URL(url).pathname.split('/');
  return { room: decodeURIComponent(room ?? ''), action: action ?? '', exp: exp ?? '', sig: sig ?? '' };
}

test('a link is short, stable for a state, and expires a grace after the state changes', () => {
  const l = links.linkFor(state, NOW);
  assert.match(l.url, /^http:\/\/rooms\.example:8080\/m\/ada\/b\/[0-9a-z]+\/[A-Za-z0-9_-]{22}$/);
  assert.ok(l.url.length < 80, `${l.url.length} characters`);
  assert.equal(l.action, 'book');
  assert.equal(l.expiresAt, '2026-03-02T10:15:00.000Z');
  assert.deepEqual(links.linkFor(state, NOW + 60_000), l, 'the same state gives the same link');
  assert.equal(links.linkFor({ ...state, status: 'awaiting-checkin' }, NOW).action, 'checkin');
  assert.equal(links.linkFor({ ...state, status: 'busy' }, NOW).action, 'end');
});

test('a link works for its room and action only, until it expires', () => {
  const p = parts(links.linkFor(state, NOW).url);
  assert.deepEqual(links.check(p, NOW), { ok: true, room: 'ada', action: 'book', expiresAt: Date.parse('2026-03-02T10:15:00Z') });
  assert.deepEqual(links.check(p, Date.parse('2026-03-02T10:15:00Z')), { ok: false, reason: 'expired' });
  assert.deepEqual(links.check({ ...p, room: 'grace' }, NOW), { ok: false, reason: 'bad' }, 'another room');
  assert.deepEqual(links.check({ ...p, action: 'e' }, NOW), { ok: false, reason: 'bad' }, 'another action');
  assert.deepEqual(links.check({ ...p, exp: (parseInt(p.exp, 36) + 600).toString(36) }, NOW), { ok: false, reason: 'bad' }, 'a later expiry');
  assert.deepEqual(links.check({ ...p, sig: p.sig.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')) }, NOW), { ok: false, reason: 'bad' });
  const other = new RoomLinks({ secret: Buffer.alloc(32, 8), publicUrl: 'http://x', graceMs: 0 });
  assert.deepEqual(other.check(p, NOW), { ok: false, reason: 'bad' }, 'another server secret');
});

test('the secret is made once and kept', () => {
  const kept = new Map<string, string>();
  const settings = { get: (k: string) => kept.get(k) ?? null, set: (k: string, v: string) => void kept.set(k, v) };
  const a = linkSecret(settings);
  assert.equal(a.length, 32);
  assert.deepEqual(linkSecret(settings), a);
});

test('the phone page books through the booking service; an expired or another room’s link does nothing', async (t) => {
  const clock = new FakeClock(at('10:07'));
  const { server, base, cleanup } = await startTestServer({
    clock,
    seed: new Map([['grace', [meeting('g1', '10:00', '11:00')]]]),
    config: { server: { qr: { publicUrl: 'http://rooms.example:8080', graceMins: 15 } } },
  });
  t.after(cleanup);
  const ada = server.publisher.snapshot('ada')?.state.qr;
  assert.ok(ada, 'the published state carries the link');
  assert.equal(ada.action, 'book');
  const path = new URL(ada.url).pathname;

  const page = await fetch(`${base}${path}`);
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /Ada Lovelace/);
  assert.equal((html.match(/<button>Book now for \d+ minutes<\/button>/g) ?? []).length, 3);
  assert.doesNotMatch(html, /<script|https?:\/\//, 'no script, no external assets');
  assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'/);

  const post = (p: string, body: string): Promise<Response> =>
    fetch(`${base}${p}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  assert.equal((await post(path, 'mins=45')).status, 400, 'only 15, 30 or 60');
  const booked = await post(path, 'mins=30');
  assert.equal(booked.status, 200);
  assert.match(await booked.text(), /Booked until/);
  const made = server.store.events.listForRoom('ada');
  assert.equal(made.length, 1);
  assert.equal(made[0]?.start, at('10:07'));

  // The same link used for Grace: refused, nothing booked there.
  const forGrace = path.replace('/m/ada/', '/m/grace/');
  assert.equal((await post(forGrace, 'mins=15')).status, 404);
  assert.equal(server.store.events.listForRoom('grace').length, 1);

  // After its expiry the link is dead, even for a room that is free again.
  const expiresAt = Date.parse(ada.expiresAt);
  await clock.advanceAsync(expiresAt - clock.now());
  const late = await post(path, 'mins=15');
  assert.equal(late.status, 410);
  assert.match(await late.text(), /expired/);
  assert.equal(server.store.events.listForRoom('ada').length, 1);
});

test('the phone page speaks the room’s language: a German room gets German choices, answers and refusals', async (t) => {
  const clock = new FakeClock(at('10:07'));
  const { server, base, cleanup } = await startTestServer({
    clock,
    config: {
      rooms: [
        { id: 'ada', name: 'Ada Lovelace', locale: 'de-DE' },
        { id: 'grace', name: 'Grace Hopper' },
      ],
      server: { qr: { publicUrl: 'http://rooms.example:8080', graceMins: 15 } },
    },
  });
  t.after(cleanup);
  const ada = server.publisher.snapshot('ada')?.state.qr;
  assert.ok(ada);
  const path = new URL(ada.url).pathname;

  const html = await (await fetch(`${base}${path}`)).text();
  assert.match(html, /<html lang="de">/);
  assert.match(html, /<p>Jetzt frei<\/p>/);
  assert.deepEqual(html.match(/<button>[^<]*<\/button>/g), ['<button>Jetzt für 15 Minuten buchen</button>', '<button>Jetzt für 30 Minuten buchen</button>', '<button>Jetzt für 60 Minuten buchen</button>']);
  assert.doesNotMatch(html, /Book now|Free now/);

  const post = (p: string, body: string): Promise<Response> =>
    fetch(`${base}${p}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  const booked = await post(path, 'mins=30');
  assert.equal(booked.status, 200);
  // Book-now ends on the room's slot grid: the meeting made ends at 10:30, said in German.
  assert.equal(server.store.events.listForRoom('ada')[0]?.end, at('10:30'));
  assert.match(await booked.text(), /<div class="msg">Gebucht bis 10:30\.<\/div>/);
  // The room is taken now: the refusal keeps the room's language around the server's reason.
  const again = await post(path, 'mins=15');
  assert.equal(again.status, 409);
  assert.match(await again.text(), /<div class="msg bad">Nicht ausgeführt: [^<]+\.<\/div>/);

  // Grace's page stays English: the language is the room's, not the server's.
  assert.match(await (await post(path.replace('/m/ada/', '/m/grace/'), 'mins=15')).text(), /<html lang="en">[\s\S]*This link is not valid\./);
  const expiresAt = Date.parse(ada.expiresAt);
  await clock.advanceAsync(expiresAt - clock.now());
  const late = await post(path, 'mins=15');
  assert.equal(late.status, 410);
  assert.match(await late.text(), /Dieser Link ist abgelaufen\. Bitte den Code an der Tür erneut scannen\./);
});
