// CRLs (RFC 5280 §5): signed by the issuer, current, and whether our serial is on it (certificateHold = suspended).
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import type { RevocationReason } from '../../core/status/port.js';
import { sameBytes, type CertInfo } from './cert-info.js';
import { REASON_NAMES } from './ocsp.js';

const SKEW_MS = 5 * 60_000;

export type CrlVerdict =
  | { ok: true; status: 'good' | 'revoked'; thisUpdate: Date; nextUpdate?: Date; revokedAt?: Date; reason?: RevocationReason; der: Uint8Array }
  | { ok: false; why: string };

/**
 * Accepts DER or PEM; the CRL must be issued and signed by `issuer` and not past its nextUpdate. `now` null: a CRL
 * embedded in a document (verification), judged on what it says whatever its age.
 */
export async function checkCrl(body: Uint8Array, cert: CertInfo, issuer: CertInfo, now: Date | null): Promise<CrlVerdict> {
  let crl: x509.X509Crl;
  try {
    const text = body[0] === 0x2d ? Buffer.from(body).toString('latin1') : null; // '-----BEGIN X509 CRL-----'
    crl = text ? new x509.X509Crl(text) : new x509.X509Crl(new Uint8Array(body));
  } catch {
    return { ok: false, why: 'the CRL could not be parsed' };
  }
  const der = new Uint8Array(crl.rawData);
  if (!sameBytes(new Uint8Array(crl.issuerName.toArrayBuffer()), issuer.subjectDer)) return { ok: false, why: 'the CRL is not issued by the certificate\'s issuer' };
  let signed = false;
  try {
    signed = await crl.verify({ publicKey: issuer.cert.publicKey });
  } catch {
    signed = false;
  }
  if (!signed) return { ok: false, why: 'the CRL signature does not verify with the issuer' };
  const { thisUpdate, nextUpdate } = crl;
  if (now && thisUpdate.getTime() > now.getTime() + SKEW_MS) return { ok: false, why: 'the CRL is from the future' };
  if (now && nextUpdate && nextUpdate.getTime() < now.getTime() - SKEW_MS) return { ok: false, why: 'the CRL is stale (nextUpdate has passed)' };
  const base = { ok: true as const, thisUpdate, ...(nextUpdate ? { nextUpdate } : {}), der };
  const entry = crl.findRevoked(cert.cert);
  if (!entry) return { ...base, status: 'good' };
  const reason = entry.reason === undefined ? 'unspecified' : REASON_NAMES[entry.reason] ?? 'unspecified';
  if (reason === 'removeFromCRL') return { ...base, status: 'good' };
  return { ...base, status: 'revoked', revokedAt: entry.revocationDate, reason };
}
