// Base64 and hex codecs for the wire, in plain TypeScript (the core runs without Node's Buffer).

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** Char code → 6-bit value, 255 for anything not in the standard alphabet. */
const DECODE = new Uint8Array(256).fill(255);
for (let i = 0; i < B64.length; i++) DECODE[B64.charCodeAt(i)] = i;
const ENCODE = new Uint8Array(64);
for (let i = 0; i < 64; i++) ENCODE[i] = B64.charCodeAt(i);

const ascii = new TextEncoder();
const fromAscii = new TextDecoder();

/**
 * Decodes standard, padded base64 (RFC 4648 §4, no whitespace, no URL alphabet). Returns null for anything else,
 * so a caller can answer INVALID_PARAMS rather than sign a silently "repaired" value.
 */
export function decodeBase64(text: string): Uint8Array | null {
  if (text.length % 4 !== 0) return null;
  // Non-ASCII characters become multi-byte sequences whose bytes are all ≥ 0x80, i.e. not in the alphabet.
  const src = ascii.encode(text);
  if (src.length !== text.length) return null;
  const out = new Uint8Array(base64DecodedLength(src, 0, src.length));
  return decodeBase64Into(src, 0, src.length, out, 0) ? out : null;
}

/** Bytes that the base64 in `src[from, to)` (a multiple of 4 long) decodes to, given its padding. */
export function base64DecodedLength(src: Uint8Array, from: number, to: number): number {
  if (to <= from) return 0;
  const pad = src[to - 1] !== 0x3d ? 0 : src[to - 2] !== 0x3d ? 1 : 2;
  return ((to - from) / 4) * 3 - pad;
}

/**
 * Decodes the base64 characters (ASCII codes) in `src[from, to)` into `out` from `at`, with decodeBase64's strict
 * rules: `to - from` a multiple of 4, padding only in the last quantum, canonical trailing bits; `out` must have room
 * for base64DecodedLength. false on anything else (what was written so far is garbage). Works on the message's own
 * bytes, so a large document never becomes a string (docs/security.md "Large messages").
 */
export function decodeBase64Into(src: Uint8Array, from: number, to: number, out: Uint8Array, at: number): boolean {
  if ((to - from) % 4 !== 0) return false;
  if (to === from) return true;
  let pad = 0;
  if (src[to - 1] === 0x3d) pad++;
  if (src[to - 2] === 0x3d) pad++;
  const full = pad === 0 ? to : to - 4;
  let o = at;
  for (let i = from; i < full; i += 4) {
    const a = DECODE[src[i]!]!, b = DECODE[src[i + 1]!]!, c = DECODE[src[i + 2]!]!, d = DECODE[src[i + 3]!]!;
    if ((a | b | c | d) === 255) return false;
    out[o++] = (a << 2) | (b >> 4);
    out[o++] = ((b & 15) << 4) | (c >> 2);
    out[o++] = ((c & 3) << 6) | d;
  }
  if (pad > 0) {
    const i = full;
    const a = DECODE[src[i]!]!, b = DECODE[src[i + 1]!]!;
    if ((a | b) === 255) return false;
    out[o++] = (a << 2) | (b >> 4);
    if (pad === 1) {
      const c = DECODE[src[i + 2]!]!;
      if (c === 255 || (c & 3) !== 0) return false; // non-canonical trailing bits
      out[o++] = ((b & 15) << 4) | (c >> 2);
    } else if ((b & 15) !== 0) {
      return false;
    }
  }
  return true;
}

/** Encodes bytes as standard padded base64. Linear time; builds ASCII bytes then decodes them once. */
export function encodeBase64(bytes: Uint8Array): string {
  const out = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  let o = 0;
  const full = bytes.length - (bytes.length % 3);
  for (let i = 0; i < full; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = ENCODE[n >> 18]!;
    out[o++] = ENCODE[(n >> 12) & 63]!;
    out[o++] = ENCODE[(n >> 6) & 63]!;
    out[o++] = ENCODE[n & 63]!;
  }
  const rest = bytes.length - full;
  if (rest === 1) {
    const n = bytes[full]! << 16;
    out[o++] = ENCODE[n >> 18]!;
    out[o++] = ENCODE[(n >> 12) & 63]!;
    out[o++] = 0x3d;
    out[o++] = 0x3d;
  } else if (rest === 2) {
    const n = (bytes[full]! << 16) | (bytes[full + 1]! << 8);
    out[o++] = ENCODE[n >> 18]!;
    out[o++] = ENCODE[(n >> 12) & 63]!;
    out[o++] = ENCODE[(n >> 6) & 63]!;
    out[o++] = 0x3d;
  }
  return fromAscii.decode(out);
}

/** Lower-case hex, as shown in dialogs. */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** SHA-256 of bytes through WebCrypto (a global in Node 20 and browsers). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return toHex(new Uint8Array(digest));
}

/** The concatenation of `parts`, one copy each. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
