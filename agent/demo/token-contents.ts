// What goes onto a token (key, certificate, or both) and the raw certificate fields PKCS#11 templates need.
import type { DemoKey } from './pki.js';

/** One logical token entry: a key pair and/or a certificate sharing a CKA_ID and CKA_LABEL. */
export interface TokenObject {
  label: string;
  /** CKA_ID; omit to leave the attribute out (keys must then be paired by public key). */
  id?: Uint8Array;
  /** Imported as CKO_PRIVATE_KEY (+ CKO_PUBLIC_KEY unless publicKey is false). */
  key?: DemoKey;
  publicKey?: boolean;
  /** Imported as CKO_CERTIFICATE / CKC_X_509. */
  certDer?: Uint8Array;
  /** CKA_CERTIFICATE_CATEGORY 2 (authority) instead of 1 (token user). */
  authority?: boolean;
}

interface Tlv {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  /** Offset of the contents. */
  body: number;
  /** Offset just past the contents. */
  end: number;
}

function readTlv(der: Uint8Array, at: number): Tlv {
  const byte = (i: number): number => {
    const b = der[i];
    if (b === undefined) throw new Error('truncated DER');
    return b;
  };
  const tag = byte(at);
  let i = at + 1;
  let len = byte(i++);
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new Error('unsupported DER length');
    len = 0;
    for (let k = 0; k < n; k++) len = len * 256 + byte(i++);
  }
  if (i + len > der.length) throw new Error('truncated DER');
  return { tag, start: at, body: i, end: i + len };
}

/**
 * The exact DER bytes of serialNumber (whole INTEGER TLV, as CKA_SERIAL_NUMBER wants), issuer and subject
 * of a certificate, taken from the encoding itself so they match byte for byte what other tools compare.
 */
export function certificateFields(der: Uint8Array): { serialDer: Uint8Array; issuer: Uint8Array; subject: Uint8Array } {
  const cert = readTlv(der, 0);
  const tbs = readTlv(der, cert.body);
  let cur = readTlv(der, tbs.body);
  if (cur.tag === 0xa0) cur = readTlv(der, cur.end); // explicit version
  const serial = cur;
  const sigAlg = readTlv(der, serial.end);
  const issuer = readTlv(der, sigAlg.end);
  const validity = readTlv(der, issuer.end);
  const subject = readTlv(der, validity.end);
  return {
    serialDer: der.slice(serial.start, serial.end),
    issuer: der.slice(issuer.start, issuer.end),
    subject: der.slice(subject.start, subject.end),
  };
}

/** Minimal view of a generated PKI that token layouts need (keeps this file free of the generator). */
export interface PkiForTokens {
  ca: { der: Uint8Array; key: DemoKey };
  certs: Record<string, { der: Uint8Array; key: DemoKey; keyMissing: boolean } | undefined>;
  keyOnly?: { key: DemoKey; label: string };
}

/**
 * The objects of one token: for each named certificate its key pair (unless the certificate is marked key-missing)
 * and the certificate, all under CKA_ID = the key identifier and CKA_LABEL = the name; optionally the issuing CA
 * certificate (authority, no key) and the key without a certificate.
 */
export function tokenObjectsFor(pki: PkiForTokens, names: readonly string[], extra: { ca?: boolean; keyOnly?: boolean } = {}): TokenObject[] {
  const out: TokenObject[] = [];
  for (const name of names) {
    const c = pki.certs[name];
    if (!c) throw new Error(`no certificate named ${name}`);
    out.push({ label: name, id: c.key.keyId, certDer: c.der, ...(c.keyMissing ? {} : { key: c.key }) });
  }
  if (extra.keyOnly && pki.keyOnly) out.push({ label: pki.keyOnly.label, id: pki.keyOnly.key.keyId, key: pki.keyOnly.key });
  if (extra.ca) out.push({ label: 'KYSO TEST CA', id: pki.ca.key.keyId, certDer: pki.ca.der, authority: true });
  return out;
}
