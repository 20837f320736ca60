import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type MqttClient } from 'mqtt';
import { FakeClock } from '../../../shared/clock.js';
import { ADMIN_TOKEN, api, startTestServer } from '../../helpers/server.js';
import { until } from '../../helpers/wait.js';
import { SseReader } from '../stream/sse-reader.js';
import { event } from './events.js';

type Json = Record<string, unknown>;

test('kiosk page and its public room stream', async (t) => {
  // 10:07 in Berlin.
  const clock = new FakeClock('2026-03-02T09:07:00Z');
  const { base, cleanup } = await startTestServer({
    clock,
    config: { rooms: [{ id: 'ada', name: 'Ada Lovelace' }, { id: 'grace', name: 'Grace Hopper' }, { id: 'lab', name: '<b>R&D "Lab"</b>' }] },
    seed: new Map([['ada', [event('ada-1', 'Quarterly planning', '2026-03-02T12:00:00Z', '2026-03-02T13:00:00Z', 'maria@example.com')]]]),
  });
  const readers: SseReader[] = [];
  t.after(async () => {
    for (const r of readers) r.close();
    await cleanup();
  });

  await t.test('the page is public HTML with the room name escaped; unknown rooms get a 404 page', async () => {
    const r = await fetch(`${base}/display/ada`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(r.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    const html = await r.text();
    assert.match(html, /<title>Ada Lovelace<\/title>/);
    assert.match(html, /data-stream="\/display\/ada\/stream"/);
    // No external assets.
    assert.doesNotMatch(html, /(src|href)=["']?https?:/);

    const lab = await (await fetch(`${base}/display/lab`)).text();
    assert.match(lab, /&lt;b&gt;R&amp;D &quot;Lab&quot;&lt;\/b&gt;/);
    assert.doesNotMatch(lab, /<b>R&D/);

    const missing = await fetch(`${base}/display/nope%3Cx%3E`);
    assert.equal(missing.status, 404);
    const text = await missing.text();
    assert.match(text, /No such room/);
    assert.match(text, /nope&lt;x&gt;/);
    assert.equal((await fetch(`${base}/display/nope/stream`)).status, 404);
  });

  await t.test('the stream needs no token and starts with the room, its state, agenda and notices', async () => {
    const notice = await api(base, 'POST', '/api/v1/notify', { name: 'early', message: 'Lift out of order', toAll: true });
    assert.equal(notice.status, 201);
    const s = await SseReader.open(`${base}/display/ada/stream`);
    readers.push(s);
    assert.equal(s.status, 200);
    const snap = await s.nextJson<{ now: string; room: Json; state: Json; agenda: { events: Json[] }; notices: Json[] }>('the snapshot');
    assert.equal(snap.event, 'snapshot');
    assert.equal(snap.data.now, '2026-03-02T09:07:00.000Z');
    assert.deepEqual(snap.data.room, { id: 'ada', name: 'Ada Lovelace', timeZone: 'Europe/Berlin', locale: 'en' });
    assert.equal(snap.data.state.status, 'free');
    assert.equal(snap.data.state.freeUntil, '2026-03-02T12:00:00.000Z');
    assert.deepEqual(snap.data.agenda.events.map((e) => e.title), ['Quarterly planning']);
    assert.deepEqual(snap.data.notices.map((n) => n.message), ['Lift out of order']);
    // A public page is not told who else got the notice.
    assert.equal(snap.data.notices[0]?.targets, undefined);

    // Its room's changes arrive; other rooms' changes and notices do not.
    assert.equal((await api(base, 'POST', '/api/v1/meetings', { room: 'grace', title: 'Elsewhere' })).status, 201);
    assert.equal((await api(base, 'POST', '/api/v1/notify', { name: 'g', message: 'Only for Grace', rooms: ['grace'] })).status, 201);
    assert.equal((await api(base, 'POST', '/api/v1/notify', { name: 'a', message: 'Only for Ada', rooms: ['ada'] })).status, 201);
    const n = await s.nextJson<{ notice: Json }>('the notice for ada');
    assert.equal(n.event, 'notice');
    assert.equal(n.data.notice.message, 'Only for Ada');
    assert.equal((await api(base, 'POST', '/api/v1/meetings', { room: 'ada', title: 'Stand-up' })).status, 201);
    const ch = await s.nextJson<{ now: string; state: Json; agenda: { events: Json[] } }>('the booking in ada');
    assert.equal(ch.event, 'room');
    assert.equal(ch.data.state.status, 'busy');
    assert.equal((ch.data.state.current as Json).title, 'Stand-up');
    assert.deepEqual(s.queuedEvents(), []);

    clock.advance(15_000);
    assert.match(await s.nextComment('a heartbeat'), /^heartbeat/);
  });
});

test('privacy: a private room\'s title never reaches the kiosk page, its stream, the admin stream or MQTT', async (t) => {
  const SECRET = 'Secret merger talks';
  const clock = new FakeClock('2026-03-02T09:07:00Z');
  const { server, base, cleanup } = await startTestServer({
    clock,
    config: { rooms: [{ id: 'hedy', name: 'Hedy Lamarr', privacy: 'private' }] },
    seed: new Map([['hedy', [event('hedy-1', SECRET, '2026-03-02T12:00:00Z', '2026-03-02T13:00:00Z', 'cfo@example.com')]]]),
  });
  const inspector: MqttClient = connect(`mqtt://127.0.0.1:${server.mqttPort}`, { reconnectPeriod: 0 });
  const connected = new Promise<void>((resolve, reject) => inspector.once('connect', () => resolve()).once('error', reject));
  const readers: SseReader[] = [];
  t.after(async () => {
    for (const r of readers) r.close();
    await inspector.endAsync(true);
    await cleanup();
  });
  const mqtt: string[] = [];
  inspector.on('message', (topic, payload) => mqtt.push(`${topic} ${payload.toString('utf8')}`));
  await connected;
  await inspector.subscribeAsync('doorplate/#', { qos: 1 });

  const kiosk = await SseReader.open(`${base}/display/hedy/stream`);
  const admin = await SseReader.open(`${base}/api/v1/stream`, { authorization: `Bearer ${ADMIN_TOKEN}` });
  readers.push(kiosk, admin);
  const kioskSnap = await kiosk.next('the kiosk snapshot');
  const adminSnap = await admin.next('the admin snapshot');

  const booked = await api(base, 'POST', '/api/v1/meetings', { room: 'hedy', title: `${SECRET} (follow-up)` });
  assert.equal(booked.status, 201);
  const kioskChange = await kiosk.next('the booking on the kiosk stream');
  const adminChange = await admin.next('the booking on the admin stream');
  await until(() => mqtt.some((m) => m.startsWith('doorplate/rooms/hedy/state') && m.includes('"busy"')), 'the busy state on MQTT');
  const page = await (await fetch(`${base}/display/hedy`)).text();

  const outputs: Array<[string, string]> = [
    ['kiosk snapshot', kioskSnap.data],
    ['kiosk change', kioskChange.data],
    ['admin snapshot', adminSnap.data],
    ['admin change', adminChange.data],
    ['page', page],
    ...mqtt.map((m): [string, string] => ['mqtt', m]),
  ];
  for (const [where, text] of outputs) {
    assert.equal(text.includes(SECRET), false, `${where} leaked the title: ${text.slice(0, 200)}`);
    assert.equal(text.includes('cfo@example.com'), false, `${where} leaked the organizer`);
  }
  // The meetings are there, only without their titles.
  assert.equal((JSON.parse(kioskChange.data) as { state: { status: string; current: { title: null } } }).state.current.title, null);
  assert.ok(mqtt.some((m) => m.startsWith('doorplate/rooms/hedy/agenda')));
});
