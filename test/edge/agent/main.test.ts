import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigSchema } from '../../../shared/config/index.js';
import { FakeClock } from '../../../shared/clock.js';
import { silentLogger } from '../../../shared/logger.js';
import type { Panel, Raster } from '../../../edge/hal/types.js';
import { createEdge } from '../../../edge/main.js';
import { FakeActions, fakeRender, MemoryCredentials, PANEL, readPicture, RecordingLight, RecordingSink, SECRET, startBroker, startServerClient, SYSTEM, deviceConfig, serverView, waitFor } from './harness.js';

class CountingPanel implements Panel {
  readonly info = PANEL;
  opened = 0;
  closed = 0;
  async open(): Promise<void> {
    this.opened++;
  }
  async show(_p: Raster): Promise<void> {}
  async clear(): Promise<void> {}
  async close(): Promise<void> {
    this.closed++;
  }
}

test('createEdge: device id from the injected function, hardware opened and closed in order, picture exposed', async (t) => {
  const broker = await startBroker(0, new Map([['sim-3', SECRET]]));
  const server = await startServerClient(broker.port);
  t.after(async () => {
    await server.close();
    await broker.close();
  });
  const config = ConfigSchema.parse({ role: 'edge', edge: { server: { host: '127.0.0.1', port: broker.port } } });
  const panel = new CountingPanel();
  const light = new RecordingLight();
  const actions = new FakeActions();
  const clock = new FakeClock();
  const sink = new RecordingSink();
  sink.start();
  const edge = createEdge(config, {
    panel,
    sink,
    light,
    actions,
    render: fakeRender,
    clock,
    deviceId: () => 'sim-3',
    system: SYSTEM,
    credentials: new MemoryCredentials({ deviceId: 'sim-3', secret: SECRET, enrolledAt: '2026-03-01T00:00:00Z' }),
    buttons: ['book'],
    leds: ['status'],
    logger: silentLogger(),
  });
  assert.equal(edge.deviceId, 'sim-3');
  assert.equal(panel.opened, 0, 'the constructor has no side effects');
  await server.publish('deviceConfig', { device: 'sim-3' }, deviceConfig('room-a'));
  await server.publish('roomState', { room: 'room-a' }, serverView('room-a', [], clock.now()).state);
  await edge.start();
  assert.equal(panel.opened, 1);
  await waitFor(() => readPicture(edge.lastPicture)?.status === 'free', 'a picture');
  const hello = JSON.parse(server.on('doorplate/devices/sim-3/hello')[0]?.text ?? '{}') as { buttons: string[]; leds: string[] };
  assert.deepEqual([hello.buttons, hello.leds], [['book'], ['status']]);
  assert.equal(edge.light.color, 'green');
  await edge.stop();
  sink.stop();
  assert.deepEqual(sink.refused, []);
  assert.deepEqual([panel.closed, light.closed, actions.closed], [1, true, true]);
  await waitFor(() => server.on('doorplate/devices/sim-3/availability').at(-1)?.text === 'offline', 'offline said on a clean stop');
});

test('createEdge: an invalid configured device id is refused with its path', () => {
  const config = ConfigSchema.parse({ role: 'edge' });
  assert.throws(
    () => createEdge(config, { panel: new CountingPanel(), sink: new RecordingSink(), light: new RecordingLight(), actions: new FakeActions(), render: fakeRender, deviceId: () => 'bad/id' }),
    /edge\.deviceId: "bad\/id" is not a valid device id/,
  );
});
