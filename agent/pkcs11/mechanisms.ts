// Signing inputs per scheme: DigestInfo for RSA PKCS#1 v1.5, PSS parameters, and ECDSA raw r||s → DER.
import { AgentError } from '../core/errors.js';
import { HASH_LENGTH } from '../core/types.js';
import type { HashAlgorithm, SignScheme } from '../core/types.js';
import * as C from './constants.js';

/**
 * DER prefix of DigestInfo ::= SEQUENCE { AlgorithmIdentifier { oid, NULL }, OCTET STRING digest } per hash
 * (RFC 8017 §9.2 note 1). CKM_RSA_PKCS signs exactly these bytes followed by the digest.
 */
const DIGEST_INFO_PREFIX: Record<HashAlgorithm, Buffer> = {
  'SHA-1': Buffer.from('3021300906052b0e03021a05000414', 'hex'),
  'SHA-256': Buffer.from('3031300d060960864801650304020105000420', 'hex'),
  'SHA-384': Buffer.from('3041300d060960864801650304020205000430', 'hex'),
  'SHA-512': Buffer.from('3051300d060960864801650304020305000440', 'hex'),
};

/** DigestInfo bytes for a digest (the caller has already checked the digest length). */
export function digestInfo(hash: HashAlgorithm, digest: Uint8Array): Buffer {
  const prefix = DIGEST_INFO_PREFIX[hash];
  const out = Buffer.allocUnsafe(prefix.length + digest.length);
  prefix.copy(out, 0);
  out.set(digest, prefix.length);
  return out;
}

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

/** Start of the minimal two's-complement magnitude of an unsigned big-endian integer, and whether it needs 0x00. */
function intBounds(b: Uint8Array, from: number, to: number): { start: number; pad: number } {
  let i = from;
  while (i < to - 1 && b[i] === 0) i++;
  return { start: i, pad: (b[i] ?? 0) & 0x80 ? 1 : 0 };
}

/** ECDSA raw r||s (what CKM_ECDSA returns) → DER SEQUENCE { INTEGER r, INTEGER s } (X9.62). One allocation. */
export function ecdsaRawToDer(raw: Uint8Array): Buffer {
  if (raw.length === 0 || raw.length % 2 !== 0) throw new RangeError('ECDSA signature must be r||s of equal halves');
  const half = raw.length / 2;
  const r = intBounds(raw, 0, half);
  const s = intBounds(raw, half, raw.length);
  const rLen = half - r.start + r.pad;
  const sLen = raw.length - s.start + s.pad;
  const body = 2 + rLen + 2 + sLen;
  const head = body < 0x80 ? 2 : 3;
  const out = Buffer.allocUnsafe(head + body);
  let o = 0;
  out[o++] = 0x30;
  if (head === 3) out[o++] = 0x81;
  out[o++] = body;
  out[o++] = 0x02;
  out[o++] = rLen;
  if (r.pad) out[o++] = 0;
  out.set(raw.subarray(r.start, half), o);
  o += half - r.start;
  out[o++] = 0x02;
  out[o++] = sLen;
  if (s.pad) out[o++] = 0;
  out.set(raw.subarray(s.start), o);
  return out;
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
