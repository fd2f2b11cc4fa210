// Validation data for long-term signatures (PAdES B-LT): the chain and the signer's OCSP/CRL answer, or a refusal.
import { AgentError } from '../errors.js';
import type { DigestSigner, DocumentSigners, PdfPlan, PdfSignOptions, PdfValidationData } from '../ports.js';
import { decodeBase64 } from '../protocol/encoding.js';
import type { CertificateStatus, StatusReport } from './port.js';

/**
 * Asks the status service for fresh evidence (fetched after the signature was made and timestamped, as long-term
 * validation wants revocation data newer than the signature) for the signer and every CA below the anchor. A B-LT signature
 * without revocation data would claim a level it does not have: refused with CERTIFICATE_NOT_FOUND and the why.
 */
export async function longTermMaterial(status: CertificateStatus | undefined, certificate: Uint8Array, chain: Uint8Array[], signal?: AbortSignal): Promise<PdfValidationData> {
  const refuse = (why: string): AgentError => new AgentError('CERTIFICATE_NOT_FOUND', 'No validation data for a long-term signature', {
    detail: `B-LT/B-LTA needs the certificate status: ${why}`,
  });
  if (!status) throw refuse('no certificate status service is configured');
  const ask = (cert: Uint8Array, candidates: Uint8Array[]): Promise<StatusReport> =>
    status.check({ certificate: cert, candidates, purpose: 'token', fresh: true, allSources: true, ...(signal ? { signal } : {}) });
  const key = (c: Uint8Array): string => c.join(',');
  // The token usually hands over the whole chain: its CAs are asked about at the same time as the signer, so the
  // wait is about one round trip, not one per level. The chain the signer's answer found decides what is used.
  const signer = ask(certificate, chain);
  const early = new Map(chain.map((c, i) => [key(c), ask(c, chain.slice(i + 1))] as const));
  const report = await signer;
  if (report.status !== 'good' || !report.evidence) throw refuse(report.detail ?? `status ${report.status}`);
  const ocsps = [...report.evidence.ocspResponses];
  const crls = [...report.evidence.crls];
  // Every CA below the anchor needs its own revocation data (ETSI EN 319 102-1 long-term validation).
  const issuers = report.evidence.chain;
  for (let i = 0; i < issuers.length - (report.evidence.anchored ? 1 : 0); i++) {
    const ca = await (early.get(key(issuers[i]!)) ?? ask(issuers[i]!, issuers.slice(i + 1)));
    if (ca.status !== 'good' || !ca.evidence) throw refuse(`issuing CA ${i + 1}: ${ca.detail ?? `status ${ca.status}`}`);
    ocsps.push(...ca.evidence.ocspResponses);
    crls.push(...ca.evidence.crls);
  }
  const seen = new Set<string>();
  const certs = [certificate, ...issuers, ...chain].filter((c) => {
    const key = c.join(',');
    return seen.has(key) ? false : (seen.add(key), true);
  });
  return { certs, ocsps, crls };
}

/**
 * PAdES at any level: B-B/B-T in one update; B-LT/B-LTA sign and timestamp (B-T) first, then fetch revocation data
 * newer than that timestamp, then add the DSS (and for B-LTA the document timestamp). sign.pdf and the CLI share it.
 */
export async function signPdfAtLevel(
  documents: DocumentSigners, status: CertificateStatus | undefined, plan: PdfPlan, options: PdfSignOptions, signer: DigestSigner, signal?: AbortSignal,
): Promise<Uint8Array> {
  const { level } = options;
  if (level !== 'B-LT' && level !== 'B-LTA') return documents.signPdf(plan, options, signer);
  if (!documents.extendPdf) throw new AgentError('INTERNAL', 'INTERNAL', {}, 'documents.extendPdf is not wired');
  const signed = await documents.signPdf(plan, { ...options, level: 'B-T' }, signer);
  const validation = await longTermMaterial(status, decodeBase64(signer.certificate.der) ?? new Uint8Array(0), signer.chain, signal);
  return documents.extendPdf(signed, { level, validation, hashAlgorithm: options.hashAlgorithm, ...(options.timestamp ? { timestamp: options.timestamp } : {}) });
}
