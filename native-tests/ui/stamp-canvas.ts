// Shared by the page-preview tests (docs/security.md T24): test PDFs whose content is easy to find on a canvas, and
// a look at what the confirmation drew.
import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';
import type { Page } from 'playwright-core';

/** A4 pages, each with a black 200×100 block at its (x, y) in points and a line of text at the left. */
export async function pdfWithBlocks(blocks: Array<[number, number]>): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  blocks.forEach(([x, y], i) => {
    const p = doc.addPage([595, 842]);
    p.drawRectangle({ x, y, width: 200, height: 100, color: rgb(0, 0, 0) });
    p.drawText(`Hop dong so ${i + 1}`, { x: 40, y: 650, size: 24, font });
  });
  return doc.save();
}

/**
 * Per preview canvas under `scope`: how many pixels are not white, and the colour at a point given in PDF points
 * (from the bottom left) of an A4 page.
 */
export function inspectCanvases(page: Page, pointX: number, pointY: number, scope = 'body') {
  return page.evaluate(([px, py, root]) => [...document.querySelector(root)!.querySelectorAll<HTMLCanvasElement>('[data-testid=stamp-preview-canvas]')].map((c) => {
    const g = c.getContext('2d')!;
    const { data } = g.getImageData(0, 0, c.width, c.height);
    let ink = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i]! < 240 || data[i + 1]! < 240 || data[i + 2]! < 240) ink++;
    const scale = c.width / 595;
    const at = g.getImageData(Math.round(px * scale), Math.round((842 - py) * scale), 1, 1).data;
    return { page: c.dataset.page, width: c.width, height: c.height, pixels: c.width * c.height, ink, at: [at[0]!, at[1]!, at[2]!] };
  }), [pointX, pointY, scope] as const);
}
