import { FakeClock } from '../../shared/clock.js';
import { PngPanel } from './png-panel.js';
import { RefreshPolicy, type RefreshPolicyOptions, type RefreshRecord, type RefreshStats } from './refresh-policy.js';
import type { PanelInfo, Raster } from './types.js';

export interface SimulatedDayOptions {
  panel?: PanelInfo;
  policy?: Partial<RefreshPolicyOptions>;
  /** The room changes state (a large part of the picture) this often. */
  stateChangeEveryMs?: number;
  /** The printed clock changes (a small part) this often. */
  clockChangeEveryMs?: number;
  /** Offsets from the start (ms) at which a person presses a button. */
  pressesAtMs?: readonly number[];
  durationMs?: number;
}

export interface SimulatedDayResult {
  stats: RefreshStats;
  history: readonly RefreshRecord[];
  /** Non-urgent refreshes that came sooner than the minimum interval after the previous one. */
  violations: number;
  pictures: number;
}

const DEFAULT_PANEL: PanelInfo = { model: 'sim-epd', width: 200, height: 120, colors: 'bw', minRefreshIntervalMs: 180_000, supportsPartial: true };

/** A picture whose state block covers most of the screen and whose clock block is small. */
function picture(info: PanelInfo, state: number, minute: number, press: number): Raster {
  const { width, height } = info;
  const data = Buffer.alloc(width * height * 3, 0xff);
  const fill = (x0: number, y0: number, w: number, h: number, on: boolean): void => {
    if (!on) return;
    for (let y = y0; y < Math.min(height, y0 + h); y++) data.fill(0, (y * width + x0) * 3, (y * width + Math.min(width, x0 + w)) * 3);
  };
  fill(0, 0, width, Math.floor(height * 0.6), state % 2 === 1);
  // The minute as a row of small binary blocks.
  for (let bit = 0; bit < 11; bit++) fill(2 + bit * 8, height - 10, 6, 6, ((minute >> bit) & 1) === 1);
  fill(width - 12, height - 22, 10, 10, press % 2 === 1);
  return { width, height, data };
}

/**
 * A day of pictures through the refresh policy on a fake clock: state changes, a clock
 * minute changing every minute, and a few button presses. Usable as a benchmark.
 */
export async function simulateRefreshDay(opts: SimulatedDayOptions = {}): Promise<SimulatedDayResult> {
  const info = opts.panel ?? DEFAULT_PANEL;
  const stateEvery = opts.stateChangeEveryMs ?? 30 * 60_000;
  const clockEvery = opts.clockChangeEveryMs ?? 60_000;
  const duration = opts.durationMs ?? 24 * 3_600_000;
  const presses = [...(opts.pressesAtMs ?? [])].sort((a, b) => a - b);
  const clock = new FakeClock('2026-03-02T00:00:00Z');
  const start = clock.now();
  const panel = new PngPanel({ info });
  const policy = new RefreshPolicy(panel, clock, opts.policy ?? {});
  await panel.open();
  policy.start();
  let state = 0;
  let pressCount = 0;
  let pictures = 0;
  const urgentTimes: number[] = [];
  const submit = async (urgent: boolean): Promise<void> => {
    pictures++;
    const minute = Math.floor((clock.now() - start) / clockEvery);
    if (urgent) urgentTimes.push(clock.now());
    await policy.submit(picture(info, state, minute, pressCount), { urgent });
  };
  await submit(false);
  const step = gcd(stateEvery, clockEvery);
  let nextPress = 0;
  for (let t = step; t <= duration; t += step) {
    while (nextPress < presses.length && presses[nextPress]! < t) {
      await clock.advanceAsync(presses[nextPress]! - (clock.now() - start));
      pressCount++;
      state++;
      await submit(true);
      nextPress++;
    }
    await clock.advanceAsync(t - (clock.now() - start));
    if (t % stateEvery === 0) state++;
    if (t % clockEvery === 0 || t % stateEvery === 0) await submit(false);
  }
  await clock.advanceAsync(info.minRefreshIntervalMs);
  policy.stop();
  await panel.close();
  let violations = 0;
  for (let i = 1; i < policy.history.length; i++) {
    const r = policy.history[i]!;
    if (!r.urgent && r.at - policy.history[i - 1]!.at < policy.minIntervalMs) violations++;
  }
  return { stats: { ...policy.stats }, history: [...policy.history], violations, pictures };
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
