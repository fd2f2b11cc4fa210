// A parsed PDF file: the xref chain (tables, streams, hybrid, incremental updates), object lookup incl. object streams.
import { AgentError } from '../../core/errors.js';
import { mapStrings, PdfCrypt } from './crypt.js';
import { DecodeBudget, decodeStream, FilterError } from './filters.js';
import { Lexer, PdfSyntaxError, lastIndexOf } from './lexer.js';
import { scanObjects } from './repair.js';
import { PdfDict, PdfName, PdfRef, PdfStream, PdfString, type PdfObject } from './pdf-objects.js';

export type XrefEntry =
  | { type: 0 }
  | { type: 1; offset: number; gen: number }
  | { type: 2; stream: number; index: number };

/** Limits against hostile files. */
const MAX_XREF_SECTIONS = 10_000;
const MAX_OBJECT_NUMBER = 10_000_000;
/** Nested lookups (object → its /Length → object stream → …): real files need a handful. */
const MAX_RESOLVE_DEPTH = 64;

/** Builds the DOCUMENT_INVALID error with a bilingual message and the why in data.detail. */
export function invalid(detail: string): AgentError {
  return new AgentError('DOCUMENT_INVALID', `Tệp PDF không hợp lệ / invalid PDF: ${detail}`, { detail });
}

interface ObjStm {
  data: Uint8Array;
  first: number;
  offsets: number[];
  nums: number[];
  /** Object number → position, built on the first lookup whose /Index hint is wrong (avoids indexOf per object). */
  byNum?: Map<number, number>;
}

const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0;

export class PdfFile {
  /** Offset the last `startxref` points to (the /Prev of our update). */
  readonly startxref: number;
  /** Whether the newest xref section is a stream (our update then writes a stream too). */
  readonly lastXrefIsStream: boolean;
  /** Newest trailer (for an xref stream: its dictionary). */
  readonly trailer: PdfDict;
  /** Largest /Size across the chain. */
  readonly size: number;
  /** PDF header version, e.g. "1.7". */
  readonly version: string;
  /** The standard security handler when the file is encrypted (opened with the empty user password). */
  readonly crypt: PdfCrypt | undefined;
  /** Number of the /Encrypt dictionary's object: never decrypted itself. */
  private encryptNum = -1;
  private readonly entries = new Map<number, XrefEntry>();
  private readonly cache = new Map<number, PdfObject>();
  private readonly objStms = new Map<number, ObjStm>();
  /** Objects that failed to parse: asked again (e.g. as many streams' /Length) they fail at once, not re-parsed. */
  private readonly failed = new Map<number, unknown>();
  private readonly resolving = new Set<number>();
  /** Count of context-dependent refusals so far (see getObject). */
  private contextual = 0;
  /** XRefStm offsets already read (many hybrid sections may name the same stream). */
  private readonly xrefStms = new Set<number>();
  /** What this file may still inflate, over all its streams (H2). */
  private readonly budget: DecodeBudget;

  /** Why what is read is a repaired copy (header offset, rebuilt cross-reference data); undefined for a sound file. */
  repaired: string | undefined;
  /** The object table was rebuilt by scanning: the file must be written out whole before an update is added. */
  readonly rebuilt: boolean;

