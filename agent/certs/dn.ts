// RFC 4514-style distinguished-name strings and attribute lookup, keeping UTF-8 (Vietnamese) text intact.
// @peculiar/x509's CommonJS build (what Node resolves) needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

/** OID → short name for the attributes Vietnamese CA certificates carry (RFC 4514 §3 plus common extras). */
const SHORT_NAMES: Record<string, string> = {
  CN: '2.5.4.3', L: '2.5.4.7', ST: '2.5.4.8', O: '2.5.4.10', OU: '2.5.4.11', C: '2.5.4.6', STREET: '2.5.4.9',
  DC: '0.9.2342.19200300.100.1.25', UID: '0.9.2342.19200300.100.1.1', E: '1.2.840.113549.1.9.1',
  SERIALNUMBER: '2.5.4.5', title: '2.5.4.12', GN: '2.5.4.42', SN: '2.5.4.4',
  organizationIdentifier: '2.5.4.97', postalCode: '2.5.4.17',
};

/** OID of the subject UID attribute where Vietnamese CAs put CCCD/CMND/MST/HC/MNS identifiers. */
export const OID_UID = '0.9.2342.19200300.100.1.1';

export interface RdnAttribute {
  /** Short name (CN, O, UID…) or dotted OID when unknown. */
  type: string;
  /** Decoded string value, or `#hex` of the DER value for non-string types. */
  value: string;
}

/** The name's RDNs in encoded order (C first for typical certificates), each a set of attributes. */
export function nameRdns(nameDer: ArrayBuffer | Uint8Array): RdnAttribute[][] {
  const name = new x509.Name(new Uint8Array(nameDer), SHORT_NAMES);
  return name.toJSON().map((rdn) => Object.entries(rdn).flatMap(([type, values]) => values.map((value) => ({ type, value }))));
}

/** RFC 4514 §2.4 escaping: special characters, leading space/#, trailing space, control characters. UTF-8 stays as is. */
function escapeValue(value: string): string {
  if (value.startsWith('#') && /^#[0-9a-f]*$/i.test(value)) return value; // already a hex-encoded BER value
  let out = value.replace(/["+,;<>\\=]/g, '\\$&');
  out = Array.from(out, (c) => (c.charCodeAt(0) < 0x20 ? `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}` : c)).join('');
  if (out.startsWith(' ') || out.startsWith('#')) out = `\\${out}`;
  if (out.endsWith(' ') && !out.endsWith('\\ ')) out = `${out.slice(0, -1)}\\ `;
  return out;
}

/**
 * RFC 4514 string: RDNs from last to first (most specific first, e.g. `UID=CCCD:…,CN=NGUYỄN VĂN AN,…,C=VN`),
 * multi-valued RDNs joined by `+`. Separated by "," with no space, as RFC 4514 and `openssl -nameopt RFC2253` print.
 */
export function formatDn(rdns: RdnAttribute[][]): string {
  return [...rdns].reverse().map((rdn) => rdn.map((a) => `${a.type}=${escapeValue(a.value)}`).join('+')).join(',');
}

/** All values of one attribute type (short name or OID), in encoded order. */
export function attributeValues(rdns: RdnAttribute[][], type: string): string[] {
  const oid = SHORT_NAMES[type];
  return rdns.flat().filter((a) => a.type === type || (oid !== undefined && a.type === oid)).map((a) => a.value);
}
