import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../shared/clock.js';
import { PngPanel } from '../../../edge/hal/png-panel.js';
import { RefreshPolicy, changedFraction } from '../../../edge/hal/refresh-policy.js';
import { simulateRefreshDay } from '../../../edge/hal/refresh-sim.js';
import type { Panel, PanelInfo, Raster } from '../../../edge/hal/types.js';

const INFO: PanelInfo = { model: 'test', width: 10, height: 10, colors: 'bw', minRefreshIntervalMs: 180_000, supportsPartial: true };

function pic(blackPixels: number): Raster {
  const data = Buffer.alloc(300, 0xff);
  data.fill(0, 0, blackPixels * 3);
  return { width: 10, height: 10, data };
}

async function setup(info: PanelInfo = INFO) {
  const clock = new FakeClock();
  const panel = new PngPanel({ info });
  await panel.open();
  const policy = new RefreshPolicy(panel, clock, { partialThreshold: 0.2, fullEvery: 3 });
  policy.start();
  return { clock, panel, policy };
}

test('changedFraction counts differing pixels', () => {
  assert.equal(changedFraction(pic(0), pic(10)), 0.1);
  assert.equal(changedFraction(pic(5), pic(5)), 0);
});

test('same picture: no redraw; small change: partial; large change: full', async () => {
  const { clock, panel, policy } = await setup();
  await policy.submit(pic(0), { urgent: false });
  await policy.submit(pic(0), { urgent: false });
  assert.equal(policy.stats.unchanged, 1);
  await clock.advanceAsync(200_000);
  await policy.submit(pic(10), { urgent: false });
  await clock.advanceAsync(200_000);
  await policy.submit(pic(60), { urgent: false });
  assert.deepEqual(panel.refreshLog, ['full', 'partial', 'full']);
});

test('a full refresh after N partials', async () => {
  const { clock, panel, policy } = await setup();
  for (let i = 0; i < 6; i++) {
    await policy.submit(pic(i), { urgent: false });
    await clock.advanceAsync(180_000);
  }
  assert.deepEqual(panel.refreshLog, ['full', 'partial', 'partial', 'partial', 'full', 'partial']);
});

test('too early: deferred, only the latest waiting picture is shown; urgent goes at once', async () => {
  const { clock, panel, policy } = await setup();
  await policy.submit(pic(0), { urgent: false });
  await clock.advanceAsync(60_000);
  await policy.submit(pic(1), { urgent: false });
  await clock.advanceAsync(30_000);
  await policy.submit(pic(2), { urgent: false });
  assert.equal(panel.refreshLog.length, 1);
  assert.equal(clock.pending() >= 1, true);
  await clock.advanceAsync(89_999);
  assert.equal(panel.refreshLog.length, 1);
  await clock.advanceAsync(1);
  assert.equal(panel.refreshLog.length, 2);
  assert.deepEqual(panel.picture, pic(2));
  assert.equal(policy.stats.superseded, 1);
  await clock.advanceAsync(10_000);
  await policy.submit(pic(3), { urgent: true });
  assert.equal(panel.refreshLog.length, 3);
  assert.equal(policy.stats.urgent, 1);
});

test('a waiting picture that turns out equal to the screen is dropped', async () => {
  const { clock, panel, policy } = await setup();
  await policy.submit(pic(0), { urgent: false });
  await policy.submit(pic(5), { urgent: false });
  await policy.submit(pic(0), { urgent: false });
  await clock.advanceAsync(400_000);
  assert.equal(panel.refreshLog.length, 1);
});

test('at least one full refresh a day, even when nothing changes', async () => {
  const { clock, panel, policy } = await setup();
  await policy.submit(pic(0), { urgent: false });
  await clock.advanceAsync(24 * 3_600_000);
  assert.deepEqual(panel.refreshLog, ['full', 'full']);
  assert.equal(policy.stats.daily, 1);
});

test('an unchanged picture replaces the kept one: only the caller\'s newest copy stays referenced', async () => {
  const clock = new FakeClock();
  const drawn: Raster[] = [];
  const panel: Panel = { info: INFO, open: async () => undefined, show: async (p) => void drawn.push(p), clear: async () => undefined, close: async () => undefined };
  const policy = new RefreshPolicy(panel, clock);
  policy.start();
  const first = pic(3);
  const same = pic(3);
  await policy.submit(first, { urgent: false });
  await policy.submit(same, { urgent: false });
  assert.equal(policy.stats.unchanged, 1);
  // The daily redraw shows what the policy kept: the newer, pixel-identical picture.
  await clock.advanceAsync(24 * 3_600_000);
  assert.equal(drawn.length, 2);
  assert.equal(drawn[0], first);
  assert.equal(drawn[1], same);
  policy.stop();
});

test('a panel without partial refresh always gets full ones; screens have no interval', async () => {
  const { panel, policy } = await setup({ ...INFO, supportsPartial: false, minRefreshIntervalMs: 0 });
  await policy.submit(pic(0), { urgent: false });
  await policy.submit(pic(1), { urgent: false });
  assert.deepEqual(panel.refreshLog, ['full', 'full']);
});

test('pictures are refused before start and at a wrong size', async () => {
  const clock = new FakeClock();
  const panel = new PngPanel({ info: INFO });
  const policy = new RefreshPolicy(panel, clock);
  await assert.rejects(policy.submit(pic(0), { urgent: false }), /not started/);
  policy.start();
  await assert.rejects(policy.submit({ width: 2, height: 2, data: Buffer.alloc(12) }, { urgent: false }), /10x10/);
});

test('a simulated day keeps the interval except for button presses', async () => {
  const hour = 3_600_000;
  const day = await simulateRefreshDay({ pressesAtMs: [9 * hour + 65_000, 13 * hour + 10_000, 13 * hour + 20_000, 17 * hour + 5_000] });
  const { stats } = day;
  assert.equal(day.violations, 0);
  assert.equal(stats.urgent, 4, 'the presses came within 180 s of another refresh');
  assert.ok(stats.full >= 40 && stats.full <= 60, `state changes every 30 min are large: ${stats.full} full`);
  assert.ok(stats.partial > 100, `clock minutes are small: ${stats.partial} partial`);
  assert.ok(stats.full + stats.partial <= 24 * 20 + 4 + 1, 'never more often than every 180 s apart from the presses');
  const gaps = day.history.slice(1).map((r, i) => ({ gap: r.at - day.history[i]!.at, urgent: r.urgent }));
  assert.ok(gaps.every((g) => g.urgent || g.gap >= 180_000));
  assert.ok(gaps.some((g) => g.urgent && g.gap < 180_000));
});