  private constructor(readonly buf: Uint8Array, scan?: string) {
    this.budget = new DecodeBudget(buf.length);
    const head = Buffer.from(buf.buffer, buf.byteOffset, Math.min(1024, buf.length)).toString('latin1');
    const m = /%PDF-(\d\.\d)/.exec(head);
    if (!m) throw invalid('thiếu tiêu đề %PDF / missing %PDF header');
    this.version = m[1]!;
    this.repaired = scan;
    this.rebuilt = scan !== undefined;
    if (scan !== undefined) {
      const found = scanObjects(buf);
      for (const [num, o] of found.objects) this.addEntry(num, { type: 1, offset: o.offset, gen: o.gen });
      if (!(found.trailer.get('Root') instanceof PdfRef)) throw invalid('không tìm thấy /Root khi quét / no catalog found by scanning');
      this.trailer = found.trailer;
      this.startxref = 0;
      this.lastXrefIsStream = false;
      this.size = this.nextObjectNumber;
      this.crypt = this.openCrypt();
      for (const n of found.objStms) this.addObjStmEntries(n);
      return;
    }
    const sx = lastIndexOf(buf, 'startxref');
    if (sx < 0 || sx < buf.length - 4096) throw invalid('tệp bị cắt cụt, thiếu startxref / truncated file: missing startxref');
    const l = new Lexer(buf, sx + 'startxref'.length);
    const off = l.readInt();
    if (off === null || off >= buf.length) throw invalid('startxref sai / bad startxref offset');
    this.startxref = off;
    const { trailer, isStream, size } = this.readChain(off);
    // Lookups made while the chain was half read (indirect /Length) may have failed for want of older entries.
    this.failed.clear();
    this.trailer = trailer;
    this.lastXrefIsStream = isStream;
    this.size = size;
    this.crypt = this.openCrypt();
  }

  /** Scanned object streams: their objects become type-2 entries unless a direct definition was found. */
  private addObjStmEntries(stmNum: number): void {
    try {
      const stm = this.getObject(stmNum);
      if (!(stm instanceof PdfStream)) return;
      const n = this.resolve(stm.dict.get('N'));
      const first = this.resolve(stm.dict.get('First'));
      if (!isCount(n) || !isCount(first)) return;
      const data = decodeStream(stm, (o) => this.resolve(o), this.budget);
      const l = new Lexer(data.subarray(0, first), 0);
      for (let i = 0; i < n; i++) {
        const on = l.readInt(), oo = l.readInt();
        if (on === null || oo === null) return;
        if (!this.entries.has(on)) this.addEntry(on, { type: 2, stream: stmNum, index: i });
      }
    } catch {
      // An unreadable object stream: its objects stay missing, like in the repairing readers.
    }
  }

  /** Whether every in-use classic entry points at its own `num gen obj` (cheap: no parsing). */
  private entriesPointAtObjects(): boolean {
    for (const [num, e] of this.entries) {
      if (e.type !== 1) continue;
      if (e.offset >= this.buf.length) return false;
      const head = Buffer.from(this.buf.buffer, this.buf.byteOffset + e.offset, Math.min(32, this.buf.length - e.offset)).toString('latin1');
      const m = /^[\0\t\n\f\r ]*(\d+)\s+(\d+)\s+obj/.exec(head);
      if (!m || Number(m[1]) !== num) return false;
    }
    return true;
  }

  /** Object numbers with an in-use entry, ascending (the full rewrite of a repaired file). */
  objectNumbers(): number[] {
    return [...this.entries].filter(([, e]) => e.type !== 0).map(([n]) => n).sort((a, b) => a - b);
  }

  /** Generation of an object's entry (0 for compressed objects). */
  generationOf(num: number): number {
    const e = this.entries.get(num);
    return e?.type === 1 ? e.gen : 0;
  }

  private openCrypt(): PdfCrypt | undefined {
    const e = this.trailer.get('Encrypt');
    if (e === undefined || e === null) return undefined;
    if (e instanceof PdfRef) this.encryptNum = e.num;
    const enc = this.dict(e);
    if (!enc) throw invalid('/Encrypt sai / bad /Encrypt dictionary');
    const id = this.resolve(this.trailer.get('ID'));
    const id0 = Array.isArray(id) && id[0] instanceof PdfString ? id[0].bytes : undefined;
    const crypt = PdfCrypt.open(enc, id0, (o) => this.resolve(o));
    // Objects read before the key was known (e.g. an indirect /Length) are plain numbers: only those may stay cached.
    for (const [k, v] of this.cache) if (typeof v !== 'number' && k !== this.encryptNum) this.cache.delete(k);
    this.objStms.clear();
    this.failed.clear();
    return crypt;
  }

