/**
 * The panel models a display can drive, by the name `edge.panel.model` takes. The config schema
 * (server and edge) and the edge's drivers read this one list; each e-paper name has a driver
 * table in edge/hal/epd/models, which the compiler holds to this list.
 */
export const EPD_MODEL_NAMES = ['epd7in5_V2', 'epd7in5b_V2', 'epd4in2', 'epd4in2_V2', 'epd2in13_V4'] as const;
export type EpdModelName = (typeof EPD_MODEL_NAMES)[number];

/** E-paper panels, a Linux framebuffer (an HDMI screen), and the PNG simulator. */
export const PANEL_MODELS = [...EPD_MODEL_NAMES, 'fb', 'png'] as const;
export type PanelModelName = (typeof PANEL_MODELS)[number];
