import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * Panels render text through librsvg + pango, which find fonts through fontconfig. Pointing
 * fontconfig at a file that lists only the bundled DejaVu folder makes every Pi (and every
 * developer machine) draw the same pixels, whatever fonts the system has installed.
 */

/** The family every layout uses; regular and bold come from the bundled TTFs. */
export const FONT_FAMILY = 'DejaVu Sans';

/** The folder holding the bundled DejaVu TTF files. */
export function fontDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
}

export function fontFile(weight: 'regular' | 'bold'): string {
  return join(fontDir(), weight === 'bold' ? 'DejaVuSans-Bold.ttf' : 'DejaVuSans.ttf');
}

let configuredFile: string | null = null;

/**
 * Writes `fonts.conf` into `cacheDir` (default: a doorplate folder in the OS temp dir) and sets
 * FONTCONFIG_FILE. Must run before the first SVG with text is rendered: fontconfig reads the
 * variable once, when pango first asks it for a font. Returns the config file's path; later
 * calls return the first path.
 */
export function configureFonts(cacheDir?: string): string {
  if (configuredFile !== null) return configuredFile;
  const dir = cacheDir ?? join(tmpdir(), `doorplate-fonts-${process.getuid?.() ?? 'u'}`);
  mkdirSync(join(dir, 'cache'), { recursive: true });
  const file = join(dir, 'fonts.conf');
  writeFileSync(file, fontsConf(fontDir(), join(dir, 'cache')));
  process.env.FONTCONFIG_FILE = file;
  configuredFile = file;
  return file;
}

/** A fontconfig file with exactly one font folder; no system config is included. */
export function fontsConf(fontFolder: string, cacheFolder: string): string {
  return [
    '<?xml version="1.0"?>',
    '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
    '<fontconfig>',
    `  <dir>${xmlText(fontFolder)}</dir>`,
    `  <cachedir>${xmlText(cacheFolder)}</cachedir>`,
    // Hinting and antialiasing settings stay pango's defaults; the renderer thresholds anyway.
    '</fontconfig>',
    '',
  ].join('\n');
}

function xmlText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
