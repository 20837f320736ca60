import type { EpdModelName } from '../../../../shared/panel-models.js';
import type { EpdModel } from './model.js';
import { epd2in13_V4 } from './epd2in13_V4.js';
import { epd4in2 } from './epd4in2.js';
import { epd4in2_V2 } from './epd4in2_V2.js';
import { epd7in5_V2 } from './epd7in5_V2.js';
import { epd7in5b_V2 } from './epd7in5b_V2.js';

export const EPD_MODELS: Readonly<Record<EpdModelName, EpdModel>> = Object.freeze({ epd7in5_V2, epd7in5b_V2, epd4in2, epd4in2_V2, epd2in13_V4 });

export function epdModel(name: string): EpdModel {
  const m = Object.hasOwn(EPD_MODELS, name) ? EPD_MODELS[name as EpdModelName] : undefined;
  if (!m) throw new Error(`unknown e-paper model "${name}"; known: ${Object.keys(EPD_MODELS).join(', ')}`);
  return m;
}
