// DigestInfo (RFC 8017 §9.2) and the hash algorithm OIDs/names the formats share.
import type { HashAlgorithm } from '../core/types.js';

/** DER prefixes of DigestInfo per hash: SEQUENCE{ SEQUENCE{ OID, NULL }, OCTET STRING(len) } before the digest. */
const DIGEST_INFO_PREFIX: Record<HashAlgorithm, string> = {
  'SHA-1': '3021300906052b0e03021a05000414',
  'SHA-256': '3031300d060960864801650304020105000420',
  'SHA-384': '3041300d060960864801650304020205000430',
  'SHA-512': '3051300d060960864801650304020305000440',
};

/** Hash OIDs (id-sha1, id-sha256…). */
export const HASH_OID: Record<HashAlgorithm, string> = {
  'SHA-1': '1.3.14.3.2.26',
  'SHA-256': '2.16.840.1.101.3.4.2.1',
  'SHA-384': '2.16.840.1.101.3.4.2.2',
  'SHA-512': '2.16.840.1.101.3.4.2.3',
};

/** node:crypto hash names. */
export const NODE_HASH: Record<HashAlgorithm, string> = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };

/** The hash algorithm for an OID, undefined when unknown. */
export function hashFromOid(oid: string): HashAlgorithm | undefined {
  return (Object.keys(HASH_OID) as HashAlgorithm[]).find((h) => HASH_OID[h] === oid);
}

/** DER DigestInfo for a digest: what RSA PKCS#1 v1.5 signs. */
export function digestInfo(hashAlgorithm: HashAlgorithm, digest: Uint8Array): Uint8Array {
  const prefix = Buffer.from(DIGEST_INFO_PREFIX[hashAlgorithm], 'hex');
  const out = new Uint8Array(prefix.length + digest.length);
  out.set(prefix, 0);
  out.set(digest, prefix.length);
  return out;
}

