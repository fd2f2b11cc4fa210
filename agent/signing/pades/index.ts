// PAdES: describe, sign (one incremental update) and verify PDF files.
import { createHash } from 'node:crypto';
import type { DocumentDescription } from '../../core/ports.js';
import { asInvalid, PdfFile } from './document.js';
import { pageCount, signedFields } from './pages.js';

export { signPdf } from './sign.js';
export { verifyPdf, type PdfSignatureReport } from './verify.js';

/**
 * What the confirmation dialog shows: size, SHA-256 of the input, page count, existing signatures.
 * DOCUMENT_INVALID (with data.detail) for encrypted, truncated or unreadable files.
 */
export async function describePdf(pdf: Uint8Array): Promise<DocumentDescription> {
  const file = PdfFile.open(pdf);
  file.assertSignable();
  try {
    return {
      size: pdf.length,
      sha256Hex: createHash('sha256').update(pdf).digest('hex'),
      pageCount: pageCount(file),
      existingSignatures: signedFields(file).length,
    };
  } catch (e) {
    throw asInvalid(e);
  }
}