  /** Decrypts a top-level object read from the file (xref streams and the /Encrypt dictionary are never encrypted). */
  private decrypt(num: number, gen: number, v: PdfObject): PdfObject {
    const c = this.crypt;
    if (!c || num === this.encryptNum) return v;
    if (v instanceof PdfStream) {
      const type = v.dict.get('Type');
      const t = type instanceof PdfName ? type.name : '';
      if (t === 'XRef' || (t === 'Metadata' && !c.encryptMetadata)) return v;
      return new PdfStream(mapStrings(v.dict, (b) => c.decryptString(num, gen, b)) as PdfDict, c.decryptStream(num, gen, v.data));
    }
    return mapStrings(v, (b) => c.decryptString(num, gen, b));
  }

  /**
   * Parses the file; DOCUMENT_INVALID (with detail) for anything we cannot read or must refuse. Bytes before
   * `%PDF-` are dropped (offsets count from the header). Damaged cross-reference data in a file that still ends
   * with `startxref … %%EOF` is rebuilt by scanning: `repaired` then says why.
   */
  static open(input: Uint8Array): PdfFile {
    const h = headerOffset(input);
    const buf = h > 0 ? input.subarray(h) : input;
    const prefix = h > 0 ? `${h} bytes before %PDF- removed` : undefined;
    let file: PdfFile;
    try {
      file = new PdfFile(buf);
      if (!file.entriesPointAtObjects()) throw invalid('mục xref trỏ sai chỗ / xref entries point at the wrong bytes');
      PdfFile.checkRoot(file);
      if (prefix) file.repaired = prefix;
    } catch (e) {
      const err = asInvalid(e);
      if (err.data.documentProblem || /encryption/.test(err.data.detail ?? '') || !endsWithEof(buf)) throw err;
      try {
        file = new PdfFile(buf, [prefix, `cross-reference data rebuilt by scanning (${err.data.detail ?? 'damaged'})`].filter(Boolean).join('; '));
        PdfFile.checkRoot(file);
      } catch (e2) {
        const again = asInvalid(e2);
        throw again.data.documentProblem ? again : err;
      }
    }
    return file;
  }

  private static checkRoot(file: PdfFile): void {
    try {
      const root = file.resolve(file.trailer.get('Root'));
      if (!(root instanceof PdfDict)) throw invalid('thiếu /Root / no document catalog');
    } catch (e) {
      throw asInvalid(e);
    }
  }

  /**
   * Refuses files whose permissions forbid adding a signature (neither annotations nor form filling allowed), as
   * Acrobat does; the detail names the permissions.
   */
  assertSignable(): void {
    const c = this.crypt;
    if (!c || c.allowsSigning) return;
    throw new AgentError('DOCUMENT_INVALID',
      'Quyền của tệp PDF không cho phép ký (cấm điền biểu mẫu và chú thích) / the PDF\'s permissions forbid signing (no form filling, no annotations)',
      { detail: `encrypted PDF permissions forbid signing: ${c.describePermissions()}`, documentProblem: 'permissions' });
  }

  private readChain(start: number): { trailer: PdfDict; isStream: boolean; size: number } {
    let newest: PdfDict | undefined;
    let isStream = false;
    let size = 0;
    const seen = new Set<number>();
    let offset: number | undefined = start;
    while (offset !== undefined) {
      if (seen.has(offset) || seen.size > MAX_XREF_SECTIONS) throw invalid('vòng lặp trong chuỗi xref / xref chain loops');
      seen.add(offset);
      const section = this.readSection(offset);
      if (!newest) { newest = section.trailer; isStream = section.isStream; }
      const s = section.trailer.get('Size');
      if (typeof s === 'number') {
        if (!isCount(s) || s > MAX_OBJECT_NUMBER + 1) throw invalid('/Size sai / bad trailer /Size');
        size = Math.max(size, s);
      }
      const xs = section.trailer.get('XRefStm');
      if (!section.isStream && typeof xs === 'number' && !this.xrefStms.has(xs)) {
        this.xrefStms.add(xs);
        this.readSection(xs, true);
      }
      const prev = section.trailer.get('Prev');
      offset = typeof prev === 'number' ? prev : undefined;
    }
    if (!newest) throw invalid('không có bảng xref / no xref');
    return { trailer: newest, isStream, size };
  }

