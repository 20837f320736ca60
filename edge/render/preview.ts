import * as z from 'zod';
import { AgendaEventSchema } from '../../shared/model/event.js';
import { RoomStateSchema } from '../../shared/model/room-state.js';
import { renderView, toPng } from './renderer.js';
import { EPD_MODELS, epdModel } from '../hal/epd/models/index.js';
import { drawnGeometry, type PanelGeometry } from './orientation.js';
import type { PanelView } from './view.js';

export type { PanelGeometry } from './orientation.js';

/** Every panel model `doorplate preview --panel` knows, with the picture drawn for it. */
export const PANEL_GEOMETRY: Readonly<Record<string, PanelGeometry>> = Object.freeze({
  ...Object.fromEntries(Object.values(EPD_MODELS).map((m) => [m.name, drawnGeometry(m)])),
  'hdmi-800x480': { width: 800, height: 480, colors: 'rgb' },
  'hdmi-1280x720': { width: 1280, height: 720, colors: 'rgb' },
  'hdmi-1920x1080': { width: 1920, height: 1080, colors: 'rgb' },
  png: { width: 800, height: 480, colors: 'bw' },
});

/**
 * Whether a model's agent prints the time of day: only panels redrawn cheaply every minute
 * (partial refresh, or a screen) keep it right.
 */
export function printsClock(model: string): boolean {
  return model.startsWith('epd') ? epdModel(model).partial !== undefined : true;
}

export function panelGeometry(model: string): PanelGeometry {
  const g = Object.hasOwn(PANEL_GEOMETRY, model) ? PANEL_GEOMETRY[model] : undefined;
  if (!g) throw new RangeError(`panel model '${model}' is unknown; known: ${Object.keys(PANEL_GEOMETRY).join(', ')}`);
  return g;
}

export interface PreviewOptions {
  panelModel: string;
  /** A RoomState as published on `rooms/{room}/state` (validated here). */
  state: unknown;
  /** The agenda's events, or a whole agenda payload `{events: [...]}`. */
  agenda?: unknown;
  roomName?: string;
  locale?: string;
  timeZone?: string;
  /** Epoch ms printed as the time; the current time by default. */
  now?: number;
  offline?: boolean;
  notice?: { message: string; from: string } | string | null;
}

const AgendaInput = z.union([z.array(AgendaEventSchema), z.object({ events: z.array(AgendaEventSchema) }).transform((a) => a.events)]);

/** Renders one panel picture as PNG, for `doorplate preview --panel MODEL --state STATE.json --out X.png`. */
export async function preview(opts: PreviewOptions): Promise<Buffer> {
  const geometry = panelGeometry(opts.panelModel);
  const state = RoomStateSchema.safeParse(opts.state);
  if (!state.success) throw new Error(`state: ${describe(state.error)}`);
  const agenda = AgendaInput.safeParse(opts.agenda ?? []);
  if (!agenda.success) throw new Error(`agenda: ${describe(agenda.error)}`);
  const notice = typeof opts.notice === 'string' ? { message: opts.notice, from: '' } : (opts.notice ?? null);
  const view: PanelView = {
    roomName: opts.roomName ?? state.data.room,
    state: state.data,
    agenda: agenda.data,
    now: opts.now ?? Date.now(),
    timeZone: opts.timeZone ?? 'UTC',
    locale: opts.locale ?? 'en',
    offline: opts.offline ?? false,
    notice,
    pending: null,
    error: null,
    showClock: printsClock(opts.panelModel),
  };
  const raster = await renderView(view, geometry);
  return toPng(raster);
}

function describe(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}
