// The incremental update: new/rewritten objects appended after the input bytes, with an xref table or xref stream.
import { createHash } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { deflateSync } from 'node:zlib';
import { mapStrings, type PdfCrypt } from './crypt.js';
import type { PdfFile } from './document.js';
import { name, PdfDict, PdfRef, PdfString, serialize, type PdfObject } from './pdf-objects.js';

/** Input bytes copied into the signed file between two turns of the event loop (buildSliced). */
const COPY_SLICE = 4 * 1024 * 1024;

/** A stream we write: dictionary plus already-encoded bytes (/Length is set by the writer). */
export interface NewStream {
  dict: PdfDict;
  data: Uint8Array;
}

export interface BuiltUpdate {
  /** Input bytes + the update (one allocation). */
  out: Buffer;
  /** Byte offset of each written object in `out`. */
  offsets: Map<number, number>;
}

/** Convenience: a Flate-compressed stream. */
export function flateStream(dict: PdfDict, raw: Uint8Array): NewStream {
  dict.set('Filter', name('FlateDecode'));
  return { dict, data: deflateSync(raw) };
}

/**
 * `num gen obj … endobj` for one object or stream. With `crypt` (an encrypted input) its strings and stream data are
 * encrypted with the file's key; the signature's /Contents is a raw placeholder and is never encrypted.
 */
export function objectBytes(num: number, gen: number, value: PdfObject | NewStream, crypt: PdfCrypt | undefined): Buffer[] {
  const enc = (o: PdfObject): PdfObject => (crypt ? mapStrings(o, (b) => crypt.encryptString(num, gen, b)) : o);
  if (!isNewStream(value)) return [Buffer.from(`${num} ${gen} obj\n${serialize(enc(value))}\nendobj\n`, 'latin1')];
  const dict = enc(value.dict) as PdfDict;
  const data = crypt ? crypt.encryptStream(num, gen, value.data) : value.data;
  dict.set('Length', data.length);
  return [
    Buffer.from(`${num} ${gen} obj\n${serialize(dict)}\nstream\n`, 'latin1'),
    Buffer.from(data.buffer, data.byteOffset, data.length),
    Buffer.from('\nendstream\nendobj\n', 'latin1'),
  ];
}

export class IncrementalWriter {
  private next: number;
  private readonly objects = new Map<number, { gen: number; value: PdfObject | NewStream }>();
  private builtOffsets = new Map<number, number>();

  constructor(private readonly file: PdfFile) {
    this.next = file.nextObjectNumber;
  }

  /** A fresh object number for a new object. */
  allocate(): PdfRef {
    return new PdfRef(this.next++, 0);
  }

  /** Adds (or replaces, for an existing number) an object in the update. */
  put(ref: PdfRef, value: PdfObject | NewStream): void {
    this.objects.set(ref.num, { gen: ref.gen, value });
  }

  build(): BuiltUpdate {
    const built = this.assemble();
    built.out.set(this.file.buf, 0);
    return built;
  }

  /**
   * build() with the input copied into the result in slices, a turn of the event loop between them: the input of
   * a maximum-size PDF copied at once is ~50 ms of one task, mostly page faults of the new buffer (docs/security.md
   * T22). The input is not changed meanwhile: it is the document being signed, held by this request alone.
   */
  async buildSliced(): Promise<BuiltUpdate> {
    const built = this.assemble();
    const input = this.file.buf;
    for (let start = 0; start < input.length; start += COPY_SLICE) {
      if (start > 0) await nextTurn();
      built.out.set(input.subarray(start, start + COPY_SLICE), start);
    }
    return built;
  }

  /** The result buffer with the update written after the input's place (the input itself not copied yet). */
  private assemble(): BuiltUpdate {
    const input = this.file.buf;
    const chunks: Buffer[] = [];
    let offset = input.length;
    const push = (b: Buffer): void => { chunks.push(b); offset += b.length; };
    const last = input[input.length - 1];
    if (last !== 0x0a && last !== 0x0d) push(Buffer.from('\n'));
    const offsets = new Map<number, number>();
    const nums = [...this.objects.keys()].sort((a, b) => a - b);
    // An encrypted input: the update's strings and streams are encrypted with the file's key (the signature's
    // /Contents is a raw placeholder, never encrypted).
    for (const num of nums) {
      const { gen, value } = this.objects.get(num)!;
      offsets.set(num, offset);
      for (const b of objectBytes(num, gen, value, this.file.crypt)) push(b);
    }
    const trailer = this.trailerBase();
    const xrefOffset = offset;
    if (this.file.lastXrefIsStream) {
      const xref = this.allocate();
      offsets.set(xref.num, xrefOffset);
      push(this.xrefStream(xref, offsets, trailer));
    } else {
      push(this.xrefTable(offsets, trailer));
    }
    push(Buffer.from(`startxref\n${xrefOffset}\n%%EOF\n`, 'latin1'));
    const out = Buffer.allocUnsafe(offset);
    let p = input.length;
    for (const c of chunks) { c.copy(out, p); p += c.length; }
    this.builtOffsets = offsets;
    return { out, offsets };
  }

