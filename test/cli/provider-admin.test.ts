import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ADMIN_TOKEN } from '../helpers/server.js';
import { ADA, googleWorld } from '../server/http/google-server.js';

const MAIN = fileURLToPath(new URL('../../cli/main.js', import.meta.url));

/** Runs the built CLI as a user would; the server answers from this process, so the call must not block. */
function doorplate(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env } }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

test('doorplate resources and subscriptions against a running server with the Google provider', async (t) => {
  const world = await googleWorld();
  t.after(() => world.close());
  const { base, cleanup } = await world.start();
  t.after(cleanup);
  const auth = ['--url', base, '--token', ADMIN_TOKEN];

  const resources = await doorplate(['resources', '--json', ...auth]);
  assert.equal(resources.code, 0, resources.stderr);
  const listed = JSON.parse(resources.stdout) as { resources: Array<{ email: string }> };
  assert.deepEqual(listed.resources.map((r) => r.email)[0], ADA);
  assert.equal(listed.resources.length, 3);

  const subs = await doorplate(['subscriptions', '--json', ...auth]);
  assert.equal(subs.code, 0, subs.stderr);
  const channels = (JSON.parse(subs.stdout) as { subscriptions: Array<{ id: string; room: string }> }).subscriptions;
  assert.deepEqual(channels.map((c) => c.room).sort(), ['ada', 'grace']);

  // The token may also come from the environment.
  const renew = await doorplate(['subscriptions', 'renew', '--all', '--url', base], { DOORPLATE_TOKEN: ADMIN_TOKEN });
  assert.equal(renew.code, 0, renew.stderr);
  assert.equal((JSON.parse(renew.stdout) as { opened: unknown[] }).opened.length, 2);
  for (const c of channels) assert.ok(!world.fake.channels.has(c.id), 'renew --all replaced every channel');

  const current = [...world.fake.channels.keys()];
  const stop = await doorplate(['subscriptions', 'stop', current[0] ?? '', ...auth]);
  assert.equal(stop.code, 0, stop.stderr);
  assert.equal(world.fake.channels.size, 1);

  const missing = await doorplate(['subscriptions', 'stop', 'dp-none', ...auth]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /404 NOT_FOUND: no subscription "dp-none"/);

  const stopAll = await doorplate(['subscriptions', 'stop-all', ...auth]);
  assert.equal(stopAll.code, 0, stopAll.stderr);
  assert.deepEqual(JSON.parse(stopAll.stdout), { stopped: 1 });
  assert.equal(world.fake.channels.size, 0);

  const wrongToken = await doorplate(['subscriptions', '--url', base, '--token', 'nope']);
  assert.equal(wrongToken.code, 1);
  assert.match(wrongToken.stderr, /401 UNAUTHORIZED/);

  const usage = await doorplate(['subscriptions', 'pause', ...auth]);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /subscriptions \[list \| stop ID \| stop-all \| renew \[--all\]\]/);
});
