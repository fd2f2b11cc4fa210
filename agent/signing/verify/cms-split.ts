// Attached CMS larger than the ASN.1 parser takes (16 MiB of content): the encapsulated content is cut out as a view
// and the rest re-encoded as a detached SignedData, so only the small part is parsed and the content is hashed in
// place (memory stays flat: no copy of the content). See docs/protocol.md (verify).
import { tlv } from '../../asn1/index.js';

/** Above this, the attached content is split off before parsing (asn1js refuses more than 16 MiB of content). */
export const SPLIT_ABOVE = 8 * 1024 * 1024;

interface Tlv {
  tag: number;
  /** Offset of the value. */
  start: number;
  /** Offset just after the value. */
  end: number;
  /** Offset of the tag byte. */
  at: number;
}

/** One definite-length DER TLV at `p` (single-byte tags, lengths up to 6 bytes); undefined when not DER. */
function read(b: Uint8Array, p: number, limit: number): Tlv | undefined {
  if (p + 2 > limit) return undefined;
  const tag = b[p]!;
  if ((tag & 0x1f) === 0x1f) return undefined;
  let len = b[p + 1]!;
  let q = p + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 6 || q + n > limit) return undefined; // indefinite (BER) or absurd
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[q + i]!;
    q += n;
  }
  if (q + len > limit) return undefined;
  return { tag, start: q, end: q + len, at: p };
}

/** The children of a constructed TLV. */
function children(b: Uint8Array, t: Tlv): Tlv[] | undefined {
  const out: Tlv[] = [];
  for (let p = t.start; p < t.end;) {
    const c = read(b, p, t.end);
    if (!c) return undefined;
    out.push(c);
    p = c.end;
  }
  return out;
}

/**
 * For a DER ContentInfo(SignedData) whose eContent is one primitive OCTET STRING: the same SignedData without the
 * eContent (detached) and a view of the content. undefined when the input is not of that shape (the caller then
 * parses it as it is).
 */
export function splitAttached(cms: Uint8Array): { detached: Uint8Array; content: Uint8Array } | undefined {
  const ci = read(cms, 0, cms.length);
  if (!ci || ci.tag !== 0x30) return undefined;
  const [oid, explicit] = children(cms, ci) ?? [];
  if (!oid || !explicit || explicit.tag !== 0xa0) return undefined;
  const sd = read(cms, explicit.start, explicit.end);
  if (!sd || sd.tag !== 0x30) return undefined;
  const parts = children(cms, sd);
  const encap = parts?.[2];
  if (!parts || !encap || encap.tag !== 0x30) return undefined;
  const encapParts = children(cms, encap);
  const eOid = encapParts?.[0];
  const eExplicit = encapParts?.[1];
  if (!eOid || !eExplicit || eExplicit.tag !== 0xa0) return undefined;
  const octets = read(cms, eExplicit.start, eExplicit.end);
  if (!octets || octets.tag !== 0x04 || octets.end !== eExplicit.end) return undefined;
  const view = (t: Tlv): Uint8Array => cms.subarray(t.at, t.end);
  const newEncap = tlv(0x30, view(eOid));
  const sdBody = parts.map((p, i) => (i === 2 ? newEncap : view(p)));
  const detached = tlv(0x30, view(oid), tlv(0xa0, tlv(0x30, ...sdBody)));
  return { detached, content: cms.subarray(octets.start, octets.end) };
}
