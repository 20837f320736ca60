import { readFileSync } from 'node:fs';
import { fontFile } from './fonts.js';

/**
 * Advance widths read straight from the bundled TrueType files (cmap + hmtx), so text fitting
 * agrees with what pango draws. Kerning is left out: DejaVu's kerning pairs mostly pull letters
 * together, so the measured width is an upper bound, which is the safe side for fitting.
 */
export interface FontMetrics {
  readonly unitsPerEm: number;
  /** Advance of one code point in font units (the missing-glyph advance when it has no glyph). */
  advance(codePoint: number): number;
}

export type FontWeight = 'regular' | 'bold';

export const ELLIPSIS = '\u2026';

/** Parses the tables needed for widths; throws naming the file and table when one is missing or bad. */
export function parseFontMetrics(font: Buffer, name = 'font'): FontMetrics {
  const tables = readTableDirectory(font, name);
  const table = (tag: string): { offset: number; length: number } => {
    const t = tables.get(tag);
    if (!t) throw new Error(`${name}: TrueType table '${tag}' is missing`);
    return t;
  };
  const head = table('head');
  const unitsPerEm = font.readUInt16BE(head.offset + 18);
  const numberOfHMetrics = font.readUInt16BE(table('hhea').offset + 34);
  const hmtx = table('hmtx');
  if (numberOfHMetrics === 0 || numberOfHMetrics * 4 > hmtx.length) throw new Error(`${name}: hmtx is shorter than hhea says`);
  const advances = new Uint16Array(numberOfHMetrics);
  for (let i = 0; i < numberOfHMetrics; i++) advances[i] = font.readUInt16BE(hmtx.offset + i * 4);
  const glyphOf = readCmap(font, table('cmap').offset, name);
  // Glyphs past numberOfHMetrics share the last advance (monospaced tail), per the spec.
  const glyphAdvance = (g: number): number => advances[Math.min(g, numberOfHMetrics - 1)] ?? 0;
  const cache = new Map<number, number>();
  return {
    unitsPerEm,
    advance(cp: number): number {
      let a = cache.get(cp);
      if (a === undefined) {
        a = glyphAdvance(glyphOf.get(cp) ?? 0);
        cache.set(cp, a);
      }
      return a;
    },
  };
}

function readTableDirectory(font: Buffer, name: string): Map<string, { offset: number; length: number }> {
  if (font.length < 12) throw new Error(`${name}: too short to be a TrueType font`);
  const version = font.readUInt32BE(0);
  if (version !== 0x00010000 && version !== 0x74727565) throw new Error(`${name}: not a TrueType font (version 0x${version.toString(16)})`);
  const count = font.readUInt16BE(4);
  const out = new Map<string, { offset: number; length: number }>();
  for (let i = 0; i < count; i++) {
    const rec = 12 + i * 16;
    const tag = font.toString('latin1', rec, rec + 4);
    const offset = font.readUInt32BE(rec + 8);
    const length = font.readUInt32BE(rec + 12);
    if (offset + length > font.length) throw new Error(`${name}: table '${tag}' runs past the end of the file`);
    out.set(tag, { offset, length });
  }
  return out;
}

/** Unicode code point -> glyph id, from the Windows Unicode subtable (format 12 preferred, else 4). */
function readCmap(font: Buffer, cmap: number, name: string): Map<number, number> {
  const count = font.readUInt16BE(cmap + 2);
  let format4 = -1;
  let format12 = -1;
  for (let i = 0; i < count; i++) {
    const rec = cmap + 4 + i * 8;
    const platform = font.readUInt16BE(rec);
    const encoding = font.readUInt16BE(rec + 2);
    const sub = cmap + font.readUInt32BE(rec + 4);
    const format = font.readUInt16BE(sub);
    if (platform === 3 && encoding === 10 && format === 12) format12 = sub;
    if (platform === 3 && encoding === 1 && format === 4) format4 = sub;
  }
  if (format12 >= 0) return readFormat12(font, format12);
  if (format4 >= 0) return readFormat4(font, format4);
  throw new Error(`${name}: no Windows Unicode cmap subtable (format 4 or 12)`);
}

function readFormat4(font: Buffer, sub: number): Map<number, number> {
  const map = new Map<number, number>();
  const segCount = font.readUInt16BE(sub + 6) / 2;
  const ends = sub + 14;
  const starts = ends + segCount * 2 + 2;
  const deltas = starts + segCount * 2;
  const rangeOffsets = deltas + segCount * 2;
  for (let s = 0; s < segCount; s++) {
    const end = font.readUInt16BE(ends + s * 2);
    const start = font.readUInt16BE(starts + s * 2);
    const delta = font.readInt16BE(deltas + s * 2);
    const roAt = rangeOffsets + s * 2;
    const ro = font.readUInt16BE(roAt);
    for (let c = start; c <= end && c !== 0xffff; c++) {
      let g: number;
      if (ro === 0) g = (c + delta) & 0xffff;
      else {
        const raw = font.readUInt16BE(roAt + ro + (c - start) * 2);
        g = raw === 0 ? 0 : (raw + delta) & 0xffff;
      }
      if (g !== 0) map.set(c, g);
    }
  }
  return map;
}

