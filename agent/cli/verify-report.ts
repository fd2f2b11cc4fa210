// `kyso-agent verify` building blocks: format sniffing, trust files, one report shape for PDF/XML/CMS/OOXML, text output.
import { createHash } from 'node:crypto';
import { checkChain, type PdfSignatureReport, type SignatureReport } from '../signing/index.js';

export { sniffFormat } from '../signing/verify/sniff.js';
export type VerifyFormat = 'pdf' | 'xml' | 'cms' | 'ooxml';

/** One signature as `verify --json` prints it. */
export interface SignatureView {
  id: string;
  signer: string | null;
  certificateSha256: string | null;
  signingTime: string | null;
  integrity: boolean;
  problem: string | null;
  /** null: no timestamp. `valid` null: present but not checked (PDF). */
  timestamp: { time: string | null; valid: boolean | null; tsa: string | null; chainValid: boolean | null; problem: string | null } | null;
  /** null: not checked (no --trust). */
  chainValid: boolean | null;
  chainProblem: string | null;
  coversWholeDocument: boolean;
  subFilter?: string | null;
  /** Integrity ok, chain not failed, timestamp not failed. */
  ok: boolean;
}

export interface FileView {
  file: string;
  format: VerifyFormat | null;
  ok: boolean;
  error: { reason: string; detail: string } | null;
  signatures: SignatureView[];
}

/** Every certificate in a PEM bundle (or one DER certificate). */
export function readCertificates(bytes: Uint8Array): Uint8Array[] {
  const text = Buffer.from(bytes).toString('latin1');
  const blocks = [...text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)];
  if (blocks.length > 0) return blocks.map((m) => new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64')));
  if (bytes[0] === 0x30) return [bytes];
  return [];
}

const iso = (d: Date | undefined): string | null => (d ? d.toISOString() : null);
const sha256 = (der: Uint8Array | undefined): string | null => (der ? createHash('sha256').update(der).digest('hex') : null);

function finish(v: Omit<SignatureView, 'ok'>): SignatureView {
  const ok = v.integrity && v.chainValid !== false && (v.timestamp === null || v.timestamp.valid !== false);
  return { ...v, ok };
}

/** A timestamp as the CLI shows it, for CMS/XML reports and the CMS re-check of a PDF signature alike. */
function timestampView(t: NonNullable<SignatureReport['timestamp']>): NonNullable<SignatureView['timestamp']> {
  return { time: iso(t.genTime), valid: t.valid, tsa: t.tsa ?? null, chainValid: t.chainValid ?? null, problem: t.problem ?? null };
}

/** A CMS or XML report (signing/verify) in the CLI shape. */
export function viewOfReport(r: SignatureReport): SignatureView {
  return finish({
    id: r.id,
    signer: r.signer ?? null,
    certificateSha256: sha256(r.certificate),
    signingTime: iso(r.signingTime),
    integrity: r.integrity,
    problem: r.problem ?? null,
    timestamp: r.timestamp ? timestampView(r.timestamp) : null,
    chainValid: r.chainValid ?? null,
    chainProblem: r.chainProblem ?? null,
    coversWholeDocument: r.coversWholeDocument,
  });
}

/**
 * A PDF report in the CLI shape. verifyPdf does not check chains or timestamps itself: `cms` (the same signature
 * re-checked by verifyCms, see verify-pdf.ts) supplies both; without it the signer certificate is checked here
 * against the anchors, with the trust files' certificates as intermediates, at the signing time.
 */
