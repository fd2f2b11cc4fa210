// PDF object model (names, strings, refs, dicts, streams) and the serializer for objects we write.

/** A PDF name, without the leading slash and with #xx escapes decoded. */
export class PdfName {
  constructor(readonly name: string) {}
}

/** A PDF string as raw bytes (literal or hex in the file). */
export class PdfString {
  constructor(readonly bytes: Uint8Array) {}
}

/** An indirect reference `num gen R`. */
export class PdfRef {
  constructor(readonly num: number, readonly gen: number) {}
  get key(): string {
    return `${this.num} ${this.gen}`;
  }
}

/** A dictionary; keys are names without the slash. Insertion order is kept for writing. */
export class PdfDict {
  readonly map = new Map<string, PdfObject>();
  constructor(entries?: Iterable<[string, PdfObject]>) {
    if (entries) for (const [k, v] of entries) this.map.set(k, v);
  }
  get(key: string): PdfObject | undefined {
    return this.map.get(key);
  }
  set(key: string, value: PdfObject): this {
    this.map.set(key, value);
    return this;
  }
  has(key: string): boolean {
    return this.map.has(key);
  }
  /** A shallow copy, for rewriting an object in the incremental update without touching the parsed one. */
  clone(): PdfDict {
    return new PdfDict(this.map);
  }
}

/** A stream: its dictionary and its (still encoded) data, as a view into the source buffer. */
export class PdfStream {
  constructor(readonly dict: PdfDict, readonly data: Uint8Array) {}
}

/** Raw bytes written verbatim (placeholders we patch later). Only ever produced by the writer. */
export class PdfRaw {
  constructor(readonly text: string) {}
}

export type PdfObject = null | boolean | number | PdfName | PdfString | PdfRef | PdfObject[] | PdfDict | PdfStream | PdfRaw;

export const name = (n: string): PdfName => new PdfName(n);
export const ref = (num: number, gen = 0): PdfRef => new PdfRef(num, gen);

/** A PDF text string: PDFDocEncoding-safe ASCII stays as is, anything else is UTF-16BE with a BOM. */
export function textString(text: string): PdfString {
  if (/^[\x20-\x7e]*$/.test(text)) return new PdfString(Buffer.from(text, 'latin1'));
  const utf16 = Buffer.from(text, 'utf16le').swap16();
  return new PdfString(Buffer.concat([Buffer.from([0xfe, 0xff]), utf16]));
}

/** Decodes a PDF text string (UTF-16BE with BOM, UTF-8 with BOM, else PDFDocEncoding ≈ latin1). */
export function decodeTextString(bytes: Uint8Array): string {
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    const b = Buffer.from(bytes.subarray(2, 2 + ((bytes.length - 2) & ~1)));
    return b.swap16().toString('utf16le');
  }
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return Buffer.from(bytes.subarray(3)).toString('utf8');
  }
  return Buffer.from(bytes).toString('latin1');
}

function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return '0';
  if (Number.isInteger(n)) return String(n);
  // Never exponent notation: PDF has none.
  return n.toFixed(6).replace(/0+$/, '').replace(/\.$/, '');
}

function formatName(n: string): string {
  let out = '/';
  for (const b of Buffer.from(n, 'latin1')) {
    const regular = b > 0x20 && b < 0x7f && !'()<>[]{}/%#'.includes(String.fromCharCode(b));
    out += regular ? String.fromCharCode(b) : `#${b.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/**
 * Serializes an object (not a stream) to a latin1 "binary string". Strings are written as hex: always valid,
 * whatever their bytes.
 */
export function serialize(obj: PdfObject): string {
  if (obj === null) return 'null';
  if (typeof obj === 'boolean') return obj ? 'true' : 'false';
  if (typeof obj === 'number') return formatNumber(obj);
  if (obj instanceof PdfName) return formatName(obj.name);
  if (obj instanceof PdfString) return `<${Buffer.from(obj.bytes).toString('hex')}>`;
  if (obj instanceof PdfRef) return `${obj.num} ${obj.gen} R`;
  if (obj instanceof PdfRaw) return obj.text;
  if (Array.isArray(obj)) return `[${obj.map(serialize).join(' ')}]`;
  if (obj instanceof PdfDict) {
    const parts: string[] = [];
    for (const [k, v] of obj.map) parts.push(`${formatName(k)} ${serialize(v)}`);
    return `<<${parts.join(' ')}>>`;
  }
  throw new Error('streams are written by the writer, not serialize()');
}
