// Minimal TrueType reader + glyph subsetter (glyf/loca fonts): metrics, cmap lookup, and a subset font for FontFile2.
// Replaces @pdf-lib/fontkit on the signing path: fontkit's module alone costs ~30 MB of RSS, this costs the font file.

/** Composite glyph component flags (OpenType glyf table). */
const ARG_1_AND_2_ARE_WORDS = 0x0001;
const WE_HAVE_A_SCALE = 0x0008;
const MORE_COMPONENTS = 0x0020;
const WE_HAVE_AN_X_AND_Y_SCALE = 0x0040;
const WE_HAVE_A_TWO_BY_TWO = 0x0080;

/** Tables the subset keeps: outlines, metrics and hinting programs (what a PDF FontFile2 needs; no cmap/name). */
const KEPT = ['cvt ', 'fpgm', 'glyf', 'head', 'hhea', 'hmtx', 'loca', 'maxp', 'prep'];

export class TrueTypeFont {
  readonly unitsPerEm: number;
  readonly ascent: number;
  readonly descent: number;
  readonly capHeight: number;
  readonly bbox: { minX: number; minY: number; maxX: number; maxY: number };
  readonly numGlyphs: number;
  private readonly tables = new Map<string, Uint8Array>();
  private readonly view: DataView;
  private readonly longLoca: boolean;
  private readonly numHMetrics: number;
  private readonly cmapLookup: (cp: number) => number;

