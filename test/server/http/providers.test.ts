import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api, startTestServer } from '../../helpers/server.js';
import { ADA, GOOGLE_ROOMS, GRACE, googleWorld } from './google-server.js';

interface Sub {
  id: string;
  room: string;
  provider: string;
  expiresAt: string;
}

const HOUR = 3_600_000;

function subs(json: unknown): Sub[] {
  return (json as { subscriptions: Sub[] }).subscriptions;
}

test('admin provider routes refuse requests without the admin token', async (t) => {
  const { base, cleanup } = await startTestServer();
  t.after(cleanup);
  const routes: Array<[string, string]> = [
    ['GET', '/api/v1/resources'],
    ['GET', '/api/v1/subscriptions'],
    ['DELETE', '/api/v1/subscriptions'],
    ['DELETE', '/api/v1/subscriptions/dp1'],
    ['POST', '/api/v1/subscriptions/renew'],
  ];
  for (const [method, path] of routes) {
    const none = await api(base, method, path, undefined, { authorization: '' });
    assert.equal(none.status, 401, `${method} ${path}`);
    assert.equal((none.json as { error: { code: string } }).error.code, 'UNAUTHORIZED');
    const wrong = await api(base, method, path, undefined, { authorization: 'Bearer not-the-token' });
    assert.equal(wrong.status, 401, `${method} ${path} with a wrong token`);
  }
});

test('the local provider lists the configured rooms as resources and has no subscriptions', async (t) => {
  const { base, cleanup } = await startTestServer({
    config: { rooms: [{ id: 'ada', name: 'Ada Lovelace', calendar: 'ada@example.com', capacity: 6 }, { id: 'grace', name: 'Grace Hopper' }] },
  });
  t.after(cleanup);
  const res = await api(base, 'GET', '/api/v1/resources');
  assert.equal(res.status, 200);
  assert.deepEqual(res.json, {
    provider: 'local',
    resources: [
      { id: 'ada', name: 'Ada Lovelace', email: 'ada@example.com', capacity: 6 },
      { id: 'grace', name: 'Grace Hopper', email: null, capacity: null },
    ],
  });
  assert.deepEqual((await api(base, 'GET', '/api/v1/subscriptions')).json, { provider: 'local', subscriptions: [] });
  assert.deepEqual((await api(base, 'DELETE', '/api/v1/subscriptions')).json, { stopped: 0 });
  const one = await api(base, 'DELETE', '/api/v1/subscriptions/dp1');
  assert.equal(one.status, 404);
  assert.equal((one.json as { error: { code: string } }).error.code, 'NOT_FOUND');
  const renew = await api(base, 'POST', '/api/v1/subscriptions/renew');
  assert.equal(renew.status, 404);
  assert.match((renew.json as { error: { message: string } }).error.message, /local provider has no push subscriptions/);
});

