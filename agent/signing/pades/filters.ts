// Stream decoding for what the parser must read itself: FlateDecode (+ PNG/TIFF predictors) with bounded output.
import { inflateSync } from 'node:zlib';
import type { PdfStream} from './pdf-objects.js';
import { PdfDict, PdfName, type PdfObject } from './pdf-objects.js';

/** Upper bound on everything decoded for one file: bigger is hostile (zip bomb) or not something we need. */
export const MAX_DECODED = 256 * 1024 * 1024;
/** Budget floor, so small legitimate files with well-compressed object streams always parse. */
export const MIN_DECODE_BUDGET = 16 * 1024 * 1024;
/** Budget per input byte: object/xref streams of real files inflate far less than this in total. */
export const DECODE_BUDGET_FACTOR = 8;
/** More filters than this on one stream is hostile (each stage re-inflates). */
const MAX_FILTERS = 4;
/** Predictor parameters beyond these are not real images or xref/object streams. */
const MAX_COLORS = 32;
const BPC = new Set([1, 2, 4, 8, 16]);

export class FilterError extends Error {}

/**
 * Bytes one PdfFile may still decode, across all its streams: min(256 MiB, max(16 MiB, 8 × input size)).
 * Per-stream limits are not enough: decoded object streams are cached, so many small bombs add up (T15).
 */
export class DecodeBudget {
  remaining: number;
  constructor(inputLength: number, limit = Math.min(MAX_DECODED, Math.max(MIN_DECODE_BUDGET, DECODE_BUDGET_FACTOR * inputLength))) {
    this.remaining = limit;
  }
}

function asArray(o: PdfObject | undefined): PdfObject[] {
  if (o === undefined || o === null) return [];
  return Array.isArray(o) ? o : [o];
}

/**
 * Decodes a stream whose filters are all FlateDecode (or none). `resolve` dereferences indirect values. Every
 * inflate is charged to `budget`; running out is a FilterError ("decode budget exceeded").
 */
export function decodeStream(stream: PdfStream, resolve: (o: PdfObject | undefined) => PdfObject | undefined, budget: DecodeBudget): Uint8Array {
  const filters = asArray(resolve(stream.dict.get('Filter'))).map((f) => resolve(f));
  const parms = asArray(resolve(stream.dict.get('DecodeParms'))).map((p) => resolve(p));
  if (filters.length > MAX_FILTERS) throw new FilterError(`too many filters (${filters.length})`);
  let data: Uint8Array = stream.data;
  filters.forEach((f, i) => {
    if (!(f instanceof PdfName) || (f.name !== 'FlateDecode' && f.name !== 'Fl')) {
      throw new FilterError(`unsupported filter ${f instanceof PdfName ? f.name : '?'}`);
    }
    if (budget.remaining <= 0) throw new FilterError('decode budget exceeded (decompression bomb?)');
    try {
      // One byte more than the budget allows, so "exactly used up" and "over" can be told apart.
      data = inflateSync(data, { maxOutputLength: budget.remaining + 1, finishFlush: 2 /* Z_SYNC_FLUSH: tolerate missing end */ });
    } catch (e) {
      if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new FilterError('decode budget exceeded (decompression bomb?)');
      throw new FilterError(`FlateDecode failed: ${(e as Error).message}`);
    }
    if (data.length > budget.remaining) throw new FilterError('decode budget exceeded (decompression bomb?)');
    budget.remaining -= data.length;
    const p = parms[i];
    if (p instanceof PdfDict) data = unpredict(data, p, resolve);
  });
  return data;
}

function unpredict(data: Uint8Array, parms: PdfDict, resolve: (o: PdfObject | undefined) => PdfObject | undefined): Uint8Array {
  const num = (k: string, d: number): number => {
    const v = resolve(parms.get(k));
    return typeof v === 'number' ? v : d;
  };
  const predictor = num('Predictor', 1);
  if (predictor < 10) {
    if (predictor === 1) return data;
    throw new FilterError(`unsupported predictor ${predictor}`);
  }
  const colors = num('Colors', 1);
  const bpc = num('BitsPerComponent', 8);
  const columns = num('Columns', 1);
  if (!Number.isInteger(colors) || colors < 1 || colors > MAX_COLORS || !BPC.has(bpc) || !Number.isInteger(columns) || columns < 1) {
    throw new FilterError('bad predictor /Colors, /BitsPerComponent or /Columns');
  }
  const bpp = Math.max(1, Math.ceil((colors * bpc) / 8));
  const rowLen = Math.ceil((colors * bpc * columns) / 8);
  if (data.length === 0) return data;
  // A row longer than the data is no image of it; checked before `prev` is allocated from the file's numbers.
  if (rowLen + 1 > data.length) throw new FilterError(`predictor /Columns ${columns} larger than the decoded data`);
  const rows = Math.floor(data.length / (rowLen + 1));
  const out = new Uint8Array(rows * rowLen);
  let prev = new Uint8Array(rowLen);
  for (let r = 0; r < rows; r++) {
    const type = data[r * (rowLen + 1)]!;
    const src = data.subarray(r * (rowLen + 1) + 1, (r + 1) * (rowLen + 1));
    const row = out.subarray(r * rowLen, (r + 1) * rowLen);
    unfilterRow(type, src, prev, row, bpp);
    prev = row;
  }
  return out;
}

/** PNG row unfiltering (also used by the PNG image decoder). */
export function unfilterRow(type: number, src: Uint8Array, prev: Uint8Array, row: Uint8Array, bpp: number): void {
  const n = row.length;
  for (let i = 0; i < n; i++) {
    const x = src[i]!;
    const a = i >= bpp ? row[i - bpp]! : 0;
    const b = prev[i]!;
    const c = i >= bpp ? prev[i - bpp]! : 0;
    let v: number;
    switch (type) {
      case 0: v = x; break;
      case 1: v = x + a; break;
      case 2: v = x + b; break;
      case 3: v = x + ((a + b) >> 1); break;
      case 4: {
        const p = a + b - c;
        const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        v = x + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
        break;
      }
      default: throw new FilterError(`bad PNG filter type ${type}`);
    }
    row[i] = v & 0xff;
  }
}
