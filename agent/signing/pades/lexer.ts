// PDF tokenizer and object parser over a byte buffer (no copies: streams are views into the input).
import { PdfDict, PdfName, PdfRef, PdfStream, PdfString, type PdfObject } from './pdf-objects.js';

/** Thrown by the parser for malformed syntax; the document layer turns it into DOCUMENT_INVALID. */
export class PdfSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} (offset ${offset})`);
    this.name = 'PdfSyntaxError';
  }
}

const WS = new Uint8Array(256);
for (const c of [0, 9, 10, 12, 13, 32]) WS[c] = 1;
const DELIM = new Uint8Array(256);
for (const c of '()<>[]{}/%') DELIM[c.charCodeAt(0)] = 1;

export const isWhite = (c: number | undefined): boolean => c !== undefined && WS[c] === 1;
const isRegular = (c: number | undefined): boolean => c !== undefined && WS[c] === 0 && DELIM[c] === 0;

/** Resolves `/Length n 0 R` while parsing a stream. */
export type LengthResolver = (ref: PdfRef) => number | undefined;

/** Maximum nesting of arrays/dicts: deeper input is hostile or broken. */
const MAX_DEPTH = 100;
/**
 * Items in one array or entries in one dictionary (docs/security.md T23). Real ones (Kids, Widths, W, Nums) hold at most a
 * few thousand; one flat array of 15 million numbers in a 30 MiB file took 8 s and gigabytes to build.
 */
export const MAX_CONTAINER_ITEMS = 100_000;

/** Finds `needle` (ASCII) in buf from `from`, forward; -1 when absent. */
export function indexOf(buf: Uint8Array, needle: string, from = 0, to = buf.length): number {
  const n = Buffer.from(needle, 'latin1');
  const idx = Buffer.from(buf.buffer, buf.byteOffset, Math.min(to, buf.length)).indexOf(n, from);
  return idx;
}

/** Finds the last `needle` in buf that starts at or before `before`. */
export function lastIndexOf(buf: Uint8Array, needle: string, before = buf.length): number {
  return Buffer.from(buf.buffer, buf.byteOffset, buf.length).lastIndexOf(Buffer.from(needle, 'latin1'), before);
}

export class Lexer {
  pos: number;
  constructor(readonly buf: Uint8Array, pos = 0, private readonly resolveLength?: LengthResolver) {
    this.pos = pos;
  }

  skipWhitespace(): void {
    const b = this.buf;
    while (this.pos < b.length) {
      const c = b[this.pos]!;
      if (WS[c]) this.pos++;
      else if (c === 0x25 /* % */) {
        while (this.pos < b.length && b[this.pos] !== 10 && b[this.pos] !== 13) this.pos++;
      } else break;
    }
  }

  /** Reads a regular-character token (keyword or number) without consuming delimiters. */
  readRegular(): string {
    this.skipWhitespace();
    const start = this.pos;
    while (this.pos < this.buf.length && isRegular(this.buf[this.pos])) this.pos++;
    return Buffer.from(this.buf.buffer, this.buf.byteOffset + start, this.pos - start).toString('latin1');
  }

  /** Reads a non-negative integer or returns null (position unchanged). */
  readInt(): number | null {
    const save = this.pos;
    const t = this.readRegular();
    if (/^\d+$/.test(t)) return Number(t);
    this.pos = save;
    return null;
  }

  expectKeyword(k: string): void {
    const t = this.readRegular();
    if (t !== k) throw new PdfSyntaxError(`expected "${k}", found "${t.slice(0, 20)}"`, this.pos);
  }

  /** Parses one object at the current position. */
  parseObject(depth = 0): PdfObject {
    if (depth > MAX_DEPTH) throw new PdfSyntaxError('nesting too deep', this.pos);
    this.skipWhitespace();
    const b = this.buf;
    if (this.pos >= b.length) throw new PdfSyntaxError('unexpected end of file', this.pos);
    const c = b[this.pos]!;
    if (c === 0x2f /* / */) return this.parseName();
    if (c === 0x28 /* ( */) return this.parseLiteralString();
    if (c === 0x3c /* < */) {
      if (b[this.pos + 1] === 0x3c) return this.parseDictOrStream(depth);
      return this.parseHexString();
    }
    if (c === 0x5b /* [ */) {
      this.pos++;
      const arr: PdfObject[] = [];
      for (;;) {
        this.skipWhitespace();
        if (this.pos >= b.length) throw new PdfSyntaxError('unterminated array', this.pos);
        if (b[this.pos] === 0x5d) { this.pos++; return arr; }
        if (arr.length >= MAX_CONTAINER_ITEMS) throw new PdfSyntaxError(`array with more than ${MAX_CONTAINER_ITEMS} items`, this.pos);
        arr.push(this.parseObject(depth + 1));
      }
    }
    const start = this.pos;
    const t = this.readRegular();
    if (t === '') throw new PdfSyntaxError(`unexpected character 0x${c.toString(16)}`, start);
    if (t === 'true') return true;
    if (t === 'false') return false;
    if (t === 'null') return null;
    if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(t)) {
      // `num gen R` lookahead.
      if (/^\d+$/.test(t)) {
        const save = this.pos;
        const gen = this.readInt();
        if (gen !== null) {
          const r = this.readRegular();
          if (r === 'R') return new PdfRef(Number(t), gen);
        }
        this.pos = save;
      }
      return Number(t);
    }
    throw new PdfSyntaxError(`unexpected token "${t.slice(0, 20)}"`, start);
  }

  private parseName(): PdfName {
    this.pos++;
    const start = this.pos;
    while (this.pos < this.buf.length && isRegular(this.buf[this.pos])) this.pos++;
    const raw = Buffer.from(this.buf.buffer, this.buf.byteOffset + start, this.pos - start).toString('latin1');
    if (!raw.includes('#')) return new PdfName(raw);
    return new PdfName(raw.replace(/#([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))));
  }

  private parseLiteralString(): PdfString {
    const b = this.buf;
    this.pos++;
    const out: number[] = [];
    let depth = 1;
    while (this.pos < b.length) {
      const c = b[this.pos++]!;
      if (c === 0x5c /* \ */) {
        const e = b[this.pos++];
        if (e === undefined) break;
        switch (e) {
          case 0x6e: out.push(10); break;
          case 0x72: out.push(13); break;
          case 0x74: out.push(9); break;
          case 0x62: out.push(8); break;
          case 0x66: out.push(12); break;
          case 0x0d: if (b[this.pos] === 0x0a) this.pos++; break;
          case 0x0a: break;
          default:
            if (e >= 0x30 && e <= 0x37) {
              let v = e - 0x30;
              for (let i = 0; i < 2 && b[this.pos]! >= 0x30 && b[this.pos]! <= 0x37; i++) v = v * 8 + (b[this.pos++]! - 0x30);
              out.push(v & 0xff);
            } else out.push(e);
        }
      } else if (c === 0x28) { depth++; out.push(c); }
      else if (c === 0x29) {
        if (--depth === 0) return new PdfString(Uint8Array.from(out));
        out.push(c);
      } else out.push(c);
    }
    throw new PdfSyntaxError('unterminated string', this.pos);
  }

  private parseHexString(): PdfString {
    const b = this.buf;
    this.pos++;
    const end = b.indexOf(0x3e, this.pos);
    if (end < 0) throw new PdfSyntaxError('unterminated hex string', this.pos);
    let hex = Buffer.from(b.buffer, b.byteOffset + this.pos, end - this.pos).toString('latin1').replace(/[\0\t\n\f\r ]/g, '');
    if (!/^[0-9a-fA-F]*$/.test(hex)) throw new PdfSyntaxError('bad hex string', this.pos);
    if (hex.length % 2) hex += '0';
    this.pos = end + 1;
    return new PdfString(Uint8Array.from(Buffer.from(hex, 'hex')));
  }

  private parseDictOrStream(depth: number): PdfDict | PdfStream {
    const b = this.buf;
    this.pos += 2;
    const dict = new PdfDict();
    for (let entries = 0; ; entries++) {
      this.skipWhitespace();
      if (this.pos >= b.length) throw new PdfSyntaxError('unterminated dictionary', this.pos);
      if (b[this.pos] === 0x3e && b[this.pos + 1] === 0x3e) { this.pos += 2; break; }
      if (entries >= MAX_CONTAINER_ITEMS) throw new PdfSyntaxError(`dictionary with more than ${MAX_CONTAINER_ITEMS} entries`, this.pos);
      const key = this.parseObject(depth + 1);
      if (!(key instanceof PdfName)) throw new PdfSyntaxError('dictionary key is not a name', this.pos);
      this.skipWhitespace();
      if (b[this.pos] === 0x3e && b[this.pos + 1] === 0x3e) { dict.set(key.name, null); continue; }
      dict.set(key.name, this.parseObject(depth + 1));
    }
    // A stream follows its dictionary directly (comments are not allowed in between, whitespace is).
    const save = this.pos;
    this.skipWhitespace();
    if (this.buf[this.pos] === 0x73 /* s */ && this.readRegular() === 'stream') return this.parseStreamBody(dict);
    this.pos = save;
    return dict;
  }

  private parseStreamBody(dict: PdfDict): PdfStream {
    const b = this.buf;
    if (b[this.pos] === 0x0d) this.pos++;
    if (b[this.pos] === 0x0a) this.pos++;
    const start = this.pos;
    let len = dict.get('Length');
    if (len instanceof PdfRef) len = this.resolveLength?.(len);
    if (typeof len === 'number' && Number.isInteger(len) && len >= 0 && start + len <= b.length) {
      const l = new Lexer(b, start + len);
      if (l.readRegular() === 'endstream') {
        this.pos = l.pos;
        return new PdfStream(dict, b.subarray(start, start + len));
      }
    }
    // Wrong or missing /Length: find endstream the way viewers do.
    const end = indexOf(b, 'endstream', start);
    if (end < 0) throw new PdfSyntaxError('stream without endstream', start);
    let dataEnd = end;
    if (b[dataEnd - 1] === 0x0a) dataEnd--;
    if (b[dataEnd - 1] === 0x0d) dataEnd--;
    this.pos = end + 'endstream'.length;
    return new PdfStream(dict, b.subarray(start, Math.max(start, dataEnd)));
  }

  /** Parses `num gen obj <object> endobj` at the current position. */
  parseIndirect(): { num: number; gen: number; value: PdfObject } {
    const num = this.readInt();
    const gen = this.readInt();
    if (num === null || gen === null) throw new PdfSyntaxError('expected "N G obj"', this.pos);
    this.expectKeyword('obj');
    const value = this.parseObject();
    return { num, gen, value };
  }
}
