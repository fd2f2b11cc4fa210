// Generated PDF inputs shared by the PDF benchmarks (pdf-sign, pdf-lt): the same bytes for the same arguments.
/** Text pages (Helvetica, `linesPerPage` lines each): 2,000 pages × 60 lines ≈ 7 MB. */
export async function makeText(pages, linesPerPage) {
  const { PDFDocument, StandardFonts } = await import('pdf-lib');
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let p = 0; p < pages; p++) {
    const page = doc.addPage([595, 842]);
    for (let l = 0; l < linesPerPage; l++) {
      page.drawText(`Trang ${p + 1} dong ${l + 1}: ho so hanh chinh cong, noi dung van ban mau de do hieu nang ky so ${l * 7919 % 1000}`, { x: 40, y: 800 - l * 14, size: 9, font });
    }
  }
  return doc.save({ useObjectStreams: false });
}
