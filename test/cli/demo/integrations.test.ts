import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../../shared/logger.js';
import { createDemo } from '../../../cli/demo/demo.js';
import { Lifecycle } from '../../../shared/lifecycle.js';
import { until } from '../../helpers/wait.js';
import { HaClient, validateAll } from '../../server/homeassistant/ha-client.js';

test('the demo: Home Assistant discovery on its broker, /metrics, the admin API with the printed token', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'doorplate-demo-'));
  const demo = await createDemo({ httpPort: 0, mqttPort: 0, dataDir, rooms: 2, logger: silentLogger() });
  const life = new Lifecycle(demo.parts, { log: silentLogger() });
  await life.start();
  t.after(async () => {
    await life.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  assert.equal(readFileSync(join(dataDir, 'homeassistant-password'), 'utf8').trim(), demo.homeAssistantPassword);

  const ha = await HaClient.connect(demo.mqttUrl, { username: 'homeassistant', password: demo.homeAssistantPassword });
  t.after(() => ha.close());
  await until(() => ha.configs().size === 3, 'the server and both demo rooms announced');
  const ids = validateAll(ha.configs());
  assert.ok(ids.some((id) => id.endsWith('_occupancy')));

  const metrics = await fetch(`${demo.url}/metrics`);
  assert.equal(metrics.status, 200);
  const text = await metrics.text();
  assert.match(text, /^doorplate_build_info\{/m);
  assert.match(text, /^doorplate_rooms\{status="free"\} \d+$/m);

  const devices = await fetch(`${demo.url}/api/v1/devices`, { headers: { authorization: `Bearer ${demo.adminToken}` } });
  assert.equal(devices.status, 200);
  const page = await fetch(`${demo.url}/`);
  assert.match(await page.text(), /<script src="\/admin\.js" defer><\/script>/);
  assert.doesNotMatch(page.headers.get('content-security-policy') ?? '', /unsafe-inline'[^;]*script|script-src[^;]*unsafe-inline/);
});