export async function viewOfPdfReport(r: PdfSignatureReport, anchors: Uint8Array[], intermediates: Uint8Array[], cms?: SignatureReport): Promise<SignatureView> {
  let chainValid: boolean | null = null;
  let chainProblem: string | null = null;
  if (cms && cms.chainValid !== undefined) {
    chainValid = cms.chainValid;
    chainProblem = cms.chainProblem ?? null;
  } else if (r.certificate && anchors.length > 0) {
    const chain = await checkChain(r.certificate, intermediates, anchors, r.signingTime ?? new Date());
    if (chain) {
      chainValid = chain.valid;
      chainProblem = chain.problem ?? null;
    }
  } else if (anchors.length > 0) {
    chainValid = false;
    chainProblem = 'signer certificate not found';
  }
  let timestamp: SignatureView['timestamp'] = null;
  if (cms?.timestamp) {
    timestamp = timestampView(cms.timestamp);
  } else if (r.timestamped) {
    timestamp = { time: null, valid: null, tsa: null, chainValid: null, problem: null };
  }
  return finish({
    id: r.fieldName,
    signer: r.signer ?? null,
    certificateSha256: sha256(r.certificate),
    signingTime: iso(r.signingTime),
    integrity: r.integrity,
    problem: r.problem ?? null,
    timestamp,
    chainValid,
    chainProblem,
    coversWholeDocument: r.coversWholeDocument,
    subFilter: r.subFilter ?? null,
  });
}

const yesNo = (b: boolean, yes: [string, string], no: [string, string]): string => (b ? `${yes[0]} / ${yes[1]}` : `${no[0]} / ${no[1]}`);

/** Human text for one file: Vietnamese first, English second on each line. */
export function fileText(f: FileView): string {
  const lines = [`${f.ok ? 'HỢP LỆ / VALID' : 'KHÔNG HỢP LỆ / NOT VALID'}  ${f.file}${f.format ? ` (${f.format.toUpperCase()})` : ''}`];
  if (f.error) lines.push(`  ${f.error.reason}: ${f.error.detail}`);
  else if (f.signatures.length === 0) lines.push('  Không có chữ ký / No signatures');
  for (const [i, s] of f.signatures.entries()) {
    lines.push(`  Chữ ký / Signature #${i + 1} [${s.id}]: ${s.ok ? 'hợp lệ / valid' : 'KHÔNG hợp lệ / NOT valid'}`);
    lines.push(`    Người ký / Signer: ${s.signer ?? '?'}${s.certificateSha256 ? ` (SHA-256 ${s.certificateSha256})` : ''}`);
    lines.push(`    Thời điểm ký / Signing time: ${s.signingTime ?? 'không có / none'}`);
    lines.push(`    Toàn vẹn / Integrity: ${yesNo(s.integrity, ['nguyên vẹn', 'intact'], ['BỊ THAY ĐỔI hoặc lỗi', 'MODIFIED or broken'])}${s.problem ? ` — ${s.problem}` : ''}`);
    if (s.timestamp === null) lines.push('    Dấu thời gian / Timestamp: không có / none');
    else if (s.timestamp.valid === null) lines.push('    Dấu thời gian / Timestamp: có, chưa kiểm tra / present, not checked');
    else lines.push(`    Dấu thời gian / Timestamp: ${s.timestamp.time ?? '?'} ${yesNo(s.timestamp.valid, ['hợp lệ', 'valid'], ['KHÔNG hợp lệ', 'NOT valid'])}${s.timestamp.tsa ? ` (TSA ${s.timestamp.tsa})` : ''}${s.timestamp.problem ? ` — ${s.timestamp.problem}` : ''}`);
    if (s.chainValid === null) lines.push('    Chuỗi chứng thực / Chain: chưa kiểm tra (thiếu --trust) / not checked (no --trust)');
    else lines.push(`    Chuỗi chứng thực / Chain: ${yesNo(s.chainValid, ['tin cậy', 'trusted'], ['KHÔNG tin cậy', 'NOT trusted'])}${s.chainProblem ? ` — ${s.chainProblem}` : ''}`);
    lines.push(`    Phạm vi / Coverage: ${yesNo(s.coversWholeDocument, ['toàn bộ tài liệu', 'whole document'], ['một phần (có nội dung thêm sau khi ký)', 'part (content was added after signing)'])}`);
  }
  return lines.join('\n');
}
