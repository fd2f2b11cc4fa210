// DigestInfo (RFC 8017 §9.2): what RSA PKCS#1 v1.5 signs, and the hash algorithm OIDs.
import type { HashAlgorithm } from '../core/types.js';

/**
 * DER prefix of DigestInfo ::= SEQUENCE { AlgorithmIdentifier { oid, NULL }, OCTET STRING digest } per hash
 * (RFC 8017 §9.2 note 1): CKM_RSA_PKCS signs exactly these bytes followed by the digest.
 */
const DIGEST_INFO_PREFIX: Record<HashAlgorithm, Buffer> = {
  'SHA-1': Buffer.from('3021300906052b0e03021a05000414', 'hex'),
  'SHA-256': Buffer.from('3031300d060960864801650304020105000420', 'hex'),
  'SHA-384': Buffer.from('3041300d060960864801650304020205000430', 'hex'),
  'SHA-512': Buffer.from('3051300d060960864801650304020305000440', 'hex'),
};

/** Hash OIDs (id-sha1, id-sha256…). */
export const HASH_OID: Record<HashAlgorithm, string> = {
  'SHA-1': '1.3.14.3.2.26',
  'SHA-256': '2.16.840.1.101.3.4.2.1',
  'SHA-384': '2.16.840.1.101.3.4.2.2',
  'SHA-512': '2.16.840.1.101.3.4.2.3',
};

/** The hash algorithm for an OID, undefined when unknown. */
export function hashFromOid(oid: string): HashAlgorithm | undefined {
  return (Object.keys(HASH_OID) as HashAlgorithm[]).find((h) => HASH_OID[h] === oid);
}

/** DER DigestInfo for a digest (the caller has checked the digest length). One allocation: the token hot path. */
export function digestInfo(hash: HashAlgorithm, digest: Uint8Array): Buffer {
  const prefix = DIGEST_INFO_PREFIX[hash];
  const out = Buffer.allocUnsafe(prefix.length + digest.length);
  prefix.copy(out, 0);
  out.set(digest, prefix.length);
  return out;
}
