// The verification service (docs/trust.md "Verification"): one report for PDF, CMS, XML and Office files — integrity
// from the format verifiers, then the same questions for every signature (facts.ts) and one verdict.
import { createHash } from 'node:crypto';
import { AgentError, isAgentError } from '../../core/errors.js';
import type { CertificateStatus } from '../../core/status/port.js';
import type { DocumentVerifier, IntegrityFacts, SignatureResult, VerificationReport, VerifyInput } from '../../core/verify/report.js';
import { decideDocument } from '../../core/verify/verdict.js';
import { verifyOffice } from '../ooxml/verify.js';
import { verifyPdfSignatures } from './pdf.js';
import { signatureResult, trustContext, type TrustContext } from './facts.js';
import { verifyCms } from './cms.js';
import type { FormatVerifiers, SignatureReport } from './report.js';
import { sniffFormat } from './sniff.js';
import { verifyXml } from './xml.js';


export interface DocumentVerifierOptions {
  /** Trust anchors (DER): shipped list, policy `trust.anchors`, user/test anchors. Read on every verification. */
  anchors: () => readonly Uint8Array[];
  /** The certificate-status service for "status now"; absent: not checked. */
  status?: CertificateStatus;
  /** No network at all (status now "not checked"). */
  offline?: boolean;
  now?: () => Date;
  /** Where XML and Office files are verified (the agent hands large ones to its document worker). Default: here. */
  formats?: FormatVerifiers;
}

/** Integrity facts of a CMS/XML/OOXML report; which failure it is, from the verifiers' own words. */
export function integrityOf(r: Pick<SignatureReport, 'integrity' | 'problem' | 'coversWholeDocument'>): IntegrityFacts {
  const p = r.problem ?? null;
  const failure = r.integrity ? null
    : p?.includes('content is needed') ? 'contentMissing'
      : p && /digest mismatch|does not match the messageDigest|changed after signing/.test(p) ? 'modified' : 'broken';
  return { intact: r.integrity, failure, problem: r.integrity ? null : p, coversWholeDocument: r.coversWholeDocument, changesAfter: [] };
}

/** CMS/XML/OOXML signatures: level from the AdES attributes, everything else from the common facts. */
async function fromReports(reports: SignatureReport[], ctx: TrustContext): Promise<SignatureResult[]> {
  const out: SignatureResult[] = [];
  for (const r of reports) {
    const a = r.ades;
    const family = r.format === 'cms' ? 'CAdES' : 'XAdES';
    const level = a?.signed ? (a.archive ? 'B-LTA' : a.validationData && a.timestamp ? 'B-LT' : a.timestamp ? 'B-T' : 'B-B') : null;
    const plain = r.format === 'cms' ? 'CMS/PKCS#7' : r.format === 'ooxml' ? 'Office (XMLDSig)' : 'XMLDSig';
    out.push(await signatureResult({
      id: r.id, kind: 'signature', certificate: r.certificate, carried: r.carried ?? [], claimedTime: r.signingTime,
      timestamp: r.timestamp, integrity: integrityOf(r), revocation: r.revocation ?? { ocsps: [], crls: [] },
      level, levelName: level ? `${family}-${level}` : plain,
    }, ctx));
  }
  return out;
}

export function createDocumentVerifier(options: DocumentVerifierOptions): DocumentVerifier {
  return {
    async verify(input: VerifyInput, signal?: AbortSignal): Promise<VerificationReport> {
      const now = options.now?.() ?? new Date();
      const sniffed = sniffFormat(input.document);
      if (!sniffed) throw new AgentError('DOCUMENT_INVALID', 'Không phải tệp có chữ ký / Not a signed file', { detail: 'not a PDF, XML, CMS or Office file' });
      const ctx = trustContext({ anchors: options.anchors(), now, ...(options.status && !options.offline ? { status: options.status } : {}), ...(signal ? { signal } : {}) });
      const verifyOptions = { trustAnchors: [...ctx.anchorDers] };
      let signatures: SignatureResult[];
      try {
        switch (sniffed.format) {
          case 'pdf':
            signatures = await verifyPdfSignatures(sniffed.bytes, ctx);
            break;
          case 'cms':
            signatures = await fromReports(await verifyCms(sniffed.bytes, input.content, verifyOptions), ctx);
            break;
          case 'xml':
            signatures = await fromReports(await (options.formats?.xml ?? verifyXml)(sniffed.bytes, verifyOptions), ctx);
            break;
          case 'ooxml':
            signatures = await fromReports(await (options.formats?.office ?? verifyOffice)(sniffed.bytes, input.fileName ?? 'document.docx', verifyOptions), ctx);
            break;
        }
      } catch (e) {
        if (isAgentError(e)) throw e;
        throw new AgentError('DOCUMENT_INVALID', 'Không đọc được tài liệu / Unreadable document', { detail: e instanceof Error ? e.message.slice(0, 200) : 'unreadable' });
      }
      const last = signatures.filter((s) => s.integrity.intact).at(-1);
      return {
        format: sniffed.format,
        fileName: input.fileName ?? null,
        size: input.document.length,
        sha256: createHash('sha256').update(input.document).digest('hex'),
        verifiedAt: now.toISOString(),
        ...decideDocument(signatures),
        changedAfterLastSignature: sniffed.format === 'pdf' && !!last && last.integrity.changesAfter.some((c) => c.kind === 'other'),
        signatures,
      };
    },
  };
}
