import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../../shared/clock.js';
import { parseConfig } from '../../shared/config/load.js';
import { silentLogger } from '../../shared/logger.js';
import { SimDevice, SIM_BUTTONS } from '../../cli/demo/sim-device.js';
import { ENROLL_TOKEN, api, startTestServer } from '../helpers/server.js';
import { freePort, until } from '../helpers/wait.js';
import { at, meeting } from '../server/bookings/world.js';

/**
 * One room with a display at each of its two doors: check-in, extend and end are taken from
 * either, both show the same state, and the auto-release and the LEDs agree on both.
 */
test('two panels of one room: either door acts, both show the same', async (t) => {
  // Monday 09:50 in Berlin: Ada has a meeting at 10:00 (check-in 09:55-10:10) and one at 12:00.
  const clock = new FakeClock(at('09:50'));
  const mqttPort = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'doorplate-two-'));
  const { server, base, cleanup } = await startTestServer({
    clock,
    dataDir,
    config: { broker: { port: mqttPort }, server: { qr: { publicUrl: 'http://doorplate.test:8080' } } },
    seed: new Map([['ada', [meeting('m10', '10:00', '11:00'), meeting('m12', '12:00', '13:00')]]]),
  });
  const devices: SimDevice[] = [];
  t.after(async () => {
    for (const d of devices) await d.stop().catch(() => undefined);
    await cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const device = async (id: string): Promise<SimDevice> => {
    const config = parseConfig({
      site: { timeZone: 'Europe/Berlin' },
      edge: { deviceId: id, server: { host: '127.0.0.1', port: mqttPort }, credentialsFile: join(dataDir, 'devices', `${id}.json`), enrollmentToken: ENROLL_TOKEN },
    });
    const d = new SimDevice({ config, model: id === 'door-west' ? 'epd7in5_V2' : 'hdmi-800x480', roomId: 'ada', clock, logger: silentLogger() });
    devices.push(d);
    await d.start();
    return d;
  };
  const west = await device('door-west');
  const east = await device('door-east');
  await until(async () => ((await api(base, 'GET', '/api/v1/devices')).json as { devices: unknown[] }).devices.length === 2, 'both enrolled');
  for (const id of ['door-west', 'door-east']) {
    assert.equal((await api(base, 'POST', `/api/v1/devices/${id}/approve`)).status, 200);
    assert.equal((await api(base, 'PUT', `/api/v1/devices/${id}/room`, { room: 'ada' })).status, 200);
  }
  const seen = (d: SimDevice): string => JSON.stringify({ id: d.id, status: d.edge.lastView?.state.status, lamp: d.lamp() });
  /** `tick`: move the clock a little while waiting, so the pressing panel's acknowledgement (1.5 s) runs out. */
  const both = async (what: string, ok: (d: SimDevice) => boolean, tick = false): Promise<void> => {
    try {
      await until(() => {
        if (tick) clock.advance(250);
        return ok(west) && ok(east);
      }, `both panels: ${what}`);
    } catch (e) {
      throw new Error(`${(e as Error).message}; ${seen(west)} ${seen(east)}`);
    }
  };
  await both('Ada, free, green', (d) => d.edge.lastView?.roomName === 'Ada Lovelace' && d.edge.lastView.state.status === 'free' && d.lamp().color === 'green');

  const press = (d: SimDevice, button: string): void => {
    const pin = SIM_BUTTONS.find((x) => x.name === button)?.pin ?? -1;
    d.gpio.inject(pin, 0);
    clock.advance(100);
    d.gpio.inject(pin, 1);
    clock.advance(600);
  };

  await t.test('the check-in window opens on both; a check-in at the east door counts for both', async () => {
    clock.advance(Date.parse(at('10:00')) - clock.now());
    await both('awaiting check-in, amber', (d) => d.edge.lastView?.state.status === 'awaiting-checkin' && d.lamp().color === 'amber');
    press(east, 'checkin');
    await until(() => server.store.events.get('ada', 'm10')?.checkedInAt !== null, 'checked in, in the store');
    await both('busy, red', (d) => d.edge.lastView?.state.status === 'busy' && d.lamp().red && !d.lamp().green, true);
    // What the server adds to the state reaches both panels: the free rooms, the phone link.
    await both('Grace listed as free, a link to end early', (d) => d.edge.lastView?.state.freeRooms?.[0]?.room === 'grace' && d.edge.lastView.state.qr?.action === 'end');
  });

  await t.test('extend at the west door, end at the east door: both follow', async () => {
    press(west, 'extend');
    await until(() => server.store.events.get('ada', 'm10')?.end === at('11:15'), 'extended by the first step');
    await both('busy until 11:15, red', (d) => d.edge.lastView?.state.busyUntil === at('11:15') && d.lamp().color === 'red', true);
    press(east, 'end');
    await until(() => Date.parse(server.store.events.get('ada', 'm10')?.end ?? '') <= clock.now(), 'ended now');
    await both('free, green', (d) => d.edge.lastView?.state.status === 'free' && d.lamp().color === 'green' && d.lamp().pattern === 'steady', true);
  });

  await t.test('nobody checks in at noon: released once, and both panels show it free', async () => {
    clock.advance(Date.parse(at('12:00')) - clock.now());
    await both('awaiting check-in at noon', (d) => d.edge.lastView?.state.status === 'awaiting-checkin' && d.lamp().color === 'amber');
    clock.advance(Date.parse(at('12:10')) - clock.now());
    await until(() => server.store.events.get('ada', 'm12')?.status === 'cancelled', 'released at the window close');
    await both('free again, green', (d) => d.edge.lastView?.state.status === 'free' && d.lamp().color === 'green');
    const releases = server.store.changes.since(0).filter((c) => c.kind === 'release' && c.roomId === 'ada');
    assert.equal(releases.length, 1, 'one release, not one per panel');
  });
});
