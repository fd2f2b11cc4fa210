// Text drawn with a signature in boxes of its own (a document number and date written into the document's blanks,
// comments): locked, print-only stamp annotations in the signed update, so the signature covers them.
import { AgentError } from '../../core/errors.js';
import type { PdfTextBox } from '../../core/ports.js';
import { buildAppearance, fillSigningTime } from './appearance.js';
import type { PdfFile } from './document.js';
import { getPage, placeRect, type PageInfo } from './pages.js';
import { name, PdfDict, textString, type PdfRef } from './pdf-objects.js';
import type { IncrementalWriter } from './writer.js';

/** Annotation flags Print (4) + Locked (128): printed, and a viewer does not let it be moved or deleted. */
const PRINT_LOCKED = 132;

/** Writes one stamp annotation per box; the caller adds them to their pages' /Annots. */
export async function drawTextBoxes(
  file: PdfFile, w: IncrementalWriter, boxes: PdfTextBox[], pageCount: number, signingTime: Date,
): Promise<Array<{ pageNo: number; page: PageInfo; ref: PdfRef }>> {
  const out: Array<{ pageNo: number; page: PageInfo; ref: PdfRef }> = [];
  for (const box of boxes) {
    if (!Number.isInteger(box.page) || box.page < 1 || box.page > pageCount) {
      throw new AgentError('INVALID_PARAMS', `Trang ${box.page} không tồn tại / no such page`, { detail: `appearance.textBoxes page out of range 1..${pageCount}` });
    }
    const [, , width, height] = box.rect;
    if (!box.rect.every((n) => Number.isFinite(n)) || width <= 0 || height <= 0) {
      throw new AgentError('INVALID_PARAMS', 'Khung chữ sai / bad text box', { detail: 'appearance.textBoxes rect must be [x, y, width>0, height>0]' });
    }
    const page = getPage(file, box.page - 1);
    const placed = placeRect(page, box.rect);
    const stream = await buildAppearance(w, {
      width, height, matrix: placed.matrix, signer: '', signingTime, text: box.text, fontSize: box.fontSize,
      textColor: box.textColor, bold: box.bold, italic: box.italic, background: false, border: false, layout: 'text',
    });
    const ref = w.allocate();
    w.put(ref, new PdfDict([
      ['Type', name('Annot')], ['Subtype', name('Stamp')], ['Contents', textString(fillSigningTime(box.text, signingTime))], ['F', PRINT_LOCKED],
      ['P', page.ref], ['Rect', placed.rect], ['AP', new PdfDict([['N', stream]])],
    ]));
    out.push({ pageNo: box.page, page, ref });
  }
  return out;
}
