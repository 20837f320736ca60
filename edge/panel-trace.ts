import { packMono } from './render/pack.js';
import { loadRaster } from './hal/epd/image-loader.js';
import { RecordingEpdBinding } from './hal/epd/recording-binding.js';
import { EPD_SCENARIOS, runEpdScenario, type EpdScenario } from './hal/epd/scenario.js';
import { checkRasterSize, frameFromRaster, type EpdFrame } from './hal/epd/frame.js';
import { epdModel } from './hal/epd/models/index.js';
import type { EpdModel } from './hal/epd/models/model.js';
import type { Raster } from './hal/types.js';

export interface PanelTraceRequest {
  model: string;
  scenario: EpdScenario;
  /** The picture (path); the first one of a partial refresh. */
  image: string;
  /** The second picture of a partial refresh. */
  image2?: string;
  /** 3-colour panels: a picture whose black pixels are red ink (the maker's red image). */
  red?: string;
}

/**
 * What the driver sends to a panel for given pictures, in the golden trace format, made by
 * the real driver over a recording binding: the way to check a model against the maker's
 * driver for any picture.
 */
export async function panelTrace(req: PanelTraceRequest): Promise<string> {
  const model = epdModel(req.model);
  if (!EPD_SCENARIOS.includes(req.scenario)) throw new Error(`unknown scenario "${String(req.scenario)}"; known: ${EPD_SCENARIOS.join(', ')}`);
  if (req.scenario === 'partial' && !req.image2) throw new Error('the partial scenario needs a second picture (image2)');
  if (req.red && model.colors !== 'bwr') throw new Error(`panel ${model.name} has no red ink; drop the red picture`);
  const first = await loadFrame(model, req.image, req.red);
  const second = req.image2 ? await loadFrame(model, req.image2, undefined) : undefined;
  return traceFrames(model, req.scenario, first, second);
}

async function traceFrames(model: EpdModel, scenario: EpdScenario, first: EpdFrame, second: EpdFrame | undefined): Promise<string> {
  const binding = new RecordingEpdBinding(model.busyLevel === 1 ? 0 : 1);
  await runEpdScenario(second ? { model, binding, scenario, first, second } : { model, binding, scenario, first });
  return binding.trace();
}

async function loadFrame(model: EpdModel, path: string, redPath: string | undefined): Promise<EpdFrame> {
  const raster = await loadRaster(path);
  sizeOf(model, raster, path);
  if (!redPath) return frameOf(model, raster, undefined);
  const red = await loadRaster(redPath);
  sizeOf(model, red, redPath);
  return frameOf(model, raster, red);
}

function sizeOf(model: EpdModel, raster: Raster, path: string): void {
  try {
    checkRasterSize(model, raster);
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`, { cause: e });
  }
}

function frameOf(model: EpdModel, raster: Raster, red: Raster | undefined): EpdFrame {
  checkRasterSize(model, raster);
  if (!red) return frameFromRaster(model, raster);
  checkRasterSize(model, red);
  return { black: packMono(raster, { oneIsBlack: true }), red: packMono(red, { oneIsBlack: true }) };
}
