// Signature algorithm identifiers per key kind and hash, shared by CMS and verification.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { AgentError } from '../core/errors.js';
import { HASH_LENGTH, type HashAlgorithm, type SignScheme } from '../core/types.js';
import { HASH_OID } from '../asn1/index.js';

export type KeyKind = 'RSA' | 'RSA-PSS' | 'EC';

/** What formats need to know about the signer's key, read from its certificate. */
export interface SignerKey {
  kind: KeyKind;
  /** EC only: field size in bytes (32 for P-256), the length of each half of a raw r||s signature. */
  ecSize?: number;
}

const EC_CURVE_SIZE: Record<string, number> = { '1.2.840.10045.3.1.7': 32, '1.3.132.0.34': 48, '1.3.132.0.35': 66 };

const byDer = new Map<string, SignerKey>();

/** signerKey() of a base64 DER certificate, cached: batches sign hundreds of documents with one certificate. */
export function signerKeyOf(certB64: string): SignerKey {
  let key = byDer.get(certB64);
  if (!key) {
    key = signerKey(pkijs.Certificate.fromBER(new Uint8Array(Buffer.from(certB64, 'base64'))));
    if (byDer.size > 64) byDer.clear();
    byDer.set(certB64, key);
  }
  return key;
}

/** Reads the key kind (and EC size) from a certificate's SubjectPublicKeyInfo. */
export function signerKey(cert: pkijs.Certificate): SignerKey {
  const spki = cert.subjectPublicKeyInfo.algorithm;
  switch (spki.algorithmId) {
    case '1.2.840.113549.1.1.1':
      return { kind: 'RSA' };
    case '1.2.840.113549.1.1.10':
      return { kind: 'RSA-PSS' };
    case '1.2.840.10045.2.1': {
      const params = spki.algorithmParams as asn1js.ObjectIdentifier | undefined;
      const curve = params instanceof asn1js.ObjectIdentifier ? params.valueBlock.toString() : '';
      const ecSize = EC_CURVE_SIZE[curve];
      if (!ecSize) throw new AgentError('ALGORITHM_UNSUPPORTED', 'Unsupported EC curve', { detail: `EC curve ${curve}` });
      return { kind: 'EC', ecSize };
    }
    default:
      throw new AgentError('ALGORITHM_UNSUPPORTED', 'Unsupported key algorithm', { detail: `key algorithm ${spki.algorithmId}` });
  }
}

/** The scheme to ask the token for: ECDSA for EC keys, PSS for PSS keys or when asked, else PKCS#1 v1.5. */
export function schemeFor(key: SignerKey, requested?: SignScheme): SignScheme {
  if (key.kind === 'EC') {
    if (requested && requested !== 'ECDSA') throw new AgentError('ALGORITHM_UNSUPPORTED', 'EC keys sign with ECDSA', { detail: `scheme ${requested} with an EC key` });
    return 'ECDSA';
  }
  if (requested === 'ECDSA') throw new AgentError('ALGORITHM_UNSUPPORTED', 'RSA keys cannot sign with ECDSA', { detail: 'scheme ECDSA with an RSA key' });
  if (key.kind === 'RSA-PSS') return 'PSS';
  return requested ?? 'PKCS1v15';
}

const RSA_OID: Record<HashAlgorithm, string> = {
  'SHA-1': '1.2.840.113549.1.1.5',
  'SHA-256': '1.2.840.113549.1.1.11',
  'SHA-384': '1.2.840.113549.1.1.12',
  'SHA-512': '1.2.840.113549.1.1.13',
};
const ECDSA_OID: Record<HashAlgorithm, string> = {
  'SHA-1': '1.2.840.10045.4.1',
  'SHA-256': '1.2.840.10045.4.3.2',
  'SHA-384': '1.2.840.10045.4.3.3',
  'SHA-512': '1.2.840.10045.4.3.4',
};
export const RSASSA_PSS_OID = '1.2.840.113549.1.1.10';
const MGF1_OID = '1.2.840.113549.1.1.8';

/** AlgorithmIdentifier of a hash (parameters absent, RFC 5754). */
export function hashAlgorithmIdentifier(hash: HashAlgorithm): pkijs.AlgorithmIdentifier {
  return new pkijs.AlgorithmIdentifier({ algorithmId: HASH_OID[hash] });
}

/** AlgorithmIdentifier of the signature: sha256WithRSAEncryption, RSASSA-PSS with params, or ecdsa-with-SHA256. */
export function signatureAlgorithmIdentifier(scheme: SignScheme, hash: HashAlgorithm): pkijs.AlgorithmIdentifier {
  if (scheme === 'PKCS1v15') return new pkijs.AlgorithmIdentifier({ algorithmId: RSA_OID[hash], algorithmParams: new asn1js.Null() });
  if (scheme === 'ECDSA') return new pkijs.AlgorithmIdentifier({ algorithmId: ECDSA_OID[hash] });
  const hashId = new pkijs.AlgorithmIdentifier({ algorithmId: HASH_OID[hash], algorithmParams: new asn1js.Null() });
  const params = new pkijs.RSASSAPSSParams({
    hashAlgorithm: hashId,
    maskGenAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: MGF1_OID, algorithmParams: hashId.toSchema() }),
    saltLength: HASH_LENGTH[hash],
  });
  return new pkijs.AlgorithmIdentifier({ algorithmId: RSASSA_PSS_OID, algorithmParams: params.toSchema() });
}

/** node:crypto hash names. */
export const NODE_HASH: Record<HashAlgorithm, string> = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };
