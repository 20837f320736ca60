import type { EpdBinding, EpdPins } from './binding.js';
import { EpdBus } from './bus.js';
import { planeBytes, type EpdFrame } from './frame.js';
import type { EpdModel, EpdStep } from './models/model.js';

/** Runs a model's step sequences on the bus: the one place that turns a table into bytes. */
export class EpdController {
  readonly bus: EpdBus;

  constructor(
    readonly model: EpdModel,
    binding: EpdBinding,
    pins: EpdPins,
  ) {
    this.bus = new EpdBus(binding, pins, model.name);
  }

  async run(steps: readonly EpdStep[], frames: { new?: EpdFrame; old?: EpdFrame } = {}): Promise<void> {
    const { bus, model } = this;
    for (const step of steps) {
      switch (step.kind) {
        case 'cmd':
          await bus.command(step.cmd);
          if (step.data.length > 0) await bus.data(step.data);
          break;
        case 'delay':
          await bus.delay(step.ms);
          break;
        case 'busy': {
          const wait = { busyLevel: model.busyLevel, settleMs: model.busySettleMs, timeoutMs: model.busyTimeoutMs };
          await bus.waitIdle(model.pollCommand === undefined ? wait : { ...wait, pollCommand: model.pollCommand });
          break;
        }
        case 'reset':
          await bus.reset(model.reset);
          break;
        case 'rst':
          bus.setRst(step.level);
          break;
        case 'reopen':
          await bus.open();
          break;
        case 'close':
          await bus.close();
          break;
        case 'plane': {
          const frame = frames[step.frame];
          if (!frame) throw new Error(`panel ${model.name}: the sequence needs the ${step.frame} frame and none was given`);
          await bus.data(planeBytes(model, frame, step.plane, step.one));
          break;
        }
        case 'fill':
          await bus.data(Buffer.alloc(step.bytes, step.value));
          break;
      }
    }
  }
}