  private addEntry(num: number, e: XrefEntry): void {
    if (num < 0 || num > MAX_OBJECT_NUMBER) throw invalid('số đối tượng xref sai / bad object number in xref');
    if (!this.entries.has(num)) this.entries.set(num, e);
  }

  private readSection(offset: number, mustBeStream = false): { trailer: PdfDict; isStream: boolean } {
    if (offset < 0 || offset >= this.buf.length) throw invalid('offset xref sai / xref offset out of range');
    const l = new Lexer(this.buf, offset);
    l.skipWhitespace();
    const save = l.pos;
    if (!mustBeStream && l.readRegular() === 'xref') {
      for (;;) {
        const first = l.readInt();
        if (first === null) break;
        const count = l.readInt();
        if (count === null) throw invalid('bảng xref sai / bad xref subsection');
        for (let i = 0; i < count; i++) {
          const o = l.readInt();
          const g = l.readInt();
          const t = l.readRegular();
          if (o === null || g === null || (t !== 'n' && t !== 'f')) throw invalid('mục xref sai / bad xref entry');
          const num = first + i;
          if (num === 0 && t === 'f') continue;
          this.addEntry(num, t === 'n' ? { type: 1, offset: o, gen: g } : { type: 0 });
        }
      }
      l.expectKeyword('trailer');
      const trailer = l.parseObject();
      if (!(trailer instanceof PdfDict)) throw invalid('trailer sai / bad trailer');
      return { trailer, isStream: false };
    }
    l.pos = save;
    let obj: PdfObject;
    try {
      obj = new Lexer(this.buf, offset, (r) => this.lengthOf(r)).parseIndirect().value;
    } catch (e) {
      throw invalid(`không có xref tại offset ${offset} / no xref at the startxref offset (${(e as Error).message})`);
    }
    if (!(obj instanceof PdfStream) || !(obj.dict.get('Type') instanceof PdfName) || (obj.dict.get('Type') as PdfName).name !== 'XRef') {
      throw invalid('startxref không trỏ tới xref / startxref does not point to an xref');
    }
    this.readXrefStream(obj);
    return { trailer: obj.dict, isStream: true };
  }

