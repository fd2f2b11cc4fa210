// DER of the one extension @peculiar/x509 has no class for: NameConstraints (RFC 5280 §4.2.1.10).
import { concat, tlv } from '../asn1/index.js';

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
