// sign.pdf: PAdES B-B / B-T / B-LT / B-LTA as an incremental update, described (DOCUMENT_INVALID) before the dialog.
import { AgentError } from '../../errors.js';
import type { PdfAppearance, PdfSignOptions } from '../../ports.js';
import { encodeBase64Sliced } from '../../protocol/slices.js';
import { signPdfAtLevel } from '../../status/long-term.js';
import { describing, type FormatParams, type ItemSubject, type SignFormat } from '../format.js';
import { describeStamp, stampDescribeOptions } from './pdf-stamp.js';

/** A PAdES level (docs/protocol.md sign.pdf). */
export type PdfLevel = NonNullable<FormatParams<'pdf'>['level']>;

export const pdfFormat: SignFormat<'pdf'> = async (p, call) => {
  // A timestamp asked for implies B-T; B-T without one falls back to the policy TSA.
  const level = p.level ?? (p.timestamp ? 'B-T' : 'B-B');
  const timestamp = p.timestamp ?? (level !== 'B-B' ? call.deps.policy.tsa : undefined);
  if (level !== 'B-B' && !timestamp) {
    throw new AgentError('INVALID_PARAMS', 'Invalid params', { detail: `params.timestamp: level ${level} needs timestamp (no policy TSA is set)` });
  }
  if ((level === 'B-LT' || level === 'B-LTA') && !call.deps.status) {
    throw new AgentError('INVALID_PARAMS', 'Invalid params', { detail: `params.level: ${level} needs the certificate status service, which is not configured` });
  }
  const { description, plan } = await describing(call, 'pdf', () => call.deps.documents.describePdf(p.pdf, stampDescribeOptions(p)));
  const subject: ItemSubject = {
    kind: 'document', format: 'pdf', fileName: p.fileName, size: description.size, sha256Hex: description.sha256Hex, hashAlgorithm: p.hashAlgorithm ?? 'SHA-256',
  };
  if (description.pageCount !== undefined) subject.pageCount = description.pageCount;
  if (description.existingSignatures !== undefined) subject.existingSignatures = description.existingSignatures;
  if (description.repaired !== undefined) subject.repaired = description.repaired;
  subject.stamp = describeStamp(p, description);
  return {
    kind: 'pdf',
    subject,
    ...(subject.stamp.visible ? { preview: { pdf: p.pdf } } : {}),
    async sign(key) {
      const options = pdfOptions(p, level, timestamp?.url, call.deps.clock.now());
      const pdf = await signPdfAtLevel(call.deps.documents, call.deps.status, plan, options, await key.digestSigner(), call.promptContext.signal);
      // A repaired input (damaged file) is said so in the result as in the dialog.
      return description.repaired ? { pdf: await encodeBase64Sliced(pdf), repaired: description.repaired } : { pdf: await encodeBase64Sliced(pdf) };
    },
  };
};

/** What of sign.pdf's params becomes PdfSignOptions (the CLI's flags map to the same shape). */
export type PdfOptionParams = Omit<FormatParams<'pdf'>, 'pdf' | 'level' | 'timestamp'>;

/** sign.pdf params → PdfSignOptions (the signing time is taken when the key signs). The one mapping, CLI included. */
export function pdfOptions(p: PdfOptionParams, level: PdfLevel, tsaUrl: string | undefined, signingTime: Date): PdfSignOptions {
  const options: PdfSignOptions = { fileName: p.fileName, hashAlgorithm: p.hashAlgorithm ?? 'SHA-256', level, signingTime };
  if (tsaUrl) options.timestamp = { url: tsaUrl };
  if (p.appearance) {
    const a: PdfAppearance = {};
    for (const k of ['visible', 'page', 'text', 'image', 'fontSize', 'pages', 'textColor', 'background', 'border', 'layout',
      'signerName', 'organization', 'position', 'description', 'documentNumber', 'documentDate', 'bold', 'italic', 'verticalAlign'] as const) {
      if (p.appearance[k] !== undefined) (a as Record<string, unknown>)[k] = p.appearance[k];
    }
    if (p.appearance.rect) a.rect = [...p.appearance.rect];
    if (p.appearance.textBoxes) a.textBoxes = p.appearance.textBoxes.map((b) => ({ ...b, rect: [...b.rect] }));
    options.appearance = a;
  }
  if (p.reason !== undefined) options.reason = p.reason;
  if (p.location !== undefined) options.location = p.location;
  if (p.contactInfo !== undefined) options.contactInfo = p.contactInfo;
  if (p.fieldName !== undefined) options.fieldName = p.fieldName;
  if (p.subFilter !== undefined) options.subFilter = p.subFilter;
  return options;
}