  constructor(readonly data: Uint8Array) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const n = this.view.getUint16(4);
    for (let i = 0; i < n; i++) {
      const rec = 12 + 16 * i;
      const tag = String.fromCharCode(...data.subarray(rec, rec + 4));
      const off = this.view.getUint32(rec + 8), len = this.view.getUint32(rec + 12);
      if (off + len > data.length) throw new Error(`font table ${tag} out of bounds`);
      this.tables.set(tag, data.subarray(off, off + len));
    }
    const head = this.dv('head'), hhea = this.dv('hhea');
    this.unitsPerEm = head.getUint16(18);
    this.bbox = { minX: head.getInt16(36), minY: head.getInt16(38), maxX: head.getInt16(40), maxY: head.getInt16(42) };
    this.longLoca = head.getInt16(50) === 1;
    this.ascent = hhea.getInt16(4);
    this.descent = hhea.getInt16(6);
    this.numHMetrics = hhea.getUint16(34);
    this.numGlyphs = this.dv('maxp').getUint16(4);
    const os2 = this.tables.get('OS/2');
    const os2v = os2 ? this.dv('OS/2') : undefined;
    this.capHeight = os2v && os2v.getUint16(0) >= 2 && os2!.length >= 90 ? os2v.getInt16(88) : this.ascent;
    this.cmapLookup = this.readCmap();
  }

  private table(tag: string): Uint8Array {
    const t = this.tables.get(tag);
    if (!t) throw new Error(`font has no ${tag} table`);
    return t;
  }

  private dv(tag: string): DataView {
    const t = this.table(tag);
    return new DataView(t.buffer, t.byteOffset, t.byteLength);
  }

  /** Glyph id for a Unicode code point; 0 (.notdef) when the font lacks it. */
  glyphId(cp: number): number {
    return this.cmapLookup(cp);
  }

  /** Advance width in font units. */
  advanceWidth(gid: number): number {
    const i = Math.min(gid, this.numHMetrics - 1);
    return this.dv('hmtx').getUint16(4 * i);
  }

  private leftSideBearing(gid: number): number {
    const hmtx = this.dv('hmtx');
    return gid < this.numHMetrics ? hmtx.getInt16(4 * gid + 2) : hmtx.getInt16(4 * this.numHMetrics + 2 * (gid - this.numHMetrics));
  }

  /** The glyf bytes of one glyph (empty for a glyph without outline). */
  glyphData(gid: number): Uint8Array {
    if (gid < 0 || gid >= this.numGlyphs) return new Uint8Array(0);
    const loca = this.dv('loca');
    const [a, b] = this.longLoca ? [loca.getUint32(4 * gid), loca.getUint32(4 * gid + 4)] : [loca.getUint16(2 * gid) * 2, loca.getUint16(2 * gid + 2) * 2];
    return this.table('glyf').subarray(a, Math.max(a, b));
  }

  /** cmap: (3,10) format 12 if present, else a format 4 Unicode BMP subtable. */
  private readCmap(): (cp: number) => number {
    const cmap = this.dv('cmap');
    const n = cmap.getUint16(2);
    let f4: number | undefined, f12: number | undefined;
    for (let i = 0; i < n; i++) {
      const pid = cmap.getUint16(4 + 8 * i), eid = cmap.getUint16(6 + 8 * i), off = cmap.getUint32(8 + 8 * i);
      const format = cmap.getUint16(off);
      const unicode = pid === 0 || (pid === 3 && (eid === 1 || eid === 10));
      if (unicode && format === 12) f12 ??= off;
      if (unicode && format === 4) f4 ??= off;
    }
    if (f12 !== undefined) {
      const base = f12, groups = cmap.getUint32(base + 12);
      return (cp) => {
        let lo = 0, hi = groups - 1;
        while (lo <= hi) {
          const mid = (lo + hi) >> 1, g = base + 16 + 12 * mid;
          const start = cmap.getUint32(g), end = cmap.getUint32(g + 4);
          if (cp < start) hi = mid - 1;
          else if (cp > end) lo = mid + 1;
          else return cmap.getUint32(g + 8) + (cp - start);
        }
        return 0;
      };
    }
    if (f4 === undefined) throw new Error('font has no Unicode cmap');
    const base = f4, segX2 = cmap.getUint16(base + 6);
    const ends = base + 14, starts = ends + segX2 + 2, deltas = starts + segX2, ranges = deltas + segX2;
    return (cp) => {
      if (cp > 0xffff) return 0;
      for (let s = 0; s < segX2; s += 2) {
        if (cmap.getUint16(ends + s) < cp) continue;
        const start = cmap.getUint16(starts + s);
        if (cp < start) return 0;
        const delta = cmap.getInt16(deltas + s), ro = cmap.getUint16(ranges + s);
        if (ro === 0) return (cp + delta) & 0xffff;
        const g = cmap.getUint16(ranges + s + ro + 2 * (cp - start));
        return g === 0 ? 0 : (g + delta) & 0xffff;
      }
      return 0;
    };
  }

  /** A subset builder; glyph 0 (.notdef) is always new glyph 0. */
  createSubset(): TrueTypeSubset {
    return new TrueTypeSubset(this);
  }

  /** Internal for the subset writer. */
  metricsOf(gid: number): [number, number] {
    return [this.advanceWidth(gid), this.leftSideBearing(gid)];
  }

  /** Internal for the subset writer. */
  rawTable(tag: string): Uint8Array | undefined {
    return this.tables.get(tag);
  }
}

export class TrueTypeSubset {
  private readonly order: number[] = [];
  private readonly newId = new Map<number, number>();

  constructor(private readonly font: TrueTypeFont) {
    this.includeGlyph(0);
  }

  /** Adds a glyph; returns its id in the subset (the CID, with CIDToGIDMap /Identity). */
  includeGlyph(gid: number): number {
    let id = this.newId.get(gid);
    if (id === undefined) {
      id = this.order.length;
      this.order.push(gid);
      this.newId.set(gid, id);
    }
    return id;
  }

