// ECDSA over a precomputed digest in BigInt arithmetic: node:crypto always hashes, tokens do not (test/bench only).
import { randomBytes, type KeyObject } from 'node:crypto';
import type { EcdsaFormat } from '../../core/types.js';
import { ecdsaRawToDer } from '../../asn1/index.js';

interface Curve { p: bigint; a: bigint; n: bigint; gx: bigint; gy: bigint; size: number }

const CURVES: Record<string, Curve> = {
  'P-256': {
    p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
    a: 0xffffffff00000001000000000000000000000000fffffffffffffffffffffffcn,
    n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
    gx: 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
    gy: 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
    size: 32,
  },
  'P-384': {
    p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffffn,
    a: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000fffffffcn,
    n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
    gx: 0xaa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7n,
    gy: 0x3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5fn,
    size: 48,
  },
};

const mod = (x: bigint, m: bigint): bigint => ((x % m) + m) % m;

function inv(x: bigint, m: bigint): bigint {
  let [a, b, u, v] = [mod(x, m), m, 1n, 0n];
  while (b !== 0n) {
    const q = a / b;
    [a, b] = [b, a - q * b];
    [u, v] = [v, u - q * v];
  }
  return mod(u, m);
}

type Jac = [bigint, bigint, bigint];

function dbl(P: Jac, c: Curve): Jac {
  const [X, Y, Z] = P;
  if (Y === 0n || Z === 0n) return [0n, 1n, 0n];
  const p = c.p;
  const YY = mod(Y * Y, p);
  const S = mod(4n * X * YY, p);
  const ZZ = mod(Z * Z, p);
  const M = mod(3n * X * X + c.a * ZZ * ZZ, p);
  const X3 = mod(M * M - 2n * S, p);
  const Y3 = mod(M * (S - X3) - 8n * YY * YY, p);
  const Z3 = mod(2n * Y * Z, p);
  return [X3, Y3, Z3];
}

function add(P: Jac, Q: Jac, c: Curve): Jac {
  if (P[2] === 0n) return Q;
  if (Q[2] === 0n) return P;
  const p = c.p;
  const Z1Z1 = mod(P[2] * P[2], p);
  const Z2Z2 = mod(Q[2] * Q[2], p);
  const U1 = mod(P[0] * Z2Z2, p);
  const U2 = mod(Q[0] * Z1Z1, p);
  const S1 = mod(P[1] * Q[2] * Z2Z2, p);
  const S2 = mod(Q[1] * P[2] * Z1Z1, p);
  if (U1 === U2) return S1 === S2 ? dbl(P, c) : [0n, 1n, 0n];
  const H = mod(U2 - U1, p);
  const R = mod(S2 - S1, p);
  const HH = mod(H * H, p);
  const HHH = mod(H * HH, p);
  const V = mod(U1 * HH, p);
  const X3 = mod(R * R - HHH - 2n * V, p);
  const Y3 = mod(R * (V - X3) - S1 * HHH, p);
  const Z3 = mod(P[2] * Q[2] * H, p);
  return [X3, Y3, Z3];
}

function mulG(k: bigint, c: Curve): bigint {
  let R: Jac = [0n, 1n, 0n];
  let A: Jac = [c.gx, c.gy, 1n];
  while (k > 0n) {
    if (k & 1n) R = add(R, A, c);
    A = dbl(A, c);
    k >>= 1n;
  }
  const zi = inv(R[2], c.p);
  return mod(R[0] * zi * zi, c.p);
}

const toBig = (b: Uint8Array): bigint => (b.length === 0 ? 0n : BigInt('0x' + Buffer.from(b).toString('hex')));
const toBytes = (x: bigint, size: number): Buffer => Buffer.from(x.toString(16).padStart(size * 2, '0'), 'hex');

/** Signs `digest` (already hashed) with an EC private key; DER SEQUENCE{r,s} or raw r||s. */
export function ecdsaSignDigest(key: KeyObject, digest: Uint8Array, format: EcdsaFormat): Uint8Array {
  const jwk = key.export({ format: 'jwk' });
  const c = CURVES[jwk.crv ?? ''];
  if (!c || !jwk.d) throw new Error(`unsupported curve ${String(jwk.crv)}`);
  const d = toBig(Buffer.from(jwk.d, 'base64url'));
  // FIPS 186-4: take the leftmost bits of the digest when it is longer than the order.
  let e = toBig(digest);
  const excess = digest.length * 8 - c.size * 8;
  if (excess > 0) e >>= BigInt(excess);
  for (;;) {
    const k = mod(toBig(randomBytes(c.size + 8)), c.n - 1n) + 1n;
    const r = mod(mulG(k, c), c.n);
    if (r === 0n) continue;
    const s = mod(inv(k, c.n) * (e + r * d), c.n);
    if (s === 0n) continue;
    const raw = new Uint8Array(Buffer.concat([toBytes(r, c.size), toBytes(s, c.size)]));
    return format === 'raw' ? raw : ecdsaRawToDer(raw);
  }
}
