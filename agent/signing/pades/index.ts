// PAdES: describe, sign (one incremental update) and verify PDF files.
import { createHash } from 'node:crypto';
import type { DocumentDescription } from '../../core/ports.js';
import { asInvalid } from './document.js';
import { pageCount, signedFields } from './pages.js';
import { openForSigning } from './sign.js';

export { signPdf } from './sign.js';
export { verifyPdf, type PdfSignatureReport } from './verify.js';

/**
 * What the confirmation dialog shows: size, SHA-256 of the input, page count, existing signatures.
 * DOCUMENT_INVALID (with data.detail) for encrypted, truncated or unreadable files.
 */
export async function describePdf(pdf: Uint8Array): Promise<DocumentDescription> {
  // The same checks as signing (permissions, damaged and signed), so refusals come before the dialog.
  const file = openForSigning(pdf);
  try {
    const d: DocumentDescription = {
      size: pdf.length,
      sha256Hex: createHash('sha256').update(pdf).digest('hex'),
      pageCount: pageCount(file),
      existingSignatures: signedFields(file).length,
    };
    if (file.repaired) d.repaired = file.repaired;
    return d;
  } catch (e) {
    throw asInvalid(e);
  }
}