  /** Where `build()` wrote an object. */
  offsetOf(ref: PdfRef): number {
    const o = this.builtOffsets.get(ref.num);
    if (o === undefined) throw new Error(`object ${ref.num} was not written`);
    return o;
  }

  private gens(nums: number[]): Map<number, number> {
    const m = new Map<number, number>();
    for (const n of nums) m.set(n, this.objects.get(n)?.gen ?? 0);
    return m;
  }

  private trailerBase(): PdfDict {
    const t = new PdfDict();
    const old = this.file.trailer;
    t.set('Size', this.next);
    t.set('Root', old.get('Root') ?? null);
    if (old.has('Info')) t.set('Info', old.get('Info')!);
    // Same /Encrypt and ID[0]: the file key depends on both.
    if (old.has('Encrypt')) t.set('Encrypt', old.get('Encrypt')!);
    const id = this.file.resolve(old.get('ID'));
    const fresh = new PdfString(createHash('md5').update(`${Date.now()}:${this.file.buf.length}:${Math.random()}`).digest());
    const id0 = Array.isArray(id) && id[0] instanceof PdfString ? id[0] : fresh;
    // ID[0] identifies the document forever; ID[1] changes with each update.
    t.set('ID', [id0, fresh]);
    t.set('Prev', this.file.startxref);
    return t;
  }

  /** Runs of consecutive numbers: [[first, count], …]. */
  private static runs(nums: number[]): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (const n of nums) {
      const lastRun = out[out.length - 1];
      if (lastRun && lastRun[0] + lastRun[1] === n) lastRun[1]++;
      else out.push([n, 1]);
    }
    return out;
  }

  private xrefTable(offsets: Map<number, number>, trailer: PdfDict): Buffer {
    const nums = [...offsets.keys()].sort((a, b) => a - b);
    const gens = this.gens(nums);
    let s = 'xref\n';
    for (const [first, count] of IncrementalWriter.runs(nums)) {
      s += `${first} ${count}\n`;
      for (let n = first; n < first + count; n++) {
        s += `${String(offsets.get(n)).padStart(10, '0')} ${String(gens.get(n) ?? 0).padStart(5, '0')} n \n`;
      }
    }
    trailer.set('Size', this.next);
    s += `trailer\n${serialize(trailer)}\n`;
    return Buffer.from(s, 'latin1');
  }

  private xrefStream(self: PdfRef, offsets: Map<number, number>, trailer: PdfDict): Buffer {
    const nums = [...offsets.keys()].sort((a, b) => a - b);
    const gens = this.gens(nums);
    const maxOff = Math.max(...offsets.values());
    let w1 = 1;
    while (maxOff >= 256 ** w1) w1++;
    const row = 1 + w1 + 2;
    const data = Buffer.alloc(nums.length * row);
    nums.forEach((n, i) => {
      let p = i * row;
      data[p++] = 1;
      const off = offsets.get(n)!;
      for (let k = w1 - 1; k >= 0; k--) data[p++] = Math.floor(off / 256 ** k) % 256;
      const g = gens.get(n) ?? 0;
      data[p++] = (g >> 8) & 0xff;
      data[p++] = g & 0xff;
    });
    const d = new PdfDict([['Type', name('XRef')]]);
    for (const [k, v] of trailer.map) d.set(k, v);
    d.set('Size', this.next);
    d.set('Index', IncrementalWriter.runs(nums).flat());
    d.set('W', [1, w1, 2]);
    d.set('Length', data.length);
    return Buffer.concat([
      Buffer.from(`${self.num} 0 obj\n${serialize(d)}\nstream\n`, 'latin1'),
      data,
      Buffer.from('\nendstream\nendobj\n', 'latin1'),
    ]);
  }
}

function isNewStream(v: PdfObject | NewStream): v is NewStream {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'data' in v && 'dict' in v && !(v instanceof PdfDict);
}