function readFormat12(font: Buffer, sub: number): Map<number, number> {
  const map = new Map<number, number>();
  const groups = font.readUInt32BE(sub + 12);
  for (let i = 0; i < groups; i++) {
    const rec = sub + 16 + i * 12;
    const start = font.readUInt32BE(rec);
    const end = font.readUInt32BE(rec + 4);
    const glyph = font.readUInt32BE(rec + 8);
    for (let c = start; c <= end; c++) map.set(c, glyph + (c - start));
  }
  return map;
}

/** Measures and fits text set in the bundled DejaVu Sans / Sans Bold. */
export class TextMeasurer {
  constructor(private readonly fonts: Record<FontWeight, FontMetrics>) {}

  /** Width in pixels of `text` at `size` px. */
  width(text: string, size: number, weight: FontWeight = 'regular'): number {
    const m = this.fonts[weight];
    let units = 0;
    for (const ch of text) units += m.advance(ch.codePointAt(0) ?? 0);
    return (units * size) / m.unitsPerEm;
  }

  /** `text` unchanged when it fits in `maxWidth`, else its longest prefix that fits followed by '…'. */
  ellipsize(text: string, maxWidth: number, size: number, weight: FontWeight = 'regular'): string {
    const clean = oneLine(text);
    if (this.width(clean, size, weight) <= maxWidth) return clean;
    const chars = Array.from(clean);
    const m = this.fonts[weight];
    const scale = size / m.unitsPerEm;
    let budget = maxWidth - this.width(ELLIPSIS, size, weight);
    let n = 0;
    for (; n < chars.length; n++) {
      const w = m.advance(chars[n]?.codePointAt(0) ?? 0) * scale;
      if (w > budget) break;
      budget -= w;
    }
    const head = chars.slice(0, n).join('').trimEnd();
    return head.length === 0 ? (this.width(ELLIPSIS, size, weight) <= maxWidth ? ELLIPSIS : '') : head + ELLIPSIS;
  }

  /**
   * The largest size in [minSize, maxSize] (whole pixels) at which `text` fits on one line;
   * at minSize the text is ellipsized.
   */
  fitSize(text: string, maxWidth: number, maxSize: number, minSize: number, weight: FontWeight = 'regular'): { text: string; size: number } {
    const clean = oneLine(text);
    for (let size = Math.floor(maxSize); size > minSize; size--) {
      if (this.width(clean, size, weight) <= maxWidth) return { text: clean, size };
    }
    return { text: this.ellipsize(clean, maxWidth, minSize, weight), size: minSize };
  }

  /**
   * The first of `forms` (longest first, e.g. a date's long and short forms) that fits whole at
   * a size in [minSize, maxSize], at the largest such size; when none does, the last form
   * ellipsized at minSize.
   */
  fitForms(forms: readonly string[], maxWidth: number, maxSize: number, minSize: number, weight: FontWeight = 'regular'): { text: string; size: number } {
    for (const form of forms) {
      const clean = oneLine(form);
      for (let size = Math.floor(maxSize); size > minSize; size--) {
        if (this.width(clean, size, weight) <= maxWidth) return { text: clean, size };
      }
      if (this.width(clean, minSize, weight) <= maxWidth) return { text: clean, size: minSize };
    }
    return { text: this.ellipsize(forms.at(-1) ?? '', maxWidth, minSize, weight), size: minSize };
  }

  /**
   * Breaks `text` at spaces into at most `maxLines` lines of `maxWidth`; a word too long for a
   * line is cut, and the last line is ellipsized when text remains.
   */
  wrap(text: string, maxWidth: number, size: number, maxLines: number, weight: FontWeight = 'regular'): string[] {
    const words = oneLine(text).split(' ').filter((w) => w.length > 0);
    const lines: string[] = [];
    let i = 0;
    while (i < words.length && lines.length < maxLines) {
      const last = lines.length === maxLines - 1;
      if (last) {
        lines.push(this.ellipsize(words.slice(i).join(' '), maxWidth, size, weight));
        break;
      }
      let line = words[i] ?? '';
      if (this.width(line, size, weight) > maxWidth) {
        // One overlong word: put as much as fits and carry the rest to the next line.
        const cut = this.longestPrefix(line, maxWidth, size, weight);
        lines.push(cut);
        words[i] = line.slice(cut.length);
        continue;
      }
      i++;
      while (i < words.length && this.width(`${line} ${words[i] ?? ''}`, size, weight) <= maxWidth) {
        line = `${line} ${words[i] ?? ''}`;
        i++;
      }
      lines.push(line);
    }
    return lines;
  }

  private longestPrefix(word: string, maxWidth: number, size: number, weight: FontWeight): string {
    const chars = Array.from(word);
    let n = 1;
    while (n < chars.length && this.width(chars.slice(0, n + 1).join(''), size, weight) <= maxWidth) n++;
    return chars.slice(0, n).join('');
  }
}

/** Line breaks and tabs would escape the one-line layout boxes: fold them into spaces. */
function oneLine(text: string): string {
  return text.replace(/[\s\u2028\u2029]+/g, ' ').trim();
}

let shared: TextMeasurer | null = null;

/** The measurer for the bundled fonts, read from disk once per process. */
export function textMeasurer(): TextMeasurer {
  shared ??= new TextMeasurer({
    regular: parseFontMetrics(readFileSync(fontFile('regular')), 'DejaVuSans.ttf'),
    bold: parseFontMetrics(readFileSync(fontFile('bold')), 'DejaVuSans-Bold.ttf'),
  });
  return shared;
}
