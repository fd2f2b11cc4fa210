// A long base64 string of a large message, decoded from the message's bytes without ever becoming a string
// (docs/security.md "Large messages from approved sites"): what the params schema's base64 fields accept besides text.
import { base64DecodedLength, decodeBase64Into } from './encoding.js';
import { SLICE_CHARS } from './slices.js';

/**
 * Stands where the message had a long string literal all of base64 alphabet: its length in characters (what the
 * schema's size limit is checked against, as for the text) and what it decodes to, or null when it is not strict
 * padded base64 (the schema then answers as for such a text). Its fields are enumerable own properties on purpose:
 * reaching a schema field that is not base64 (a strict object among them) it is refused as a long text would be.
 */
export class Base64Literal {
  constructor(readonly chars: number, readonly bytes: Uint8Array | null) {}
}

/**
 * decodeBase64 of the ASCII bytes `src[from, to)`, with its strict rules, straight into the output array: one
 * SLICE_CHARS slice between two yields of the caller's generator. null when not strict padded base64.
 */
export function* decodeBase64Steps(src: Uint8Array, from: number, to: number): Generator<void, Uint8Array | null> {
  if ((to - from) % 4 !== 0) return null;
  const out = new Uint8Array(base64DecodedLength(src, from, to));
  for (let start = from; start < to; start += SLICE_CHARS) {
    const end = Math.min(start + SLICE_CHARS, to);
    // Padding belongs at the very end only (a '=' inside a slice is outside the alphabet for decodeBase64Into).
    if (end < to && src[end - 1] === 0x3d) return null;
    if (!decodeBase64Into(src, start, end, out, ((start - from) / 4) * 3)) return null;
    if (end < to) yield;
  }
  return out;
}
