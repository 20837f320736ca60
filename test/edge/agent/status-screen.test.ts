import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FileCredentialsStore } from '../../../edge/agent/credentials.js';
import { renderStatus } from '../../../edge/render/renderer.js';
import { STATUS_SCREENS } from '../../../edge/render/status-screen.js';
import { PANEL_GEOMETRY } from '../../../edge/render/preview.js';
import { approveSealed, deviceConfig, ENROLL_TOKEN, makeAgent, readPicture, startBroker, startServerClient, tmpDir, waitFor } from './harness.js';

test('before it has a room, a display says what it waits for, with its device id', async (t) => {
  const accounts = new Map([['enroll:dev-7', ENROLL_TOKEN]]);
  const broker = await startBroker(0, accounts);
  const server = await startServerClient(broker.port);
  const dir = await tmpDir();
  const rig = makeAgent(broker.port, { deviceId: 'dev-7', credentials: new FileCredentialsStore(join(dir, 'c.json')), enrollmentToken: ENROLL_TOKEN, statusScreens: true });
  t.after(async () => {
    await rig.agent.stop();
    await server.close();
    await broker.close();
  });
  await rig.agent.start();
  await waitFor(() => readPicture(rig.agent.lastPicture)?.room === 'Waiting for approval', 'the waiting screen');
  assert.equal(readPicture(rig.agent.lastPicture)?.notice, 'dev-7');

  // Approved (once its enrolling hello is out, so it listens for the reply), but no room yet.
  await waitFor(() => server.on('doorplate/devices/dev-7/hello')[0], 'the enrolling hello');
  const secret = 'approved-secret-abcdefghijklmnopqrstuvwxyz012345';
  accounts.set('dev-7', secret);
  await approveSealed(server, 'dev-7', secret);
  await waitFor(() => rig.agent.phase === 'online', 'online with its secret');
  await server.publish('deviceConfig', { device: 'dev-7' }, deviceConfig(null));
  await waitFor(() => readPicture(rig.agent.lastPicture)?.room === 'No room assigned', 'the no-room screen');
});

test('the status screen renders on every panel size in its panel colours', async () => {
  for (const [model, g] of Object.entries(PANEL_GEOMETRY)) {
    const r = await renderStatus(STATUS_SCREENS.enrolling('door-a1b2c3d4'), g);
    assert.equal(r.width, g.width, model);
    assert.equal(r.height, g.height, model);
    let dark = 0;
    for (let i = 0; i < r.data.length; i += 3) {
      const [red, green, blue] = [r.data[i] ?? 0, r.data[i + 1] ?? 0, r.data[i + 2] ?? 0];
      if (g.colors !== 'rgb') assert.ok([0, 255].includes(red) && [0, 255].includes(green) && [0, 255].includes(blue), `${model}: pure colours only`);
      if (red + green + blue < 384) dark++;
    }
    assert.ok(dark > 0.005 * g.width * g.height, `${model}: text is drawn`);
  }
});
