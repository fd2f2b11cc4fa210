// PAdES: describe, sign (one incremental update) and verify PDF files.
import type { DocumentDescription } from '../../core/ports.js';
import { sha256HexSliced } from '../digest-sliced.js';
import { asInvalid } from './document.js';
import { getPage, pageCount, signedFields } from './pages.js';
import { openForSigning } from './sign.js';

export { signPdf } from './sign.js';
export { verifyPdf, type PdfSignatureReport } from './verify.js';

/**
 * What the confirmation dialog shows: size, SHA-256 of the input, page count, existing signatures.
 * DOCUMENT_INVALID (with data.detail) for encrypted, truncated or unreadable files.
 */
export async function describePdf(pdf: Uint8Array, options: { stampPage?: number | 'last' } = {}): Promise<DocumentDescription> {
  // The same checks as signing (permissions, damaged and signed), so refusals come before the dialog.
  const file = openForSigning(pdf);
  try {
    const count = pageCount(file);
    const d: DocumentDescription = {
      size: pdf.length,
      sha256Hex: await sha256HexSliced(pdf),
      pageCount: count,
      existingSignatures: signedFields(file).length,
    };
    if (file.repaired) d.repaired = file.repaired;
    const wanted = options.stampPage === 'last' ? count : options.stampPage;
    if (wanted !== undefined && Number.isInteger(wanted) && wanted >= 1 && wanted <= count) {
      // The visible page: CropBox, turned by /Rotate (the stamp's rect is given in that orientation).
      const pg = getPage(file, wanted - 1);
      const [x0, y0, x1, y1] = pg.cropBox;
      const w = Math.abs(x1 - x0);
      const h = Math.abs(y1 - y0);
      const turned = pg.rotate === 90 || pg.rotate === 270;
      d.stampPage = { page: wanted, width: turned ? h : w, height: turned ? w : h };
    }
    return d;
  } catch (e) {
    throw asInvalid(e);
  }
}
