import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { PANEL_GEOMETRY } from '../edge/render/preview.js';
import { renderView } from '../edge/render/renderer.js';
import { sampleView } from '../edge/render/samples.js';

/**
 * Median time to draw one frame (layout, SVG, sharp, reduction to the panel's inks) per panel
 * model, for the busy sample with a notice (the busiest picture).
 * Run: node dist/bench/render.bench.js [iterations]
 */
export async function runRenderBench(iterations = 25): Promise<Array<{ panel: string; medianMs: number }>> {
  const view = { ...sampleView('notice'), offline: true };
  const out: Array<{ panel: string; medianMs: number }> = [];
  for (const [panel, g] of Object.entries(PANEL_GEOMETRY)) {
    for (let i = 0; i < 3; i++) await renderView(view, g);
    const times: number[] = [];
    for (let i = 0; i < iterations; i++) {
      const t0 = performance.now();
      await renderView(view, g);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const mid = Math.floor(times.length / 2);
    const median = times.length % 2 === 1 ? (times[mid] ?? 0) : ((times[mid - 1] ?? 0) + (times[mid] ?? 0)) / 2;
    out.push({ panel, medianMs: Math.round(median * 100) / 100 });
  }
  return out;
}

export function formatBench(rows: ReadonlyArray<{ panel: string; medianMs: number }>): string {
  const w = Math.max(5, ...rows.map((r) => r.panel.length));
  return [`${'panel'.padEnd(w)}  median ms`, `${'-'.repeat(w)}  ---------`, ...rows.map((r) => `${r.panel.padEnd(w)}  ${r.medianMs.toFixed(2).padStart(9)}`)].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const n = Number(process.argv[2] ?? 25);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`iterations: '${process.argv[2] ?? ''}' is not a positive whole number`);
    process.exitCode = 2;
  } else {
    runRenderBench(n).then(
      (rows) => console.log(formatBench(rows)),
      (err: unknown) => {
        console.error(err instanceof Error ? err.message : err);
        process.exitCode = 1;
      },
    );
  }
}
