// ECDSA signature encodings: raw r||s (XMLDSig, PKCS#11) and DER SEQUENCE{r,s} (CMS, X.509).

function derInt(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const v = bytes.subarray(i);
  const pad = ((v[0] ?? 0) & 0x80) !== 0 ? 1 : 0;
  const out = new Uint8Array(2 + pad + v.length);
  out[0] = 0x02;
  out[1] = pad + v.length;
  out.set(v, 2 + pad);
  return out;
}

function derLength(n: number): number[] {
  if (n < 0x80) return [n];
  if (n < 0x100) return [0x81, n];
  return [0x82, n >> 8, n & 0xff];
}

/** raw r||s (equal halves) → DER SEQUENCE{INTEGER r, INTEGER s}. */
export function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2;
  const r = derInt(raw.subarray(0, half));
  const s = derInt(raw.subarray(half));
  const len = derLength(r.length + s.length);
  const out = new Uint8Array(1 + len.length + r.length + s.length);
  out[0] = 0x30;
  out.set(len, 1);
  out.set(r, 1 + len.length);
  out.set(s, 1 + len.length + r.length);
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
