import type { EpdBinding, EpdPins } from './binding.js';
import { EpdPanel } from './driver.js';
import type { EpdFrame } from './frame.js';
import type { EpdModel } from './models/model.js';

export type EpdScenario = 'full' | 'partial' | 'clear' | 'fast';

export const EPD_SCENARIOS: readonly EpdScenario[] = ['full', 'partial', 'clear', 'fast'];

/** Which scenarios a model has (the maker's driver offers no fast or partial mode on some). */
export function scenariosOf(model: EpdModel): EpdScenario[] {
  return EPD_SCENARIOS.filter((s) => (s === 'fast' ? model.fast : s === 'partial' ? model.partial : true));
}

/**
 * Runs one of the maker's scenarios through the real driver, as the golden traces were
 * made: `full`, `clear` and `fast` are one panel refresh each; `partial` is init, the base
 * picture, then a partial refresh to the second picture without sleeping in between.
 */
export async function runEpdScenario(opts: {
  model: EpdModel;
  binding: EpdBinding;
  pins?: EpdPins;
  scenario: EpdScenario;
  first?: EpdFrame;
  second?: EpdFrame;
}): Promise<void> {
  const { model, scenario } = opts;
  if (!scenariosOf(model).includes(scenario)) throw new Error(`panel ${model.name} has no ${scenario} refresh`);
  const panel = new EpdPanel(opts.pins ? { model, binding: opts.binding, pins: opts.pins } : { model, binding: opts.binding });
  const need = (f: EpdFrame | undefined, what: string): EpdFrame => {
    if (!f) throw new Error(`the ${scenario} scenario needs ${what}`);
    return f;
  };
  await panel.open();
  try {
    if (scenario === 'clear') await panel.clear();
    else if (scenario === 'full' || scenario === 'fast') await panel.showFrame(need(opts.first, 'a picture'), scenario);
    else {
      const first = need(opts.first, 'a first picture');
      const second = need(opts.second, 'a second picture');
      const partial = model.partial!;
      const ctl = panel.controller;
      await ctl.run(model.init);
      await ctl.run(model.displayBase ?? model.display, { new: first });
      if (partial.init) await ctl.run(partial.init);
      await ctl.run(partial.display, { new: second, old: first });
      await ctl.run(model.sleep);
    }
  } finally {
    await panel.close();
  }
}
