import { panelTrace } from '../../edge/panel-trace.js';
import type { EpdScenario } from '../../edge/hal/epd/scenario.js';
import { parse, UsageError } from '../args.js';

/** `doorplate panel trace`: the bytes the driver sends, in the golden trace format. */
export async function panelTraceCommand(argv: string[], out: NodeJS.WritableStream): Promise<number> {
  const { values } = parse(argv, {
    model: { type: 'string' },
    scenario: { type: 'string' },
    image: { type: 'string' },
    image2: { type: 'string' },
    red: { type: 'string' },
  });
  if (!values.model || !values.scenario || !values.image) throw new UsageError('panel trace needs --model MODEL --scenario full|partial|clear|fast --image A.png');
  out.write(await panelTrace({ model: values.model, scenario: values.scenario as EpdScenario, image: values.image, image2: values.image2, red: values.red }));
  return 0;
}
