import type { PanelColors, Raster } from '../hal/types.js';

export interface PanelGeometry {
  /** The picture the renderer draws. */
  width: number;
  height: number;
  colors: PanelColors;
  /**
   * Set when the controller's own orientation differs from the drawn picture (a portrait
   * e-paper controller, such as the 2.13" panel's 122x250, hangs landscape beside a door):
   * the picture is turned to this size before it reaches the panel.
   */
  native?: { width: number; height: number };
}

/**
 * The picture to draw for a panel of this native size. Door signs hang landscape, so a
 * portrait e-paper controller is drawn landscape and turned; screens (rgb) are drawn as the
 * framebuffer stands, since the screen layout flows to any shape.
 */
export function drawnGeometry(panel: { width: number; height: number; colors: PanelColors }): PanelGeometry {
  if (panel.colors === 'rgb' || panel.height <= panel.width) return { width: panel.width, height: panel.height, colors: panel.colors };
  return { width: panel.height, height: panel.width, colors: panel.colors, native: { width: panel.width, height: panel.height } };
}

/**
 * Turns a drawn landscape picture to the controller's portrait RAM order, the way the panel
 * maker's driver does for a landscape image (a quarter turn counter-clockwise): the drawn
 * picture's left column becomes the bottom row, so the panel reads right when mounted with
 * its connector to the left.
 */
export function toNative(raster: Raster, geometry: PanelGeometry): Raster {
  const native = geometry.native;
  if (!native) return raster;
  if (raster.width !== geometry.width || raster.height !== geometry.height) {
    throw new RangeError(`drawn picture is ${raster.width}x${raster.height}, expected ${geometry.width}x${geometry.height}`);
  }
  const channels = raster.data.length / (raster.width * raster.height);
  if (!Number.isInteger(channels) || channels < 1) throw new RangeError(`picture of ${raster.data.length} bytes is not ${raster.width}x${raster.height} whole pixels`);
  const out = Buffer.alloc(raster.data.length);
  for (let ny = 0; ny < native.height; ny++) {
    const x = raster.width - 1 - ny;
    for (let nx = 0; nx < native.width; nx++) {
      const from = (nx * raster.width + x) * channels;
      raster.data.copy(out, (ny * native.width + nx) * channels, from, from + channels);
    }
  }
  return { width: native.width, height: native.height, data: out };
}
