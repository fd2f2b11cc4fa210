// Signature value checks with node:crypto for the algorithms the formats produce (PKCS#1 v1.5, PSS, ECDSA).
import { constants, createPublicKey, verify as nodeVerify, type KeyObject } from 'node:crypto';
import type * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { HashAlgorithm, SignScheme } from '../../core/types.js';
import { hashFromOid } from '../../asn1/index.js';
import { NODE_HASH } from '../algorithms.js';

/** Public key of a certificate for node:crypto. */
export function publicKeyOf(cert: pkijs.Certificate): KeyObject {
  return createPublicKey({ key: Buffer.from(cert.subjectPublicKeyInfo.toSchema().toBER(false)), format: 'der', type: 'spki' });
}

/** Verifies `signature` over `data` (not a digest) with scheme/hash; ECDSA as DER or raw r||s. */
export function verifyData(key: KeyObject, scheme: SignScheme, hash: HashAlgorithm, data: Uint8Array, signature: Uint8Array, options: { saltLength?: number; ecdsaRaw?: boolean } = {}): boolean {
  try {
    if (scheme === 'ECDSA') return nodeVerify(NODE_HASH[hash], data, { key, dsaEncoding: options.ecdsaRaw ? 'ieee-p1363' : 'der' }, signature);
    if (scheme === 'PSS') return nodeVerify(NODE_HASH[hash], data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: options.saltLength ?? constants.RSA_PSS_SALTLEN_AUTO }, signature);
    return nodeVerify(NODE_HASH[hash], data, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
  } catch {
    return false;
  }
}

/** Scheme (and PSS salt length) of a CMS signatureAlgorithm. Hash for PSS comes from its parameters. */
export function cmsScheme(alg: pkijs.AlgorithmIdentifier): { scheme: SignScheme; saltLength?: number; hash?: HashAlgorithm } | undefined {
  const id = alg.algorithmId;
  if (id === '1.2.840.113549.1.1.10') {
    const params = new pkijs.RSASSAPSSParams({ schema: alg.algorithmParams as asn1js.Sequence });
    return { scheme: 'PSS', saltLength: params.saltLength, hash: hashFromOid(params.hashAlgorithm.algorithmId) };
  }
  if (id.startsWith('1.2.840.10045.')) return { scheme: 'ECDSA' };
  if (id.startsWith('1.2.840.113549.1.1.')) return { scheme: 'PKCS1v15' };
  return undefined;
}
