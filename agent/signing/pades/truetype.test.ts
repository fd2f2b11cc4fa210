// The TrueType reader/subsetter checked against @pdf-lib/fontkit as an independent oracle on DejaVu Sans.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { describe, expect, it } from 'vitest';
import { TrueTypeFont } from './truetype.js';

const require = createRequire(import.meta.url);
const bytes = readFileSync(join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf', 'DejaVuSans.ttf'));
const ours = new TrueTypeFont(bytes);
const oracle = fontkit.create(bytes);

const VIETNAMESE = 'AĂÂBCDĐEÊGHIKLMNOÔƠPQRSTUƯVXYaăâbcdđeêghiklmnoôơpqrstuưvxy'
  + 'àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ'
  + 'ÀÁẢÃẠẰẮẲẴẶẦẤẨẪẬÈÉẺẼẸỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌỒỐỔỖỘỜỚỞỠỢÙÚỦŨỤỪỨỬỮỰỲÝỶỸỴ 0123456789:/.,()-';
const codePoints = [...VIETNAMESE].map((c) => c.codePointAt(0)!);

describe('TrueTypeFont', () => {
  it('metrics_matchFontkit', () => {
    expect(ours.unitsPerEm).toBe(oracle.unitsPerEm);
    expect(ours.ascent).toBe(oracle.ascent);
    expect(ours.descent).toBe(oracle.descent);
    // DejaVu's OS/2 is version 1 (no sCapHeight): both fall back to the ascent, as font.ts did with fontkit.
    expect(ours.capHeight).toBe(oracle.capHeight || oracle.ascent);
    expect(ours.bbox).toEqual({ minX: oracle.bbox.minX, minY: oracle.bbox.minY, maxX: oracle.bbox.maxX, maxY: oracle.bbox.maxY });
    expect(ours.numGlyphs).toBe(oracle.numGlyphs);
  });

  it('glyphIdAndAdvance_vietnameseAndMissing_matchFontkit', () => {
    for (const cp of [...codePoints, 0x4e2d /* CJK: not in DejaVu Sans */, 0x1f600]) {
      const g = oracle.glyphForCodePoint(cp);
      expect(ours.glyphId(cp), `U+${cp.toString(16)}`).toBe(g.id);
      expect(ours.advanceWidth(ours.glyphId(cp))).toBe(g.advanceWidth);
    }
    expect(ours.glyphId(0x4e2d)).toBe(0);
  });

  it('subset_vietnameseText_fontkitReadsSameOutlinesAndWidths', () => {
    const subset = ours.createSubset();
    const ids = codePoints.map((cp) => subset.includeGlyph(ours.glyphId(cp)));
    const encoded = subset.encode();
    expect(encoded.length).toBeLessThan(bytes.length / 4);
    const back = fontkit.create(Buffer.from(encoded));
    codePoints.forEach((cp, i) => {
      const want = oracle.glyphForCodePoint(cp);
      const got = back.getGlyph(ids[i]!);
      // Composite glyphs (most precomposed Vietnamese letters) resolve through remapped component ids.
      expect(got.path.toSVG(), String.fromCodePoint(cp)).toBe(want.path.toSVG());
      expect(got.advanceWidth).toBe(want.advanceWidth);
    });
  });
});
