// DER TLV writing: tag + length + content, joined once (large content is copied into the output a single time).
import { concatBytes as concat } from '../core/protocol/encoding.js';

/** The concatenation of `parts` (the core's byte join, under the name every DER writer here uses). */
export { concat };

/** DER length octets of `n` (short form below 128, long form above). */
export function lengthBytes(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** One TLV with the given tag byte around the concatenation of `parts`. */
export function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const len = parts.reduce((n, p) => n + p.length, 0);
  const header = lengthBytes(len);
  const out = new Uint8Array(1 + header.length + len);
  out[0] = tag;
  out.set(header, 1);
  let pos = 1 + header.length;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}


/** A TLV whose bytes are not joined yet: large content is copied once, when the outermost value is flattened. */
export interface DerNode {
  parts: Uint8Array[];
  length: number;
}

/** Like tlv() but keeps the children as parts (for values wrapping large content). */
export function node(tag: number, ...children: (Uint8Array | DerNode)[]): DerNode {
  const parts: Uint8Array[] = [];
  let len = 0;
  for (const c of children) {
    if (c instanceof Uint8Array) {
      parts.push(c);
      len += c.length;
    } else {
      parts.push(...c.parts);
      len += c.length;
    }
  }
  const header = Uint8Array.of(tag, ...lengthBytes(len));
  return { parts: [header, ...parts], length: header.length + len };
}

/** Joins a DerNode into one buffer. */
export function flatten(n: DerNode): Uint8Array {
  return concat(n.parts);
}

export const SEQUENCE = 0x30;
export const SET = 0x31;
export const OCTET_STRING = 0x04;
/** Context-specific constructed [n]. */
export const ctx = (n: number): number => 0xa0 | n;

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** SET OF in DER order: elements sorted by their encodings (X.690 §11.6). */
export function derSetOf(elements: Uint8Array[], tag = SET): Uint8Array {
  return tlv(tag, ...[...elements].sort(compareBytes));
}
