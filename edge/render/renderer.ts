import type SharpDefault from 'sharp';
import type { Raster, PanelColors } from '../hal/types.js';
import { buildContent } from './content.js';
import { configureFonts } from './fonts.js';
import { pickLayout } from './layouts/index.js';
import { textMeasurer } from './metrics.js';
import type { PanelView } from './view.js';
import { statusScreenSvg, type StatusScreen } from './status-screen.js';

/**
 * The one adapter onto sharp (libvips + librsvg). sharp is loaded on first use, after
 * FONTCONFIG_FILE points at the bundled fonts, because fontconfig reads it only once.
 */
type Sharp = typeof SharpDefault;
let sharpModule: Promise<Sharp> | null = null;

function loadSharp(): Promise<Sharp> {
  sharpModule ??= (async () => {
    configureFonts();
    const mod = await import('sharp');
    return mod.default;
  })();
  return sharpModule;
}

/** Rasterizes an SVG of exactly `width` x `height`, flattened on white, as 8-bit RGB. */
export async function renderSvg(svg: string, width: number, height: number): Promise<Raster> {
  const sharp = await loadSharp();
  const { data, info } = await sharp(Buffer.from(svg, 'utf8'))
    .flatten({ background: '#ffffff' })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.width !== width || info.height !== height || info.channels !== 3) {
    throw new Error(`renderSvg: the SVG drew ${info.width}x${info.height}x${info.channels}, expected ${width}x${height}x3`);
  }
  return { width, height, data };
}

/**
 * Encodes a raster as PNG: 1-bit for black/white, a 2-bit palette for black/white/red, else
 * lossless RGB, or a 256-colour palette when `lossy` (small files for docs; not for panels).
 */
export async function toPng(raster: Raster, opts: { lossy?: boolean } = {}): Promise<Buffer> {
  checkRaster(raster);
  const sharp = await loadSharp();
  const img = sharp(raster.data, { raw: { width: raster.width, height: raster.height, channels: 3 } });
  const colours = countColours(raster, 3);
  if (colours === 1 || colours === 2) {
    return img.png({ palette: true, colours: 2, dither: 0, compressionLevel: 9 }).toBuffer();
  }
  if (colours === 3) return img.png({ palette: true, colours: 4, dither: 0, compressionLevel: 9 }).toBuffer();
  if (opts.lossy) return img.png({ palette: true, colours: 256, dither: 0, compressionLevel: 9 }).toBuffer();
  return img.png({ compressionLevel: 9, adaptiveFiltering: true }).toBuffer();
}

/** Draws a panel view for a panel: picks the layout, renders, and reduces to the panel's inks. */
export async function renderView(view: PanelView, panel: { width: number; height: number; colors: PanelColors }): Promise<Raster> {
  const target = { width: panel.width, height: panel.height, colors: panel.colors };
  const layout = pickLayout(target);
  const svg = layout.render(buildContent(view), target, textMeasurer());
  return reduceToInks(await renderSvg(svg, panel.width, panel.height), panel.colors);
}

/** A status screen (waiting for approval, no room) at the panel's size and colours. */
export async function renderStatus(screen: StatusScreen, panel: { width: number; height: number; colors: PanelColors }): Promise<Raster> {
  return reduceToInks(await renderSvg(statusScreenSvg(screen, panel, textMeasurer()), panel.width, panel.height), panel.colors);
}

async function reduceToInks(raster: Raster, colors: PanelColors): Promise<Raster> {
  if (colors === 'bw') return reduceToBwInLibvips(raster);
  if (colors === 'bwr') reduceToBwr(raster);
  return raster;
}

const LUMA: [number, number, number] = [0.299, 0.587, 0.114];

/**
 * reduceToBw done by libvips (off the JavaScript thread): the BT.601 luma of each pixel into
 * all three bands, then 255 where it is at least 128. Pixel-identical to reduceToBw for every
 * one of the 16.7 million RGB colours (the render tests check all of them).
 */
export async function reduceToBwInLibvips(raster: Raster): Promise<Raster> {
  checkRaster(raster);
  const sharp = await loadSharp();
  const { width, height } = raster;
  const raw = { raw: { width, height, channels: 3 as const } };
  // Two pipelines: within one, sharp applies its threshold before recomb.
  const luma = await sharp(raster.data, raw).recomb([LUMA, LUMA, LUMA]).raw().toBuffer();
  const data = await sharp(luma, raw).threshold(128, { grayscale: false }).raw().toBuffer();
  return { width, height, data };
}

/** Every pixel to pure black or white, split at mid-grey luminance (the definition reduceToBwInLibvips follows). */
export function reduceToBw(raster: Raster): void {
  const d = raster.data;
  for (let i = 0; i < d.length; i += 3) {
    const lum = (d[i]! * 299 + d[i + 1]! * 587 + d[i + 2]! * 114) / 1000;
    const v = lum >= 128 ? 255 : 0;
    d[i] = v;
    d[i + 1] = v;
    d[i + 2] = v;
  }
}

/** Every pixel to the nearest of black, white and red (#ff0000). */
export function reduceToBwr(raster: Raster): void {
  const d = raster.data;
  for (let i = 0; i < d.length; i += 3) {
    const r = d[i]!;
    const g = d[i + 1]!;
    const b = d[i + 2]!;
    const toBlack = r * r + g * g + b * b;
    const toWhite = (255 - r) ** 2 + (255 - g) ** 2 + (255 - b) ** 2;
    const toRed = (255 - r) ** 2 + g * g + b * b;
    if (toRed < toBlack && toRed < toWhite) {
      d[i] = 255;
      d[i + 1] = 0;
      d[i + 2] = 0;
    } else {
      const v = toWhite <= toBlack ? 255 : 0;
      d[i] = v;
      d[i + 1] = v;
      d[i + 2] = v;
    }
  }
}

function checkRaster(r: Raster): void {
  if (r.data.length !== r.width * r.height * 3) {
    throw new RangeError(`raster ${r.width}x${r.height}: expected ${r.width * r.height * 3} bytes of RGB, got ${r.data.length}`);
  }
}

/** Distinct colours, counting no further than `limit + 1`. */
function countColours(r: Raster, limit: number): number {
  const seen = new Set<number>();
  const d = r.data;
  for (let i = 0; i < d.length; i += 3) {
    seen.add((d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!);
    if (seen.size > limit) break;
  }
  return seen.size;
}
