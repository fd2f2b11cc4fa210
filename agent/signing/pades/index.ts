// PAdES: describe, sign (one incremental update) and verify PDF files.
import { createHash } from 'node:crypto';
import type { Described, DigestSigner, DocumentDescription, PdfPlan, PdfSignOptions } from '../../core/ports.js';
import { asInvalid, invalid, type PdfFile } from './document.js';
import { pageCount, signedFields } from './pages.js';
import { MAX_INPUT, openForSigning, signPdf, signPdfFile } from './sign.js';

export { signPdf } from './sign.js';
export { verifyPdf, type PdfSignatureReport } from './verify.js';

/**
 * What the confirmation dialog shows: size, SHA-256 of the input, page count, existing signatures.
 * DOCUMENT_INVALID (with data.detail) for encrypted, truncated or unreadable files.
 */
export async function describePdf(pdf: Uint8Array): Promise<Described<PdfPlan>> {
  if (pdf.length > MAX_INPUT) throw invalid('tệp quá lớn / file too large');
  // The same checks as signing (permissions, damaged and signed), so refusals come before the dialog; the file
  // opened here is the one signed (the plan).
  const file = openForSigning(pdf);
  try {
    const description: DocumentDescription = {
      size: pdf.length,
      sha256Hex: createHash('sha256').update(pdf).digest('hex'),
      pageCount: pageCount(file),
      existingSignatures: signedFields(file).length,
    };
    if (file.repaired) description.repaired = file.repaired;
    return { description, plan: new ParsedPdf(pdf, file) };
  } catch (e) {
    throw asInvalid(e);
  }
}

/** The plan describePdf hands to signing: the parsed file (read-only while signing, which writes an update). */
class ParsedPdf implements PdfPlan {
  readonly format = 'pdf';
  constructor(readonly pdf: Uint8Array, readonly file: PdfFile) {}
}

/** Signs what describePdf planned; a plan made elsewhere (another DocumentSigners) is parsed from its bytes. */
export function signDescribedPdf(plan: PdfPlan, options: PdfSignOptions, signer: DigestSigner): Promise<Uint8Array> {
  return plan instanceof ParsedPdf ? signPdfFile(plan.file, options, signer) : signPdf(plan.pdf, options, signer);
}
