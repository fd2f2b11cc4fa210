// Revocation data carried by a document (PDF DSS, CAdES revocation values): what it says about one certificate.
import * as asn1js from 'asn1js';
import type { RevocationReason } from '../../core/status/port.js';
import type { CertInfo } from './cert-info.js';
import { checkCrl } from './crl.js';
import { checkOcspResponse } from './ocsp.js';

export interface EmbeddedStatus {
  status: 'good' | 'revoked' | 'unknown';
  source: 'ocsp' | 'crl' | 'none';
  /** thisUpdate of the answer used. */
  at?: Date;
  revokedAt?: Date;
  reason?: RevocationReason;
}

/** Most OCSP responses and CRLs looked at per certificate (a document is untrusted input). */
const MAX_ITEMS = 16;

/**
 * The first genuine answer about `cert` among the embedded OCSP responses (either CertID hash), then CRLs: signed
 * by `issuer` or its delegated responder, judged without a clock (the data speaks for its own time). A revoked
 * answer wins over a good one, as any genuine revocation is a fact.
 */
export async function embeddedStatus(cert: CertInfo, issuer: CertInfo, ocsps: readonly Uint8Array[], crls: readonly Uint8Array[]): Promise<EmbeddedStatus> {
  let good: EmbeddedStatus | undefined;
  for (const der of ocsps.slice(0, MAX_ITEMS)) {
    for (const hash of ['SHA-1', 'SHA-256'] as const) {
      const v = await checkOcspResponse(der, { hash }, cert, issuer, null);
      if (!v.ok || v.status === 'unknown') continue;
      if (v.status === 'revoked') return { status: 'revoked', source: 'ocsp', at: v.thisUpdate, ...(v.revokedAt ? { revokedAt: v.revokedAt } : {}), ...(v.reason ? { reason: v.reason } : {}) };
      good ??= { status: 'good', source: 'ocsp', at: v.thisUpdate };
      break;
    }
  }
  for (const der of crls.slice(0, MAX_ITEMS)) {
    const v = await checkCrl(der, cert, issuer, null);
    if (!v.ok) continue;
    if (v.status === 'revoked') return { status: 'revoked', source: 'crl', at: v.thisUpdate, ...(v.revokedAt ? { revokedAt: v.revokedAt } : {}), ...(v.reason ? { reason: v.reason } : {}) };
    good ??= { status: 'good', source: 'crl', at: v.thisUpdate };
  }
  return good ?? { status: 'unknown', source: 'none' };
}

/** A BasicOCSPResponse (as CAdES revocation values carry it) wrapped as an OCSPResponse (status successful). */
export function wrapBasicOcsp(basic: Uint8Array): Uint8Array {
  const bytes = new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: '1.3.6.1.5.5.7.48.1.1' }), new asn1js.OctetString({ valueHex: basic })] });
  const response = new asn1js.Sequence({
    value: [new asn1js.Enumerated({ value: 0 }), new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [bytes] })],
  });
  return new Uint8Array(response.toBER());
}
