import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../../shared/clock.js';
import { parseConfig } from '../../shared/config/load.js';
import { silentLogger } from '../../shared/logger.js';
import { SimDevice, SIM_BUTTONS } from '../../cli/demo/sim-device.js';
import { packMono } from '../../edge/render/pack.js';
import { renderView } from '../../edge/render/renderer.js';
import { ENROLL_TOKEN, api, startTestServer } from '../helpers/server.js';
import { freePort, until } from '../helpers/wait.js';

type Json = Record<string, unknown>;

/**
 * The whole spine in one process over real MQTT on loopback: a server with its embedded
 * broker and two display agents on simulated hardware. Time is a FakeClock shared by all,
 * moved by hand; sockets are real, so the test waits for their effects.
 */
test('end to end: enroll, approve, assign, book with a button, survive a broker restart', async (t) => {
  // Monday 10:07 in Berlin; both rooms are free until the afternoon.
  const clock = new FakeClock('2026-03-02T09:07:00Z');
  const mqttPort = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'doorplate-e2e-'));
  const { server, base, cleanup } = await startTestServer({ clock, dataDir, config: { broker: { port: mqttPort } } });
  const devices: SimDevice[] = [];
  t.after(async () => {
    for (const d of devices) await d.stop().catch(() => undefined);
    await cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const device = (id: string): SimDevice => {
    const config = parseConfig({
      site: { timeZone: 'Europe/Berlin' },
      edge: {
        deviceId: id,
        server: { host: '127.0.0.1', port: mqttPort },
        credentialsFile: join(dataDir, 'devices', `${id}.json`),
        enrollmentToken: ENROLL_TOKEN,
      },
    });
    const d = new SimDevice({ config, model: 'epd7in5_V2', roomId: '', clock, logger: silentLogger() });
    devices.push(d);
    return d;
  };
  const a = device('door-a');
  const b = device('door-b');
  await a.start();
  await b.start();

  await t.test('fresh devices enroll and wait as pending', async () => {
    await until(async () => {
      const r = await api(base, 'GET', '/api/v1/devices');
      return ((r.json as { devices: Json[] }).devices ?? []).filter((d) => d.status === 'pending').length === 2;
    }, 'two pending devices');
    assert.equal(a.edge.phase, 'enrolling');
  });

  await t.test('approving hands each its own secret; it reconnects with it', async () => {
    for (const id of ['door-a', 'door-b']) {
      const r = await api(base, 'POST', `/api/v1/devices/${id}/approve`);
      assert.equal(r.status, 200);
      assert.equal((r.json as Json).secretHash, undefined, 'no secret hash in an API answer');
    }
    await until(() => a.edge.phase === 'online' && b.edge.phase === 'online', 'both online with their secrets');
    await until(() => server.store.devices.get('door-a')?.secretConfirmed === true, 'secret confirmed');
    const mode = statSync(join(dataDir, 'devices', 'door-a.json')).mode & 0o777;
    assert.equal(mode, 0o600);
  });

  await t.test('assigning a room shows it on the panel, green', async () => {
    assert.equal((await api(base, 'PUT', '/api/v1/devices/door-a/room', { room: 'ada' })).status, 200);
    assert.equal((await api(base, 'PUT', '/api/v1/devices/door-b/room', { room: 'grace' })).status, 200);
    await until(() => a.edge.lastView?.roomName === 'Ada Lovelace' && a.lamp().color === 'green', 'door-a shows Ada, free');
    await until(() => b.edge.lastView?.roomName === 'Grace Hopper', 'door-b shows Grace');
    assert.equal(a.lamp().green, true);
    assert.equal(a.lamp().red, false);
  });

  await t.test('a press of the book button books the room: busy on the panel buffer and the LED', async () => {
    const pin = SIM_BUTTONS.find((x) => x.name === 'book')?.pin ?? -1;
    a.gpio.inject(pin, 0);
    clock.advance(100);
    a.gpio.inject(pin, 1);
    clock.advance(600);
    await until(() => server.store.events.listForRoom('ada').length === 1, 'a booking in the store');
    const booked = server.store.events.listForRoom('ada')[0];
    assert.equal(booked?.bookedVia, 'panel');
    assert.equal(booked?.start, '2026-03-02T09:07:00.700Z');
    await until(() => a.edge.lastView?.state.status === 'busy', 'door-a busy');
    // The agent acknowledges an accepted request with green for 1.5 s, then shows the room.
    await until(() => a.lamp().color === 'green' && a.lamp().pattern === 'steady', 'the acknowledgement');
    clock.advance(2_000);
    await until(() => a.lamp().red && !a.lamp().green && a.lamp().pattern === 'steady', 'LED steady red');
    // The panel holds exactly the 1-bit picture of the busy view (800x480: 48,000 bytes).
    const view = a.edge.lastView;
    assert.ok(view && a.panel.picture);
    const onPanel = packMono(a.panel.picture, { oneIsBlack: true });
    assert.equal(onPanel.length, 48_000);
    const expected = packMono(await renderView(view, { width: 800, height: 480, colors: 'bw' }), { oneIsBlack: true });
    assert.ok(onPanel.equals(expected), 'the panel shows the busy picture');
    // The other room is untouched.
    assert.equal(b.edge.lastView?.state.status, 'free');
  });

  await t.test('the agent survives a broker restart and catches up', async () => {
    const broker = server.broker;
    assert.ok(broker);
    await broker.stop();
    await until(() => a.edge.phase !== 'online', 'door-a notices the broker is gone');
    // While the broker is down, grace gets booked through the API (the store has it; MQTT waits).
    const r = await api(base, 'POST', '/api/v1/meetings', { room: 'grace', durationMins: 30 });
    assert.equal(r.status, 201);
    await broker.start();
    // The agents retry with backoff on the fake clock: move it past the longest wait.
    await until(
      () => {
        clock.advance(5_000);
        return a.edge.phase === 'online' && b.edge.phase === 'online';
      },
      'both agents back online',
    );
    await until(() => b.edge.lastView?.state.status === 'busy' && b.edge.lastView.offline === false, 'door-b caught up: grace busy');
    await until(() => a.edge.lastView?.state.status === 'busy', 'door-a still busy');
  });

  await t.test('revoking a device disconnects it and refuses it from then on', async () => {
    assert.equal((await api(base, 'DELETE', '/api/v1/devices/door-b')).status, 204);
    await until(() => b.edge.phase !== 'online', 'door-b disconnected');
    // Its next attempt (after the backoff, on the fake clock) is refused: its secret no longer
    // logs in, so it falls back to enrolling, which leaves a revoked id revoked.
    clock.advance(120_000);
    await until(() => b.edge.phase === 'enrolling', 'door-b refused on its next attempt and enrolling again');
    const dev = (await api(base, 'GET', '/api/v1/devices/door-b')).json as Json;
    assert.equal(dev.status, 'revoked');
  });
});