  /** The subset font file. Composite glyphs pull in their components (appended, ids rewritten). */
  encode(): Uint8Array {
    const glyphs: Uint8Array[] = [];
    for (let i = 0; i < this.order.length; i++) {
      const src = this.font.glyphData(this.order[i]!);
      const g = new Uint8Array(src.length + ((4 - (src.length % 4)) % 4));
      g.set(src);
      if (src.length >= 10 && new DataView(g.buffer).getInt16(0) < 0) this.remapComponents(g);
      glyphs.push(g);
    }
    const count = this.order.length;
    const glyfLen = glyphs.reduce((s, g) => s + g.length, 0);
    const glyf = new Uint8Array(glyfLen);
    const loca = new DataView(new ArrayBuffer(4 * (count + 1)));
    let p = 0;
    glyphs.forEach((g, i) => { loca.setUint32(4 * i, p); glyf.set(g, p); p += g.length; });
    loca.setUint32(4 * count, p);
    const hmtx = new DataView(new ArrayBuffer(4 * count));
    this.order.forEach((gid, i) => { const [aw, lsb] = this.font.metricsOf(gid); hmtx.setUint16(4 * i, aw); hmtx.setInt16(4 * i + 2, lsb); });
    const copy = (tag: string): Uint8Array => Uint8Array.from(this.font.rawTable(tag)!);
    const head = copy('head'), hhea = copy('hhea'), maxp = copy('maxp');
    new DataView(head.buffer).setUint32(8, 0);
    new DataView(head.buffer).setInt16(50, 1);
    new DataView(hhea.buffer).setUint16(34, count);
    new DataView(maxp.buffer).setUint16(4, count);
    const tables = new Map<string, Uint8Array>([
      ['glyf', glyf], ['head', head], ['hhea', hhea], ['hmtx', new Uint8Array(hmtx.buffer)], ['loca', new Uint8Array(loca.buffer)], ['maxp', maxp],
    ]);
    for (const tag of ['cvt ', 'fpgm', 'prep']) { const t = this.font.rawTable(tag); if (t) tables.set(tag, t); }
    return writeFont(KEPT.filter((t) => tables.has(t)).map((t) => [t, tables.get(t)!]));
  }

  private remapComponents(g: Uint8Array): void {
    const v = new DataView(g.buffer, g.byteOffset, g.byteLength);
    let p = 10;
    for (;;) {
      const flags = v.getUint16(p);
      v.setUint16(p + 2, this.includeGlyph(v.getUint16(p + 2)));
      p += 4 + (flags & ARG_1_AND_2_ARE_WORDS ? 4 : 2);
      if (flags & WE_HAVE_A_SCALE) p += 2;
      else if (flags & WE_HAVE_AN_X_AND_Y_SCALE) p += 4;
      else if (flags & WE_HAVE_A_TWO_BY_TWO) p += 8;
      if (!(flags & MORE_COMPONENTS)) break;
    }
  }
}

function checksum(b: Uint8Array): number {
  let sum = 0;
  const padded = b.length % 4 ? Uint8Array.from([...b, 0, 0, 0].slice(0, b.length + 4 - (b.length % 4))) : b;
  const v = new DataView(padded.buffer, padded.byteOffset, padded.byteLength);
  for (let i = 0; i < padded.length; i += 4) sum = (sum + v.getUint32(i)) >>> 0;
  return sum;
}

/** sfnt container: offset table, sorted table records, 4-byte aligned tables, head.checkSumAdjustment fixed up. */
function writeFont(tables: Array<[string, Uint8Array]>): Uint8Array {
  const n = tables.length;
  let es = 0;
  while (2 ** (es + 1) <= n) es++;
  const headerLen = 12 + 16 * n;
  const total = tables.reduce((s, [, t]) => s + t.length + ((4 - (t.length % 4)) % 4), headerLen);
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  v.setUint32(0, 0x00010000);
  v.setUint16(4, n);
  v.setUint16(6, 16 * 2 ** es);
  v.setUint16(8, es);
  v.setUint16(10, 16 * n - 16 * 2 ** es);
  let off = headerLen;
  let headOff = -1;
  tables.forEach(([tag, t], i) => {
    const rec = 12 + 16 * i;
    for (let k = 0; k < 4; k++) out[rec + k] = tag.charCodeAt(k);
    v.setUint32(rec + 4, checksum(t));
    v.setUint32(rec + 8, off);
    v.setUint32(rec + 12, t.length);
    out.set(t, off);
    if (tag === 'head') headOff = off;
    off += t.length + ((4 - (t.length % 4)) % 4);
  });
  if (headOff >= 0) v.setUint32(headOff + 8, (0xb1b0afba - checksum(out)) >>> 0);
  return out;
}
