import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../../shared/clock.js';
import { parseConfig } from '../../shared/config/load.js';
import type { ConfigInput } from '../../shared/config/schema.js';
import type { CalendarEvent } from '../../shared/model/event.js';
import { silentLogger } from '../../shared/logger.js';
import { SimDevice } from '../../cli/demo/sim-device.js';
import { ENROLL_TOKEN, api, startTestServer } from '../helpers/server.js';
import { freePort, until } from '../helpers/wait.js';
import { at, meeting } from '../server/bookings/world.js';

const PIR = 26;

/**
 * A real server on loopback with its broker, and a simulated display with a presence input
 * enrolled, approved and assigned to Ada over that broker; all removed after the test.
 */
async function displayInAda(t: TestContext, clock: FakeClock, config: ConfigInput, seed: Map<string, CalendarEvent[]>) {
  const mqttPort = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'doorplate-pir-'));
  const { server, base, cleanup } = await startTestServer({ clock, dataDir, config: { ...config, broker: { port: mqttPort } }, seed });
  const edgeConfig = parseConfig({
    site: { timeZone: 'Europe/Berlin' },
    edge: { deviceId: 'door-pir', server: { host: '127.0.0.1', port: mqttPort }, credentialsFile: join(dataDir, 'devices', 'door-pir.json'), enrollmentToken: ENROLL_TOKEN },
  });
  const d = new SimDevice({ config: edgeConfig, model: 'epd7in5_V2', roomId: 'ada', clock, logger: silentLogger(), presencePin: PIR });
  t.after(async () => {
    await d.stop().catch(() => undefined);
    await cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });
  await d.start();
  await until(async () => ((await api(base, 'GET', '/api/v1/devices')).json as { devices: unknown[] }).devices.length === 1, 'enrolled');
  assert.equal((await api(base, 'POST', '/api/v1/devices/door-pir/approve')).status, 200);
  assert.equal((await api(base, 'PUT', '/api/v1/devices/door-pir/room', { room: 'ada' })).status, 200);
  return { server, base, d };
}

test('presence in the check-in window checks the meeting in; an empty room is still released', async (t) => {
  const clock = new FakeClock(at('09:50'));
  const { server, base, d } = await displayInAda(t, clock, {}, new Map([['ada', [meeting('m10', '10:00', '11:00'), meeting('m12', '12:00', '13:00')]]]));
  await until(() => d.edge.lastView?.state.status === 'free', 'the panel shows Ada');

  // Connected, the display tells the server its sensor sees nobody.
  await until(() => server.presence.of('ada').state === 'absent', 'the server knows nobody is in Ada');

  // People walk in at 10:01, after the meeting started.
  clock.advance(Date.parse(at('10:01')) - clock.now());
  await until(() => d.edge.lastView?.state.status === 'awaiting-checkin', 'waiting for check-in');
  d.gpio.inject(PIR, 1);
  clock.advance(600);
  await until(() => server.store.events.get('ada', 'm10')?.checkedInAt !== null, 'checked in by presence');
  // The report waits until the change has held a while (a walk past the door is not a change).
  assert.equal(server.presence.of('ada').state, 'absent', 'not reported before it settled');
  clock.advance(5_000);
  await until(() => server.presence.of('ada').state === 'present', 'the server knows someone is in Ada');
  const room = (await api(base, 'GET', '/api/v1/rooms/ada')).json as { presence: { state: string; since: string; sensors: number } };
  assert.deepEqual(room.presence, { state: 'present', since: at('10:01').replace('00.000Z', '05.600Z'), sensors: 1 });
  // They sit still: present until the sensor's hold (5 minutes after the motion) runs out, reported 5 s later.
  d.gpio.inject(PIR, 0);
  clock.advance(5 * 60_000 + 5_000);
  await until(() => server.presence.of('ada').state === 'absent', 'the server knows they left');
  clock.advance(Date.parse(at('10:30')) - clock.now());
  assert.equal(server.store.events.get('ada', 'm10')?.status, 'confirmed', 'kept past the window close');

  // Nobody at noon: the release happens as before.
  clock.advance(Date.parse(at('12:10')) - clock.now());
  await until(() => server.store.events.get('ada', 'm12')?.status === 'cancelled', 'the noon meeting released');
  await until(() => d.edge.lastView?.state.status === 'free' && d.lamp().color === 'green', 'free, green');

  // Someone walks into the free room: "in use, not booked", amber blinking, and the panel offers it.
  d.gpio.inject(PIR, 1);
  clock.advance(600);
  await until(() => d.lamp().color === 'amber' && d.lamp().pattern === 'blink', 'amber, blinking');
  await until(() => d.edge.lastView?.present === true, 'the panel offers the room to those present');

  // The usage report counts the minutes someone was there.
  const report = await api(base, 'GET', '/api/v1/reports/usage?from=2026-03-02&to=2026-03-02');
  const row = (report.json as { rows: Array<{ room: string; presenceMinutes: number | null }> }).rows.find((r) => r.room === 'ada');
  // 10:01:05.6 to 10:06:10.6 as the server saw it; the walk-in at noon is not reported yet (it has not settled).
  assert.equal(row?.presenceMinutes, 5, JSON.stringify(row));
});

test('presence reaches the server over the broker; the room is released after N minutes without anyone', async (t) => {
  const clock = new FakeClock(at('09:50'));
  const { server, base, d } = await displayInAda(t, clock, { site: { presence: { releaseAfterMins: 15 } } }, new Map([['ada', [meeting('m10', '10:00', '11:00', { checkedInAt: at('09:58') })]]]));
  await until(() => server.presence.of('ada').state === 'absent', 'the display reported nobody');
  clock.advance(Date.parse(at('10:05')) - clock.now());
  d.gpio.inject(PIR, 1);
  clock.advance(600);
  clock.advance(5_000);
  await until(() => server.presence.of('ada').state === 'present', 'someone came');
  d.gpio.inject(PIR, 0);
  // The sensor holds "present" 5 minutes after the last motion, then the report settles 5 s.
  clock.advance(5 * 60_000);
  clock.advance(5_000);
  await until(() => server.presence.of('ada').state === 'absent', 'they left');
  const leftAt = server.presence.of('ada').since ?? 0;
  await clock.advanceAsync(leftAt + 15 * 60_000 - clock.now() - 1);
  assert.equal(server.store.events.get('ada', 'm10')?.status, 'confirmed', 'kept until 15 minutes without anyone');
  await clock.advanceAsync(1);
  await until(() => server.store.events.get('ada', 'm10')?.status === 'cancelled', 'released for want of presence');
  const r = await api(base, 'GET', '/api/v1/reports/usage?from=2026-03-02&to=2026-03-02');
  const row = (r.json as { rows: Array<{ room: string; releasedNoPresence: number; releasedNoShows: number }> }).rows.find((x) => x.room === 'ada');
  assert.equal(row?.releasedNoPresence, 1);
  assert.equal(row?.releasedNoShows, 0);
});
