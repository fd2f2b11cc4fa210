// Binary helpers: accept Blob/ArrayBuffer/Uint8Array/base64 inputs, give Uint8Array outputs with helpers.

/** Anything the SDK accepts as bytes. A string is base64 (standard or URL-safe, padding optional). */
export type BinaryInput = Blob | ArrayBuffer | ArrayBufferView | string;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 of bytes (no dependency on btoa's Latin-1 string quirks or Node's Buffer). */
export function toBase64(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + '==';
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + '=';
  }
  return out;
}

/** Decodes standard or URL-safe base64 (whitespace and missing padding tolerated). Throws TypeError on bad input. */
export function fromBase64(text: string): Uint8Array {
  const clean = text.replace(/[\s=]+/g, '').replace(/-/g, '+').replace(/_/g, '/');
  if (/[^A-Za-z0-9+/]/.test(clean) || clean.length % 4 === 1) throw new TypeError('invalid base64');
  const out = new Uint8Array((clean.length * 3) >> 2);
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (let i = 0; i < clean.length; i++) {
    acc = (acc << 6) | ALPHABET.indexOf(clean[i]!);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

/** Lower-case hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** Bytes of a hex string (e.g. a digest computed on the server). */
export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) throw new TypeError('invalid hex');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Reads any BinaryInput into bytes. */
export async function toBytes(input: BinaryInput): Promise<Uint8Array> {
  if (typeof input === 'string') return fromBase64(input);
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (typeof Blob !== 'undefined' && input instanceof Blob) return new Uint8Array(await input.arrayBuffer());
  throw new TypeError('expected Blob, ArrayBuffer, Uint8Array or base64 string');
}

/** Any BinaryInput as base64 (a string input is checked and passed through normalised). */
export async function inputToBase64(input: BinaryInput): Promise<string> {
  return toBase64(await toBytes(input));
}

/** Signed output: the bytes plus helpers to hand them to the page or the user. */
export class SignedData {
  /** The raw bytes. */
  readonly bytes: Uint8Array;
  /** MIME type used by toBlob()/download(). */
  readonly type: string;

  constructor(bytes: Uint8Array, type = 'application/octet-stream') {
    this.bytes = bytes;
    this.type = type;
  }

  static fromBase64(b64: string, type?: string): SignedData {
    return new SignedData(fromBase64(b64), type);
  }

  get size(): number {
    return this.bytes.length;
  }

  toBase64(): string {
    return toBase64(this.bytes);
  }

  /** UTF-8 text (for XML). */
  text(): string {
    return new TextDecoder().decode(this.bytes);
  }

  toBlob(type = this.type): Blob {
    return new Blob([this.bytes as Uint8Array<ArrayBuffer>], { type });
  }

  /** Browser only: saves the bytes as a file through a temporary link. */
  download(fileName: string): void {
    const url = URL.createObjectURL(this.toBlob());
    const a = document.createElement('a');
    a.href = url;
    a.download = fileName;
    a.rel = 'noopener';
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}