test('Google: resources from the directory, subscriptions listed without tokens, renewed, stopped', async (t) => {
  const world = await googleWorld();
  t.after(() => world.close());
  const { server, base, cleanup } = await world.start();
  t.after(cleanup);
  const { fake } = world;

  const resources = await api(base, 'GET', '/api/v1/resources');
  assert.equal(resources.status, 200);
  assert.deepEqual(resources.json, {
    provider: 'google',
    resources: [
      { id: 'r-ada', name: 'Ada Lovelace', email: ADA, capacity: 8 },
      { id: 'r-grace', name: 'Grace Hopper', email: GRACE, capacity: 4 },
      { id: 'r-lab', name: 'Lab', email: 'lab@resource.example.com', capacity: null },
    ],
  });

  const listed = await api(base, 'GET', '/api/v1/subscriptions');
  assert.equal(listed.status, 200);
  const first = subs(listed.json);
  assert.deepEqual(first.map((s) => s.room).sort(), ['ada', 'grace']);
  assert.deepEqual(new Set(first.map((s) => s.id)), new Set(fake.channels.keys()));
  for (const s of first) {
    assert.deepEqual(Object.keys(s).sort(), ['expiresAt', 'id', 'provider', 'room']);
    assert.equal(s.provider, 'google');
    assert.equal(Date.parse(s.expiresAt), fake.channels.get(s.id)?.expiration);
  }
  // Neither the token Google echoes nor its stored hash leaves the server.
  const text = JSON.stringify(listed.json);
  for (const c of fake.channels.values()) assert.ok(!text.includes(c.token));
  for (const c of server.store.pushChannels.list()) {
    assert.ok(c.tokenHash);
    assert.ok(!text.includes(c.tokenHash));
  }

  // Only the channel inside the renewal window is replaced; the old one is stopped at Google.
  const adaOld = first.find((s) => s.room === 'ada') as Sub;
  server.store.pushChannels.setExpiry(adaOld.id, Date.now() + HOUR);
  const renewed = await api(base, 'POST', '/api/v1/subscriptions/renew');
  assert.equal(renewed.status, 200);
  const opened = (renewed.json as { opened: Sub[]; failed: unknown[] }).opened;
  assert.deepEqual(opened.map((s) => s.room), ['ada']);
  assert.deepEqual((renewed.json as { failed: unknown[] }).failed, []);
  assert.ok(!fake.channels.has(adaOld.id));
  assert.ok(fake.channels.has(opened[0]?.id ?? ''));
  assert.equal(subs((await api(base, 'GET', '/api/v1/subscriptions')).json).length, 2);

  const bad = await api(base, 'POST', '/api/v1/subscriptions/renew?all=maybe');
  assert.equal(bad.status, 400);
  assert.match((bad.json as { error: { message: string } }).error.message, /^query\.all: /);

  const before = new Set(fake.channels.keys());
  const all = await api(base, 'POST', '/api/v1/subscriptions/renew?all=true');
  assert.equal(all.status, 200);
  const reopened = (all.json as { opened: Sub[] }).opened;
  assert.deepEqual(reopened.map((s) => s.room).sort(), ['ada', 'grace']);
  assert.equal(fake.channels.size, 2);
  for (const id of fake.channels.keys()) assert.ok(!before.has(id), 'every channel was replaced');

  // A failure at Google is reported per room.
  fake.fail({ status: 400, reason: 'invalid', path: '/watch' });
  const partly = await api(base, 'POST', '/api/v1/subscriptions/renew?all=true');
  assert.equal(partly.status, 200);
  const failed = (partly.json as { failed: Array<{ room: string; error: string }> }).failed;
  assert.equal(failed.length, 1);
  assert.match(failed[0]?.error ?? '', /injected failure/);
  assert.equal((partly.json as { opened: Sub[] }).opened.length, 1);

  const one = subs((await api(base, 'GET', '/api/v1/subscriptions')).json).find((s) => s.room === 'grace') as Sub;
  const stop = await api(base, 'DELETE', `/api/v1/subscriptions/${one.id}`);
  assert.equal(stop.status, 204);
  assert.ok(!fake.channels.has(one.id));
  assert.deepEqual(subs((await api(base, 'GET', '/api/v1/subscriptions')).json).map((s) => s.room), ['ada']);
  const again = await api(base, 'DELETE', `/api/v1/subscriptions/${one.id}`);
  assert.equal(again.status, 404);
  assert.match((again.json as { error: { message: string } }).error.message, new RegExp(`no subscription "${one.id}"`));

  const stopAll = await api(base, 'DELETE', '/api/v1/subscriptions');
  assert.deepEqual(stopAll.json, { stopped: 1 });
  assert.equal(fake.channels.size, 0);
  assert.deepEqual(subs((await api(base, 'GET', '/api/v1/subscriptions')).json), []);
});

test('Google: a refusal from the directory reaches the admin with its reason', async (t) => {
  const world = await googleWorld();
  t.after(() => world.close());
  const { base, cleanup } = await world.start();
  t.after(cleanup);
  world.fake.fail({ status: 403, reason: 'forbidden', path: '/resources/calendars' });
  const res = await api(base, 'GET', '/api/v1/resources');
  assert.equal(res.status, 409);
  const error = (res.json as { error: { code: string; message: string } }).error;
  assert.equal(error.code, 'PROVIDER_REFUSED');
  assert.match(error.message, /^google resources: refused \(forbidden\): .*injected failure/);
});

test('Google: a room taken out of the config has its channel stopped at Google at the next start', async (t) => {
  const world = await googleWorld();
  t.after(() => world.close());
  const first = await world.start();
  const dataDir = first.dataDir;
  const graceChannel = first.server.store.pushChannels.list({ roomId: 'grace' })[0];
  assert.ok(graceChannel && world.fake.channels.has(graceChannel.id));
  await first.server.stop();

  const second = await world.start({ rooms: GOOGLE_ROOMS.filter((r) => r.id === 'ada'), dataDir });
  t.after(async () => {
    await second.cleanup();
    await first.cleanup();
  });
  for (let i = 0; i < 200 && world.fake.channels.has(graceChannel.id); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(!world.fake.channels.has(graceChannel.id), 'the removed room no longer gets notifications');
  assert.deepEqual(
    [...world.fake.channels.values()].map((c) => c.calendarId),
    [ADA],
  );
  assert.deepEqual(second.server.store.pushChannels.list().map((c) => c.roomId), ['ada']);
  assert.equal(world.fake.count('POST', '/channels/stop'), 1);
});
