// PDF signatures and document timestamps for the report: verifyPdf's integrity, the CMS re-checked over its byte
// range for the timestamp and carried certificates, the DSS as embedded revocation data, and the updates after each.
import * as pkijs from 'pkijs';
import type { SignatureLevel, SignatureResult } from '../../core/verify/report.js';
import { PdfFile } from '../pades/document.js';
import { readDss, type ValidationMaterial } from '../pades/dss.js';
import { verifyPdf, type PdfSignatureReport } from '../pades/verify.js';
import { parseTimestampToken } from '../tsa/client.js';
import { checkTimestampToken, findCert, verifyCms } from './cms.js';
import { signatureResult, type TrustContext } from './facts.js';
import { changesAfter, pdfRevisions } from './pdf-revisions.js';

/** The bytes a /ByteRange covers, as one buffer. */
function signedBytes(pdf: Uint8Array, [a, b, c, d]: [number, number, number, number]): Uint8Array {
  const out = new Uint8Array(b + d);
  out.set(pdf.subarray(a, a + b), 0);
  out.set(pdf.subarray(c, c + d), b);
  return out;
}

function dssOf(pdf: Uint8Array): ValidationMaterial {
  try {
    return readDss(PdfFile.open(pdf)) ?? { certs: [], ocsps: [], crls: [] };
  } catch {
    return { certs: [], ocsps: [], crls: [] };
  }
}

/** The TSA certificate and the certificates a timestamp token carries. */
function tokenCertificates(token: Uint8Array): { tsa?: Uint8Array; carried: Uint8Array[] } {
  try {
    const { signedData } = parseTimestampToken(token);
    const der = (c: pkijs.Certificate) => new Uint8Array(c.toSchema().toBER(false));
    const si = signedData.signerInfos[0];
    const tsa = si ? findCert(signedData, si) : undefined;
    const carried = (signedData.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate).map(der);
    return { ...(tsa ? { tsa: der(tsa) } : {}), carried };
  } catch {
    return { carried: [] };
  }
}

async function documentTimestamp(pdf: Uint8Array, r: PdfSignatureReport, range: [number, number, number, number], dss: ValidationMaterial, ctx: TrustContext, revisions: ReturnType<typeof pdfRevisions>): Promise<SignatureResult> {
  const token = r.contents ?? new Uint8Array(0);
  const ts = await checkTimestampToken(token, signedBytes(pdf, range), { trustAnchors: [...ctx.anchorDers] });
  const { tsa, carried } = tokenCertificates(token);
  const failure = ts.valid ? null : ts.problem?.includes('not over this') ? 'modified' as const : 'broken' as const;
  return signatureResult({
    id: r.fieldName, kind: 'documentTimestamp', certificate: tsa, carried: [...carried, ...dss.certs], claimedTime: undefined, timestamp: ts,
    integrity: { intact: ts.valid, failure, problem: ts.valid ? null : ts.problem ?? null, coversWholeDocument: r.coversWholeDocument, changesAfter: changesAfter(revisions, range[2] + range[3]) },
    revocation: { ocsps: dss.ocsps, crls: dss.crls }, level: null, levelName: 'RFC 3161 (ETSI.RFC3161)',
  }, ctx);
}

/** Every signature and document timestamp of a PDF, in file order. */
export async function verifyPdfSignatures(pdf: Uint8Array, ctx: TrustContext): Promise<SignatureResult[]> {
  const reports = await verifyPdf(pdf);
  const revisions = pdfRevisions(pdf);
  const dss = dssOf(pdf);
  const out: SignatureResult[] = [];
  for (const r of reports) {
    const range = r.byteRange;
    if (range && r.subFilter === 'ETSI.RFC3161') {
      out.push(await documentTimestamp(pdf, r, range, dss, ctx, revisions));
      continue;
    }
    // Also for a broken signature: its carried certificates and timestamp still say who and when.
    const cms = range && r.contents
      ? (await verifyCms(r.contents, signedBytes(pdf, range), { trustAnchors: [...ctx.anchorDers] }).catch(() => []))[0]
      : undefined;
    const after = range ? changesAfter(revisions, range[2] + range[3]) : [];
    const failure = r.integrity ? null : r.problem === 'digest mismatch' ? 'modified' as const : 'broken' as const;
    const result = await signatureResult({
      id: r.fieldName, kind: 'signature', certificate: r.certificate, carried: [...(cms?.carried ?? []), ...dss.certs], claimedTime: r.signingTime,
      timestamp: cms?.timestamp, integrity: { intact: r.integrity, failure, problem: r.integrity ? null : r.problem ?? null, coversWholeDocument: r.coversWholeDocument, changesAfter: after },
      revocation: { ocsps: [...dss.ocsps, ...(cms?.revocation?.ocsps ?? [])], crls: [...dss.crls, ...(cms?.revocation?.crls ?? [])] },
      level: null, levelName: '',
    }, ctx);
    // The level from what is there: a signature timestamp (B-T), then validation data for this signer (B-LT), then a
    // document timestamp added after that data (B-LTA).
    let level: SignatureLevel = r.timestamped ? 'B-T' : 'B-B';
    if (level === 'B-T' && result.statusAtSigning.status !== 'unknown') {
      level = 'B-LT';
      const dataAt = after.findIndex((c) => c.kind === 'validationData');
      const stampAt = after.findIndex((c, i) => c.kind === 'documentTimestamp' && i > dataAt);
      if (dataAt >= 0 && stampAt >= 0) level = 'B-LTA';
    }
    result.level = level;
    result.levelName = r.subFilter === 'ETSI.CAdES.detached' ? `PAdES-${level}` : `PDF ${r.subFilter ?? '?'} (${level})`;
    out.push(result);
  }
  return out;
}