  private readXrefStream(stm: PdfStream): void {
    const d = stm.dict;
    const w = d.get('W');
    const size = d.get('Size');
    // Field 2 (offset / object stream number) has no default, so its width must be > 0: with W [0 0 0] every row
    // is empty and /Index alone would drive the loop (H1).
    if (!Array.isArray(w) || w.length !== 3 || !w.every((x) => isCount(x) && x <= 8) || (w[1] as number) === 0) {
      throw invalid('xref stream /W sai / bad xref stream /W');
    }
    if (!isCount(size) || size > MAX_OBJECT_NUMBER + 1) throw invalid('xref stream /Size sai / bad xref stream /Size');
    const [w0, w1, w2] = w as [number, number, number];
    const index = d.get('Index');
    const ranges = index === undefined ? [0, size] : index;
    if (!Array.isArray(ranges) || ranges.length % 2 !== 0 || !ranges.every(isCount)) {
      throw invalid('xref stream /Index sai / bad xref stream /Index');
    }
    const data = decodeStream(stm, (o) => o, this.budget);
    const rowLen = w0 + w1 + w2;
    // Every row must be in the data: the rows /Index announces are checked before the loop, not one by one.
    let rows = 0;
    for (let r = 0; r < ranges.length; r += 2) {
      const first = ranges[r] as number, count = ranges[r + 1] as number;
      if (first + count > MAX_OBJECT_NUMBER + 1) throw invalid('số đối tượng xref sai / bad object number in xref');
      rows += count;
    }
    if (rows * rowLen > data.length) throw invalid('xref stream bị cắt / truncated xref stream: /Index asks for more rows than the data holds');
    let p = 0;
    const field = (width: number, dflt: number): number => {
      if (width === 0) return dflt;
      let v = 0;
      for (let i = 0; i < width; i++) v = v * 256 + data[p++]!;
      return v;
    };
    for (let r = 0; r + 1 < ranges.length; r += 2) {
      const first = ranges[r] as number, count = ranges[r + 1] as number;
      for (let i = 0; i < count; i++) {
        const type = field(w0, 1), f2 = field(w1, 0), f3 = field(w2, 0);
        const num = first + i;
        if (type === 1) this.addEntry(num, { type: 1, offset: f2, gen: f3 });
        else if (type === 2) this.addEntry(num, { type: 2, stream: f2, index: f3 });
        else if (type === 0 && num !== 0) this.addEntry(num, { type: 0 });
      }
    }
  }

  /** Resolves an indirect /Length while the chain is still being read (direct lookups only). */
  private lengthOf(r: PdfRef): number | undefined {
    try {
      const v = this.getObject(r.num);
      return typeof v === 'number' ? v : undefined;
    } catch {
      return undefined;
    }
  }

  /** Highest object number in use + 1 (what the new /Size builds on). */
  get nextObjectNumber(): number {
    let max = this.size;
    for (const k of this.entries.keys()) if (k + 1 > max) max = k + 1;
    return max;
  }

  /** The object with this number (null when free or absent, as the spec says). */
  getObject(num: number): PdfObject {
    if (this.cache.has(num)) return this.cache.get(num)!;
    if (this.failed.has(num)) throw this.failed.get(num);
    const e = this.entries.get(num);
    if (!e || e.type === 0) return null;
    // Context-dependent refusals (a loop through the current lookup, too deep from here): a failure they caused is
    // not cached, the same object may resolve from elsewhere.
    if (this.resolving.has(num)) { this.contextual++; throw invalid(`tham chiếu vòng ở đối tượng ${num} / circular reference`); }
    if (this.resolving.size >= MAX_RESOLVE_DEPTH) { this.contextual++; throw invalid('tham chiếu lồng quá sâu / references nested too deep'); }
    const contextualBefore = this.contextual;
    this.resolving.add(num);
    try {
      let value: PdfObject;
      if (e.type === 1) {
        if (e.offset >= this.buf.length) throw invalid(`offset đối tượng ${num} sai / object offset out of range`);
        const got = new Lexer(this.buf, e.offset, (r) => this.lengthOf(r)).parseIndirect();
        if (got.num !== num) throw invalid(`xref trỏ sai đối tượng ${num} / xref points to the wrong object`);
        value = this.decrypt(num, got.gen, got.value);
      } else {
        value = this.fromObjStm(num, e.stream, e.index);
      }
      this.cache.set(num, value);
      return value;
    } catch (err) {
      if (this.contextual === contextualBefore) this.failed.set(num, err);
      throw err;
    } finally {
      this.resolving.delete(num);
    }
  }

