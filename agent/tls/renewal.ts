// When the leaf must be renewed, and certificate fingerprints: node:crypto only, so start-up stays light.
import { createHash, X509Certificate as NodeX509 } from 'node:crypto';

/** The leaf is renewed once this share of its life has passed. */
export const RENEW_AT = 0.8;

/** True when the leaf is missing its dates, expired, not yet valid, or past RENEW_AT of its lifetime. */
export function needsRenewal(leafPem: string, now: Date = new Date()): boolean {
  try {
    const cert = new NodeX509(leafPem);
    const from = new Date(cert.validFrom).getTime();
    const to = new Date(cert.validTo).getTime();
    const t = now.getTime();
    if (!(to > from) || t < from || t >= to) return true;
    return t >= from + (to - from) * RENEW_AT;
  } catch {
    return true;
  }
}

/** SHA-256 of a PEM certificate's DER, lower-case hex. */
export function pemSha256(certPem: string): string {
  return createHash('sha256').update(new NodeX509(certPem).raw).digest('hex');
}
