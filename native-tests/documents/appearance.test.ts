// The visible signature over a busy page: white background and thin border by default (off on request), the
// signing time with its zone, the portal options (organisation, position, stamps, layouts, colour) and a box on
// every page or on listed pages, bold/slanted/bottom-aligned text, the image under the text, text boxes of their own
// (document number, comments). Checked by rendering with pdftoppm, by qpdf's view of the annotations and their
// appearance streams, and by the three validators.
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PDFDocument, rgb } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import type { PdfSignOptions } from '../../agent/core/ports.js';
import { signPdf } from '../../agent/signing/pades/index.js';
import { fixtureSigner, tool, workDir } from '../signing/helpers.js';
import { makePng } from '../signing/pdf-fixtures/make.js';
import { drawnAnnotations } from '../signing/pdf-annotations.js';
import { expectValidPdf } from '../signing/validate-pdf.js';

const execFileP = promisify(execFile);
// The stamp shows the signing machine's local time with its zone: this test file runs as a desk in Việt Nam.
process.env.TZ = 'Asia/Ho_Chi_Minh';
const base: PdfSignOptions = { fileName: 'cong-van.pdf', hashAlgorithm: 'SHA-256', level: 'B-B', signingTime: new Date('2026-03-04T05:06:07Z') };

/** Pages filled black: any white pixel inside the box is the signature's background. */
async function blackPages(n: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  for (let i = 0; i < n; i++) doc.addPage([400, 300]).drawRectangle({ x: 0, y: 0, width: 400, height: 300, color: rgb(0, 0, 0) });
  return doc.save({ useObjectStreams: false });
}

/** RGB at visible point (x, y) from the lower-left of each page (72 dpi). */
async function pixels(pdf: Uint8Array, points: Array<[number, number]>): Promise<Array<Array<[number, number, number]>>> {
  const w = await workDir('appearance');
  try {
    await execFileP('pdftoppm', ['-r', '72', await w.write('s.pdf', pdf), join(w.dir, 'p')]);
    const files = (await readdir(w.dir)).filter((f) => f.endsWith('.ppm')).sort();
    const out: Array<Array<[number, number, number]>> = [];
    for (const f of files) {
      const img = await readFile(join(w.dir, f));
      const h = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(img.subarray(0, 40).toString('latin1'))!;
      const [width, height] = [Number(h[1]), Number(h[2])];
      out.push(points.map(([x, y]) => {
        const o = h[0].length + ((height - 1 - y) * width + x) * 3;
        return [img[o]!, img[o + 1]!, img[o + 2]!];
      }));
    }
    return out;
  } finally {
    await w.cleanup();
  }
}

async function text(pdf: Uint8Array): Promise<string> {
  const w = await workDir('appearance');
  const t = await tool('pdftotext', ['-enc', 'UTF-8', await w.write('t.pdf', pdf), '-']);
  await w.cleanup();
  return Buffer.from(t.out, 'latin1').toString('utf8');
}

