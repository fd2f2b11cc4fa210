// ECDSA signature encodings: raw r||s (PKCS#11 CKM_ECDSA, XMLDSig) and DER SEQUENCE{r,s} (CMS, X.509).

/** Start of the minimal two's-complement magnitude of an unsigned big-endian integer, and whether it needs 0x00. */
function intBounds(b: Uint8Array, from: number, to: number): { start: number; pad: number } {
  let i = from;
  while (i < to - 1 && b[i] === 0) i++;
  return { start: i, pad: (b[i] ?? 0) & 0x80 ? 1 : 0 };
}

/** raw r||s (equal halves) → DER SEQUENCE { INTEGER r, INTEGER s } (X9.62). One allocation. */
export function ecdsaRawToDer(raw: Uint8Array): Buffer {
  if (raw.length === 0 || raw.length % 2 !== 0) throw new RangeError('ECDSA signature must be r||s of equal halves');
  const half = raw.length / 2;
  const r = intBounds(raw, 0, half);
  const s = intBounds(raw, half, raw.length);
  const rLen = half - r.start + r.pad;
  const sLen = raw.length - s.start + s.pad;
  const body = 2 + rLen + 2 + sLen;
  if (rLen >= 0x80 || sLen >= 0x80 || body > 0xff) throw new RangeError('ECDSA signature too long');
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

/** DER SEQUENCE{r,s} → raw r||s with each half `size` bytes (32 for P-256). Throws on malformed input. */
export function ecdsaDerToRaw(der: Uint8Array, size: number): Uint8Array {
  let pos = 0;
  const readLen = (): number => {
    const b = der[pos++] ?? 0;
    if (b < 0x80) return b;
    let n = 0;
    for (let k = 0; k < (b & 0x7f); k++) n = (n << 8) | (der[pos++] ?? 0);
    return n;
  };
  if (der[pos++] !== 0x30) throw new Error('not an ECDSA DER signature');
  readLen();
  const out = new Uint8Array(size * 2);
  for (let part = 0; part < 2; part++) {
    if (der[pos++] !== 0x02) throw new Error('not an ECDSA DER signature');
    const len = readLen();
    let v = der.subarray(pos, pos + len);
    pos += len;
    while (v.length > size && v[0] === 0) v = v.subarray(1);
    if (v.length > size) throw new Error('ECDSA integer too long');
    out.set(v, part * size + (size - v.length));
  }
  return out;
}
