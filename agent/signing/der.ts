// Minimal DER writing and certificate field extraction: outer CMS layers are assembled from raw parts so that
// large content is copied once (into the output) and the signer's names are re-used byte for byte.
import * as asn1js from 'asn1js';
import { AgentError } from '../core/errors.js';

function lengthBytes(n: number): Uint8Array {
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
  const out = new Uint8Array(n.length);
  let pos = 0;
  for (const p of n.parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

export const SEQUENCE = 0x30;
export const SET = 0x31;
export const OCTET_STRING = 0x04;
/** Context-specific constructed [n]. */
export const ctx = (n: number): number => 0xa0 | n;

/** DER of an asn1js value. */
export function encode(value: asn1js.AsnType): Uint8Array {
  return new Uint8Array(value.toBER(false));
}

/** DER of an OBJECT IDENTIFIER. */
export function oid(id: string): Uint8Array {
  return encode(new asn1js.ObjectIdentifier({ value: id }));
}

/** SET OF in DER order: elements sorted by their encodings (X.690 §11.6). */
export function derSetOf(elements: Uint8Array[], tag = SET): Uint8Array {
  const sorted = [...elements].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return tlv(tag, ...sorted);
}

/** The byte-exact pieces of a certificate that CMS and XMLDSig copy. */
export interface CertParts {
  der: Uint8Array;
  /** Issuer Name TLV. */
  issuer: Uint8Array;
  /** Serial INTEGER TLV. */
  serial: Uint8Array;
  /** Serial as an unsigned decimal string (XMLDSig X509SerialNumber). */
  serialDecimal: string;
}

/** Extracts issuer and serial from a certificate DER without re-encoding them. */
export function certParts(der: Uint8Array): CertParts {
  const parsed = asn1js.fromBER(new Uint8Array(der));
  const cert = parsed.result as asn1js.Sequence;
  const tbs = cert.valueBlock?.value?.[0] as asn1js.Sequence | undefined;
  const fields = tbs?.valueBlock?.value;
  if (parsed.offset === -1 || !fields) throw new AgentError('DOCUMENT_INVALID', 'Bad certificate', { detail: 'the signer certificate is not X.509 DER' });
  // TBSCertificate: [0] version (optional), serialNumber, signature, issuer, …
  const hasVersion = fields[0]?.idBlock.tagClass === 3;
  const serialEl = fields[hasVersion ? 1 : 0] as asn1js.Integer;
  const issuerEl = fields[hasVersion ? 3 : 2];
  if (!serialEl || !issuerEl) throw new AgentError('DOCUMENT_INVALID', 'Bad certificate', { detail: 'the signer certificate is not X.509 DER' });
  const serialHex = Buffer.from(serialEl.valueBlock.valueHexView).toString('hex') || '00';
  return {
    der,
    issuer: new Uint8Array(issuerEl.valueBeforeDecodeView),
    serial: new Uint8Array(serialEl.valueBeforeDecodeView),
    serialDecimal: BigInt('0x' + serialHex).toString(10),
  };
}
