// DejaVu Sans embedded as a subset Type0/CIDFontType2 font (Identity-H) with /W widths and a ToUnicode CMap.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { name, PdfDict, PdfString, type PdfRef } from './pdf-objects.js';
import { TrueTypeFont } from './truetype.js';
import { flateStream, type IncrementalWriter } from './writer.js';

let cached: TrueTypeFont | undefined;

/**
 * DejaVu Sans from the dejavu-fonts-ttf package: it has every Vietnamese precomposed letter. Read on the first
 * visible signature with text only (invisible and image-only signatures never touch it), then kept (~740 KB).
 */
function loadFont(): TrueTypeFont {
  if (!cached) {
    const require = createRequire(import.meta.url);
    const dir = dirname(require.resolve('dejavu-fonts-ttf/package.json'));
    cached = new TrueTypeFont(readFileSync(join(dir, 'ttf', 'DejaVuSans.ttf')));
  }
  return cached;
}

/** What the appearance needs to lay out and show text in the embedded font. */
export interface FontUse {
  /** Width of `text` at font size 1 (points). */
  width(text: string): number;
  /** Hex string operand for Tj (2-byte CIDs). */
  encode(text: string): string;
  /** Ascent/descent at size 1. */
  ascent: number;
  descent: number;
}

/** Code points of a string after NFC (Vietnamese input often arrives decomposed). */
const codePoints = (s: string): number[] => [...s.normalize('NFC')].map((c) => c.codePointAt(0)!);

/** Embeds a subset with the glyphs `texts` need, returning the Type0 font reference and its encoder. */
export function embedFont(w: IncrementalWriter, texts: string[]): { ref: PdfRef; use: FontUse } {
  const font = loadFont();
  const scale = 1000 / font.unitsPerEm;
  const subset = font.createSubset();
  const byCp = new Map<number, { cid: number; width: number }>();
  for (const t of texts) {
    for (const cp of codePoints(t)) {
      if (byCp.has(cp)) continue;
      const g = font.glyphId(cp);
      byCp.set(cp, { cid: subset.includeGlyph(g), width: Math.round(font.advanceWidth(g) * scale) });
    }
  }
  const bytes = subset.encode();

  const entries = [...byCp.entries()].sort((a, b) => a[1].cid - b[1].cid);
  const tag = createHash('sha256').update(entries.map(([cp]) => cp).join(',')).digest()
    .subarray(0, 6).reduce((s, b) => s + String.fromCharCode(65 + (b % 26)), '');
  const baseFont = `${tag}+DejaVuSans`;

  const fileRef = w.allocate();
  w.put(fileRef, flateStream(new PdfDict([['Length1', bytes.length]]), bytes));
  const bb = font.bbox;
  const descRef = w.allocate();
  w.put(descRef, new PdfDict([
    ['Type', name('FontDescriptor')], ['FontName', name(baseFont)], ['Flags', 4],
    ['FontBBox', [bb.minX, bb.minY, bb.maxX, bb.maxY].map((v) => Math.round(v * scale))],
    ['ItalicAngle', 0], ['Ascent', Math.round(font.ascent * scale)], ['Descent', Math.round(font.descent * scale)],
    ['CapHeight', Math.round((font.capHeight || font.ascent) * scale)], ['StemV', 80], ['FontFile2', fileRef],
  ]));
  const widths = entries.flatMap(([, e]) => [e.cid, [e.width]]);
  const cidRef = w.allocate();
  w.put(cidRef, new PdfDict([
    ['Type', name('Font')], ['Subtype', name('CIDFontType2')], ['BaseFont', name(baseFont)],
    ['CIDSystemInfo', new PdfDict([['Registry', new PdfString(Buffer.from('Adobe'))], ['Ordering', new PdfString(Buffer.from('Identity'))], ['Supplement', 0]])],
    ['FontDescriptor', descRef], ['W', widths], ['DW', 1000], ['CIDToGIDMap', name('Identity')],
  ]));
  const toUniRef = w.allocate();
  w.put(toUniRef, flateStream(new PdfDict(), Buffer.from(toUnicodeCMap(entries.map(([cp, e]) => [e.cid, cp])), 'latin1')));
  const ref = w.allocate();
  w.put(ref, new PdfDict([
    ['Type', name('Font')], ['Subtype', name('Type0')], ['BaseFont', name(baseFont)], ['Encoding', name('Identity-H')],
    ['DescendantFonts', [cidRef]], ['ToUnicode', toUniRef],
  ]));

  const use: FontUse = {
    width: (text) => codePoints(text).reduce((s, cp) => s + (byCp.get(cp)?.width ?? 0), 0) / 1000,
    encode: (text) => codePoints(text).map((cp) => (byCp.get(cp)?.cid ?? 0).toString(16).padStart(4, '0')).join(''),
    ascent: font.ascent / font.unitsPerEm,
    descent: font.descent / font.unitsPerEm,
  };
  return { ref, use };
}

function utf16Hex(cp: number): string {
  return Buffer.from(String.fromCodePoint(cp), 'utf16le').swap16().toString('hex');
}

/** A ToUnicode CMap mapping each CID to its Unicode text, so text extraction (pdftotext, search) works. */
function toUnicodeCMap(pairs: Array<[number, number]>): string {
  const lines: string[] = [];
  for (let i = 0; i < pairs.length; i += 100) {
    const chunk = pairs.slice(i, i + 100);
    lines.push(`${chunk.length} beginbfchar`);
    for (const [cid, cp] of chunk) lines.push(`<${cid.toString(16).padStart(4, '0')}> <${utf16Hex(cp)}>`);
    lines.push('endbfchar');
  }
  return [
    '/CIDInit /ProcSet findresource begin', '12 dict begin', 'begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def', '/CMapType 2 def',
    '1 begincodespacerange', '<0000> <FFFF>', 'endcodespacerange',
    ...lines,
    'endcmap', 'CMapName currentdict /CMap defineresource pop', 'end', 'end',
  ].join('\n');
}
