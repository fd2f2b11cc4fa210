// A few DER encoders for the one extension @peculiar/x509 has no class for: NameConstraints (RFC 5280 §4.2.1.10).

function len(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

export function tlv(tag: number, content: Uint8Array): Uint8Array {
  const l = len(content.length);
  const out = new Uint8Array(1 + l.length + content.length);
  out[0] = tag;
  out.set(l, 1);
  out.set(content, 1 + l.length);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** A permitted subtree: an IP address with its mask, or a DNS name. */
export type Subtree = { ip: Uint8Array; mask: Uint8Array } | { dns: string };

/**
 * NameConstraints ::= SEQUENCE { permittedSubtrees [0] GeneralSubtrees }; GeneralSubtree ::= SEQUENCE { base GeneralName }.
 * iPAddress is [7] IMPLICIT OCTET STRING (address || mask), dNSName is [2] IMPLICIT IA5String.
 */
export function nameConstraintsPermitted(subtrees: Subtree[]): Uint8Array {
  const encoded = subtrees.map((s) => {
    const base = 'ip' in s ? tlv(0x87, concat([s.ip, s.mask])) : tlv(0x82, new TextEncoder().encode(s.dns));
    return tlv(0x30, base);
  });
  return tlv(0x30, tlv(0xa0, concat(encoded)));
}

/** 127.0.0.1/32, ::1/128 and localhost: the only names a certificate under the local CA may carry. */
export const LOOPBACK_SUBTREES: Subtree[] = [
  { ip: Uint8Array.of(127, 0, 0, 1), mask: Uint8Array.of(255, 255, 255, 255) },
  { ip: Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1), mask: new Uint8Array(16).fill(255) },
  { dns: 'localhost' },
];
