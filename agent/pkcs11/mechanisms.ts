// Signing inputs per scheme: DigestInfo for RSA PKCS#1 v1.5, PSS parameters, ECDSA (DER/raw forms: agent/asn1).
import { digestInfo } from '../asn1/index.js';
import { AgentError } from '../core/errors.js';
import { HASH_LENGTH } from '../core/types.js';
import type { HashAlgorithm, SignScheme } from '../core/types.js';
import * as C from './constants.js';

const PSS_HASH: Record<HashAlgorithm, { hashAlg: number; mgf: number; len: number }> = {
  'SHA-1': { hashAlg: C.CKM_SHA_1, mgf: C.CKG_MGF1_SHA1, len: 20 },
  'SHA-256': { hashAlg: C.CKM_SHA256, mgf: C.CKG_MGF1_SHA256, len: 32 },
  'SHA-384': { hashAlg: C.CKM_SHA384, mgf: C.CKG_MGF1_SHA384, len: 48 },
  'SHA-512': { hashAlg: C.CKM_SHA512, mgf: C.CKG_MGF1_SHA512, len: 64 },
};

/** The mechanism shape pkcs11js accepts (its `Mechanism`, restated to keep this file free of the addon types). */
export interface SignMechanism {
  mechanism: number;
  parameter?: { type: number; hashAlg: number; mgf: number; saltLen: number };
}

export const RSA_PKCS: SignMechanism = { mechanism: C.CKM_RSA_PKCS };
export const ECDSA: SignMechanism = { mechanism: C.CKM_ECDSA };

/** Frozen per hash: the hot path reuses them instead of allocating. */
const PSS: Record<HashAlgorithm, SignMechanism> = Object.fromEntries(
  (Object.keys(PSS_HASH) as HashAlgorithm[]).map((h) => {
    const p = PSS_HASH[h];
    return [h, { mechanism: C.CKM_RSA_PKCS_PSS, parameter: { type: C.CK_PARAMS_RSA_PSS, hashAlg: p.hashAlg, mgf: p.mgf, saltLen: p.len } }];
  }),
) as Record<HashAlgorithm, SignMechanism>;

/** CKM_RSA_PKCS_PSS with MGF1 of the same hash and salt length = hash length (what CAdES/PAdES validators expect). */
export function pssMechanism(hash: HashAlgorithm): SignMechanism {
  return PSS[hash];
}

/** What C_SignInit + C_Sign get for one request. */
export interface SigningInput {
  mechanism: SignMechanism;
  data: Buffer;
  scheme: SignScheme;
}

function asBuffer(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

/**
 * Validates a digest against its algorithm and the key, and picks mechanism + input:
 * RSA PKCS#1 v1.5 → CKM_RSA_PKCS over DigestInfo; RSA-PSS → CKM_RSA_PKCS_PSS over the digest; EC → CKM_ECDSA over
 * the digest. Wrong length → HASH_LENGTH_INVALID; a scheme the key cannot do → ALGORITHM_UNSUPPORTED.
 */
export function signingInput(kind: 'RSA' | 'EC' | 'other', request: { digest: Uint8Array; hashAlgorithm: HashAlgorithm; scheme?: SignScheme }): SigningInput {
  const hash = request.hashAlgorithm;
  const expected = HASH_LENGTH[hash] as number | undefined;
  if (expected === undefined) throw new AgentError('ALGORITHM_UNSUPPORTED', 'Thuật toán băm không được hỗ trợ / Unsupported hash algorithm');
  if (request.digest.length !== expected) {
    throw new AgentError('HASH_LENGTH_INVALID', `Giá trị băm ${hash} phải dài ${expected} byte / A ${hash} digest is ${expected} bytes`);
  }
  const scheme: SignScheme = request.scheme ?? (kind === 'EC' ? 'ECDSA' : 'PKCS1v15');
  if (kind === 'RSA' && scheme === 'PKCS1v15') return { mechanism: RSA_PKCS, data: digestInfo(hash, request.digest), scheme };
  if (kind === 'RSA' && scheme === 'PSS') return { mechanism: pssMechanism(hash), data: asBuffer(request.digest), scheme };
  if (kind === 'EC' && scheme === 'ECDSA') return { mechanism: ECDSA, data: asBuffer(request.digest), scheme };
  throw new AgentError('ALGORITHM_UNSUPPORTED', `Khoá ${kind} không ký được ${scheme} / A ${kind} key cannot sign ${scheme}`);
}
