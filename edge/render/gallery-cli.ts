import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PANEL_GEOMETRY, printsClock, type PanelGeometry } from './preview.js';
import { renderView, toPng } from './renderer.js';
import { SCENARIOS, sampleView, type Scenario } from './samples.js';
import type { PanelView } from './view.js';

/**
 * Draws every panel model in every sample state, and the 800x480 panels in each language, into
 * a folder (docs/gallery by default) with a README that lists them.
 * Run: node dist/edge/render/gallery-cli.js [out-dir]
 */

const LOCALES = ['en', 'de', 'fr', 'es'] as const;
const LOCALE_SCENARIOS: readonly Scenario[] = ['free-until', 'free-presence', 'busy', 'awaiting-checkin', 'offline'];
const LOCALE_PANELS = ['epd7in5_V2', 'epd7in5b_V2', 'hdmi-800x480'];

export interface GalleryEntry {
  file: string;
  panel: string;
  scenario: Scenario;
  locale: string;
  bytes: number;
}

/** One gallery picture: which panel models it stands for, and the view drawn. */
export interface GalleryPicture {
  file: string;
  panel: string;
  geometry: PanelGeometry;
  scenario: Scenario;
  locale: string;
  view: PanelView;
}

/**
 * Every picture the gallery holds. Models that draw the same picture (epd4in2 and epd4in2_V2,
 * png and epd7in5_V2) share files. `day` redraws the samples on another date (the tests check
 * long dates with it).
 */
export function galleryPictures(day?: string): GalleryPicture[] {
  const out: GalleryPicture[] = [];
  const shown = new Map<string, string[]>();
  for (const [model, g] of Object.entries(PANEL_GEOMETRY)) {
    const key = `${g.width}x${g.height}-${g.colors}-${printsClock(model) ? 'clock' : 'date'}`;
    const list = shown.get(key);
    if (list) list.push(model);
    else shown.set(key, [model]);
  }
  const add = (models: string, model: string, scenario: Scenario, locale: string, file: string): void => {
    const geometry = PANEL_GEOMETRY[model];
    if (!geometry) return;
    const view = { ...sampleView(scenario, { locale, ...(day ? { day } : {}) }), showClock: printsClock(model) };
    out.push({ file, panel: models, geometry, scenario, locale, view });
  };
  for (const models of shown.values()) {
    const panel = models[0] ?? '';
    for (const scenario of SCENARIOS) add(models.join(', '), panel, scenario, 'en', `${panel}-${scenario}.png`);
  }
  for (const panel of LOCALE_PANELS) {
    for (const locale of LOCALES.filter((l) => l !== 'en')) {
      for (const scenario of LOCALE_SCENARIOS) add(panel, panel, scenario, locale, `${panel}-${locale}-${scenario}.png`);
    }
  }
  return out;
}

export async function writeGallery(outDir: string): Promise<GalleryEntry[]> {
  await mkdir(outDir, { recursive: true });
  const entries: GalleryEntry[] = [];
  for (const p of galleryPictures()) {
    const png = await toPng(await renderView(p.view, p.geometry), { lossy: true });
    await writeFile(join(outDir, p.file), png);
    entries.push({ file: p.file, panel: p.panel, scenario: p.scenario, locale: p.locale, bytes: png.length });
  }
  await writeFile(join(outDir, 'README.md'), readme(entries));
  return entries;
}

function readme(entries: readonly GalleryEntry[]): string {
  const lines = [
    '# Panel gallery',
    '',
    'Every panel model in every sample state, drawn by `edge/render` from the views in',
    '`edge/render/samples.ts` (Tuesday 3 March 2026, 10:05, Europe/Berlin). Regenerate with',
    '`npm run build && node dist/edge/render/gallery-cli.js docs/gallery`.',
    '',
    'The 2.13" panel (epd2in13_V4) is 122x250 portrait; it is drawn landscape at 250x122 and the',
    'agent turns the picture a quarter to the panel\'s own order. E-paper pictures hold only black and white (and red on the',
    'black/white/red 7.5" panel), so they are stored as 1-bit and 2-bit palette PNGs; the',
    'colour screens are stored with a 256-colour palette to keep the folder small.',
    '',
    '| picture | panel models | state | language |',
    '|---|---|---|---|',
  ];
  for (const e of entries) lines.push(`| [${e.file}](${e.file}) | ${e.panel} | ${e.scenario} | ${e.locale} |`);
  lines.push('');
  return lines.join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const out = resolve(process.argv[2] ?? 'docs/gallery');
  writeGallery(out).then(
    (entries) => {
      const total = entries.reduce((n, e) => n + e.bytes, 0);
      console.log(`wrote ${entries.length} pictures (${Math.round(total / 1024)} KiB) and README.md to ${out}`);
    },
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exitCode = 1;
    },
  );
}
