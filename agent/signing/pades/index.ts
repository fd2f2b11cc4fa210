// PAdES: describe, sign (one incremental update) and verify PDF files.
import type { Described, DigestSigner, DocumentDescription, PdfPlan, PdfSignOptions } from '../../core/ports.js';
import { sha256HexSliced } from '../digest-sliced.js';
import { asInvalid, invalid, type PdfFile } from './document.js';
import { getPage, pageCount, signedFields } from './pages.js';
import { MAX_INPUT, MAX_WIDGET_PAGES as MAX_STAMP_PAGES, openForSigning, signPdf, signPdfFile } from './sign.js';

export { signPdf } from './sign.js';
export { verifyPdf, type PdfSignatureReport } from './verify.js';

/**
 * What the confirmation dialog shows: size, SHA-256 of the input, page count, existing signatures.
 * DOCUMENT_INVALID (with data.detail) for encrypted, truncated or unreadable files.
 */
export async function describePdf(pdf: Uint8Array, options: { stampPage?: number | 'last'; stampPages?: number[] | 'all' } = {}): Promise<Described<PdfPlan>> {
  if (pdf.length > MAX_INPUT) throw invalid('tệp quá lớn / file too large');
  // The same checks as signing (permissions, damaged and signed), so refusals come before the dialog; the file
  // opened here is the one signed (the plan).
  const file = openForSigning(pdf);
  try {
    const count = pageCount(file);
    const description: DocumentDescription = {
      size: pdf.length,
      sha256Hex: await sha256HexSliced(pdf),
      pageCount: count,
      existingSignatures: signedFields(file).length,
    };
    if (file.repaired) description.repaired = file.repaired;
    // The visible page: CropBox, turned by /Rotate (the stamp's rect is given in that orientation).
    const visibleSize = (pageNo: number): [number, number] => {
      const pg = getPage(file, pageNo - 1);
      const [x0, y0, x1, y1] = pg.cropBox;
      const w = Math.abs(x1 - x0);
      const h = Math.abs(y1 - y0);
      const turned = pg.rotate === 90 || pg.rotate === 270;
      return turned ? [h, w] : [w, h];
    };
    const inRange = (n: number): boolean => Number.isInteger(n) && n >= 1 && n <= count;
    // Pages the stamp is drawn on (signing refuses pages out of range, and "all" beyond its page limit).
    const listed = options.stampPages === 'all'
      ? (count <= MAX_STAMP_PAGES ? Array.from({ length: count }, (_, i) => i + 1) : [])
      : [...new Set(options.stampPages ?? [])].filter(inRange).sort((x, y) => x - y);
    const wanted = listed.length > 0 ? listed[0] : options.stampPage === 'last' ? count : options.stampPage;
    if (wanted !== undefined && inRange(wanted)) {
      const [width, height] = visibleSize(wanted);
      description.stampPage = { page: wanted, width, height };
    }
    if (listed.length > 0) {
      const sizes = new Map<string, [number, number]>();
      for (const n of listed) {
        const size = visibleSize(n);
        sizes.set(size.join('x'), size);
      }
      description.stampPageSizes = [...sizes.values()];
    }
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