describe('visible signature appearance', () => {
  it('default_whiteBackgroundGreyBorder_timeWithZone', async () => {
    const out = await signPdf(await blackPages(1), { ...base, appearance: { rect: [50, 50, 300, 120] } }, fixtureSigner('citizen'));
    await expectValidPdf(out, 1);
    // Inside, right edge (no text there): white. On the border line: grey. Outside: the black page.
    const [inside, border, outside] = (await pixels(out, [[345, 60], [50, 100], [30, 30]]))[0]!;
    expect(inside).toEqual([255, 255, 255]);
    expect(border![0]).toBeGreaterThan(60);
    expect(border![0]).toBeLessThan(230);
    expect(outside).toEqual([0, 0, 0]);
    expect(await text(out)).toContain('Ngày ký: 12:06:07 04/03/2026 (GMT+7)');
  });

  it('backgroundAndBorderOff_pageShowsThrough', async () => {
    const out = await signPdf(await blackPages(1), { ...base, appearance: { rect: [50, 50, 300, 120], background: false, border: false } }, fixtureSigner('citizen'));
    const [inside, border] = (await pixels(out, [[345, 60], [50, 100]]))[0]!;
    expect(inside).toEqual([0, 0, 0]);
    expect(border).toEqual([0, 0, 0]);
  });

  it('portalOptions_linesStampsColourAndImageTop', async () => {
    const out = await signPdf(await blackPages(1), {
      ...base, reason: 'Phê duyệt', location: 'Hà Nội',
      appearance: {
        rect: [20, 20, 360, 260], layout: 'image-top', image: makePng(4, 4, [0, 0, 255, 255]), textColor: '#c00000',
        signerName: 'Nguyễn Văn An', organization: 'Sở Tài chính', position: 'Giám đốc', description: 'Bản điện tử',
        documentNumber: '123/QĐ-STC', documentDate: '04/03/2026',
      },
    }, fixtureSigner('citizen'));
    await expectValidPdf(out, 1);
    const t = await text(out);
    for (const s of ['Ký bởi: Nguyễn Văn An', 'Đơn vị: Sở Tài chính', 'Chức vụ: Giám đốc', '(GMT+7)', 'Lý do: Phê duyệt', 'Nơi ký: Hà Nội', 'Bản điện tử', 'Số: 123/QĐ-STC', 'Ngày văn bản: 04/03/2026']) {
      expect(t).toContain(s);
    }
    // The image is in the upper part of the box (blue), not in the lower text part.
    const [top, low] = (await pixels(out, [[200, 230], [370, 30]]))[0]!;
    expect(top![2]).toBeGreaterThan(200);
    expect(top![0]).toBeLessThan(60);
    expect(low).toEqual([255, 255, 255]);
  });

  it.each([
    ['all', 'all' as const, [true, true, true]],
    ['listed 1 and 3', [3, 1], [true, false, true]],
  ])('pages_%s_boxOnThosePagesOnly_oneSignature', async (_label, pages, expected) => {
    const out = await signPdf(await blackPages(3), { ...base, appearance: { rect: [50, 50, 300, 120], pages } }, fixtureSigner('citizen'));
    await expectValidPdf(out, 1);
    const perPage = await pixels(out, [[345, 60]]);
    expect(perPage.map((pts) => pts[0]![0] === 255)).toEqual(expected);
  });

  it('boldItalicBottomColour_operatorsInTheStream_signingTimeFilledIn', async () => {
    const out = await signPdf(await blackPages(1), {
      ...base, appearance: { rect: [50, 50, 300, 120], text: 'Ký bởi: A\nNgày ký: {signingTime}', bold: true, italic: true, verticalAlign: 'bottom', textColor: '#0000ff' },
    }, fixtureSigner('citizen'));
    await expectValidPdf(out, 1);
    const [widget] = await drawnAnnotations(out);
    expect(widget).toMatchObject({ page: 1, subtype: '/Widget', fieldType: '/Sig' });
    const ap = widget!.appearance;
    // Fill and stroke in the text colour (bold), sheared text matrix (slant), both lines low in the box.
    expect(ap).toMatch(/0 0 1 rg 2 Tr [\d.]+ w 0 0 1 RG/);
    const baselines = [...ap.matchAll(/1 0 0\.213 1 [\d.]+ ([\d.]+) Tm/g)].map((m) => Number(m[1]));
    expect(baselines).toHaveLength(2);
    expect(baselines[1]).toBeLessThan(10);
    const t = await text(out);
    expect(t).toContain('Ngày ký: 12:06:07 04/03/2026 (GMT+7)');
    expect(t).not.toContain('{signingTime}');
  });

  it('imageBackground_imageUnderTheTextAcrossTheBox', async () => {
    const image = makePng(4, 4, [0, 0, 255, 255]);
    const opts = (layout: 'image-background' | 'image-left'): PdfSignOptions => ({ ...base, appearance: { rect: [50, 50, 300, 120], text: 'A', layout, image } });
    // The box's centre: under the image with image-background, in the (white) text half with image-left.
    const under = (await pixels(await signPdf(await blackPages(1), opts('image-background'), fixtureSigner('citizen')), [[200, 110]]))[0]![0];
    const beside = (await pixels(await signPdf(await blackPages(1), opts('image-left'), fixtureSigner('citizen')), [[200, 110]]))[0]![0];
    expect(under![2]).toBeGreaterThan(200);
    expect(under![0]).toBeLessThan(60);
    expect(beside).toEqual([255, 255, 255]);
  });

  it('textBoxes_ownPagesAndBoxes_lockedPrintedStamps_oneSignature', async () => {
    const out = await signPdf(await blackPages(3), {
      ...base, appearance: {
        rect: [50, 50, 300, 120],
        textBoxes: [
          { page: 1, rect: [20, 250, 150, 30], text: '12/QĐ-UBND', textColor: '#ff0000', italic: true },
          { page: 3, rect: [200, 250, 180, 30], text: 'Đã xem {signingTime}', fontSize: 9 },
        ],
      },
    }, fixtureSigner('citizen'));
    await expectValidPdf(out, 1);
    const annots = await drawnAnnotations(out);
    expect(annots.map((a) => [a.page, a.subtype, a.flags])).toEqual([[1, '/Widget', 132], [1, '/Stamp', 132], [3, '/Stamp', 132]]);
    expect(annots[1]!.rect).toEqual([20, 250, 170, 280]);
    expect(annots[1]!.appearance).toMatch(/1 0 0 rg/);
    expect(annots[1]!.appearance).toMatch(/1 0 0\.213 1 /);
    expect(annots[2]!.appearance).toMatch(/\/F1 9 Tf/);
    const t = await text(out);
    expect(t).toContain('12/QĐ-UBND');
    expect(t).toContain('Đã xem 12:06:07 04/03/2026 (GMT+7)');
  });
});
