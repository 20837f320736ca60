import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lifecycle } from '../../../shared/lifecycle.js';
import { silentLogger } from '../../../shared/logger.js';
import { createDemo } from '../../../cli/demo/demo.js';
import { until } from '../../helpers/wait.js';

test('demo: its parts run under the lifecycle; the simulated displays enroll, are placed, and everything stops', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'doorplate-demo-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const demo = await createDemo({ httpPort: 0, mqttPort: 0, dataDir, rooms: 2, logger: silentLogger() });
  assert.deepEqual(demo.parts.map((p) => p.name), ['server', 'attendance', 'simulated displays']);
  const life = new Lifecycle(demo.parts, { log: silentLogger() });
  await life.start();
  try {
    await until(() => demo.server.store.devices.list({ status: 'approved' }).filter((d) => d.roomId !== null).length === 2, 'both displays approved and placed', 30_000);
    const res = await fetch(`${demo.url}/demo/devices`);
    assert.equal(res.status, 200, 'the demo routes answer on loopback without a token');
    const listed = ((await res.json()) as { devices: Array<{ id: string; room: string; present: boolean | null }> }).devices;
    assert.equal(listed.length, 2);
    // Someone walks in front of a display: its presence reaches the server.
    const first = listed[0]!;
    assert.equal(first.present, false);
    await until(() => demo.server.presence.of(first.room).state === 'absent', 'the display reported nobody', 30_000);
    assert.equal((await fetch(`${demo.url}/demo/devices/${first.id}/presence`, { method: 'POST' })).status, 202);
    await until(() => demo.server.presence.of(first.room).state === 'present', 'the server knows someone is there', 30_000);
  } finally {
    assert.equal(await life.stop(), true);
  }
  assert.equal(demo.devices.length, 0);
  assert.equal(demo.server.events.listenerCount(), 0, 'the demo\'s own listener went with its part');
});