  private fromObjStm(num: number, stmNum: number, index: number): PdfObject {
    let os = this.objStms.get(stmNum);
    if (!os) {
      // An object stream is never itself compressed (spec 7.5.7): refusing that also bounds the recursion.
      if (this.entries.get(stmNum)?.type !== 1) throw invalid(`object stream ${stmNum} thiếu / missing object stream`);
      const stm = this.getObject(stmNum);
      if (!(stm instanceof PdfStream)) throw invalid(`object stream ${stmNum} thiếu / missing object stream`);
      const n = this.resolve(stm.dict.get('N'));
      const first = this.resolve(stm.dict.get('First'));
      if (!isCount(n) || !isCount(first) || n > MAX_OBJECT_NUMBER) throw invalid('object stream /N hoặc /First sai / bad object stream /N or /First');
      const data = decodeStream(stm, (o) => this.resolve(o), this.budget);
      // Each header pair takes at least 4 bytes ("1 0 "), all before /First.
      if (first > data.length || n * 4 > first + 1) throw invalid('object stream /N hoặc /First sai / object stream /N or /First beyond its data');
      const l = new Lexer(data, 0);
      const offsets: number[] = [], nums: number[] = [];
      for (let i = 0; i < n; i++) {
        const on = l.readInt(), oo = l.readInt();
        if (on === null || oo === null) throw invalid('object stream sai / bad object stream header');
        nums.push(on); offsets.push(oo);
      }
      os = { data, first, offsets, nums };
      this.objStms.set(stmNum, os);
    }
    let i = index;
    if (os.nums[index] !== num) {
      if (!os.byNum) {
        os.byNum = new Map();
        os.nums.forEach((n, k) => { if (!os!.byNum!.has(n)) os!.byNum!.set(n, k); });
      }
      i = os.byNum.get(num) ?? index;
    }
    const off = os.offsets[i];
    if (off === undefined) throw invalid(`đối tượng ${num} không có trong object stream / object not in object stream`);
    return new Lexer(os.data, os.first + off).parseObject();
  }

  /** A stream's decoded data, within this file's decode budget (docs/security.md T15). */
  streamData(stm: PdfStream): Uint8Array {
    return decodeStream(stm, (o) => this.resolve(o), this.budget);
  }

  /** Follows references (bounded) to a direct value. */
  resolve(o: PdfObject | undefined): PdfObject | undefined {
    let v = o;
    for (let i = 0; v instanceof PdfRef && i < 32; i++) v = this.getObject(v.num);
    return v instanceof PdfRef ? null : v;
  }

  dict(o: PdfObject | undefined): PdfDict | undefined {
    const v = this.resolve(o);
    if (v instanceof PdfDict) return v;
    if (v instanceof PdfStream) return v.dict;
    return undefined;
  }

  get catalog(): PdfDict {
    return this.dict(this.trailer.get('Root'))!;
  }

  get rootRef(): PdfRef {
    const r = this.trailer.get('Root');
    if (!(r instanceof PdfRef)) throw invalid('/Root không phải tham chiếu / /Root is not a reference');
    return r;
  }
}

/** Position of `%PDF-` in the first KiB (0 when absent: the constructor reports the missing header). */
function headerOffset(buf: Uint8Array): number {
  const i = Buffer.from(buf.buffer, buf.byteOffset, Math.min(1024, buf.length)).indexOf('%PDF-', 0, 'latin1');
  return i > 0 ? i : 0;
}

/** A file that still ends in `%%EOF` after a `startxref` (not truncated): only those are repaired. */
function endsWithEof(buf: Uint8Array): boolean {
  const tail = Buffer.from(buf.buffer, buf.byteOffset + Math.max(0, buf.length - 2048), Math.min(2048, buf.length)).toString('latin1');
  return /startxref[\s\S]*%%EOF\s*$/.test(tail);
}

/** Maps parser failures to DOCUMENT_INVALID; AgentErrors pass through. */
export function asInvalid(e: unknown): AgentError {
  if (e instanceof AgentError) return e;
  if (e instanceof PdfSyntaxError || e instanceof FilterError) return invalid(`cú pháp PDF sai / bad PDF syntax: ${e.message}`);
  if (e instanceof RangeError) return invalid(`tệp quá lớn hoặc hỏng / too large or damaged: ${e.message}`);
  return invalid('không đọc được tệp / unreadable PDF');
}
