import { PDFDocument, degrees } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { describeStamp, stampDescribeOptions } from '../../core/signing/formats/pdf-stamp.js';
import { formatLocalTime } from '../../core/local-time.js';
import { appearanceLines } from './appearance.js';
import { describePdf } from './index.js';

describe('describePdf for the stamp description', () => {
  it('measures the visible size of the stamp page (rotation applied, "last" understood, out of range ignored)', async () => {
    const doc = await PDFDocument.create();
    doc.addPage([595, 842]);
    doc.addPage([595, 842]).setRotation(degrees(90));
    const pdf = await doc.save({ useObjectStreams: false });
    expect((await describePdf(pdf, { stampPage: 1 })).description.stampPage).toEqual({ page: 1, width: 595, height: 842 });
    expect((await describePdf(pdf, { stampPage: 'last' })).description.stampPage).toEqual({ page: 2, width: 842, height: 595 });
    expect((await describePdf(pdf, { stampPage: 9 })).description.stampPage).toBeUndefined();
    expect((await describePdf(pdf)).description.stampPage).toBeUndefined();
  });
});

describe('the dialog names every default line the stamp draws (T24)', () => {
  it('describeStamp text equals appearanceLines for site-given parts, the signing time named', () => {
    const appearance = { signerName: 'Nguyễn Văn B', organization: 'Công ty X', position: 'Giám đốc', description: 'Payment approved', documentNumber: '12/QĐ', documentDate: '01/12/2026' };
    const shown = describeStamp({ pdf: new Uint8Array(), fileName: 'a.pdf', reason: 'R', location: 'L', appearance } as never, { size: 1, sha256Hex: '00' });
    const at = new Date(Date.UTC(2026, 11, 3, 7, 0, 0));
    const drawn = appearanceLines({ width: 100, height: 50, matrix: [1, 0, 0, 1, 0, 0], signer: appearance.signerName, signingTime: at, reason: 'R', location: 'L', ...appearance });
    expect(shown.text).toBe(drawn.join('\n').replace(formatLocalTime(at), '[ngày giờ ký / signing time]'));
  });
});

describe('the stamp warning measures every page the stamp is drawn on (T24)', () => {
  it('a stamp repeated on a small page is warned about even when the first page is large', async () => {
    const doc = await PDFDocument.create();
    doc.addPage([14_000, 14_000]);
    doc.addPage([200, 200]);
    const pdf = await doc.save({ useObjectStreams: false });
    for (const appearance of [{ pages: [2], rect: [0, 0, 200, 200] }, { pages: 'all', rect: [0, 0, 200, 200] }, { page: 1, pages: [1, 2], rect: [150, 150, 100, 100] }]) {
      const p = { pdf, fileName: 'a.pdf', appearance } as never;
      const { description } = await describePdf(pdf, stampDescribeOptions(p));
      const s = describeStamp(p, description);
      expect(s.coverage! > 0.2 || s.offPage === true).toBe(true);
    }
    // The widget page is the first listed page, as signing puts it there.
    const p2 = { pdf, fileName: 'a.pdf', appearance: { pages: [2], rect: [0, 0, 200, 200] } } as never;
    const d2 = (await describePdf(pdf, stampDescribeOptions(p2))).description;
    expect(describeStamp(p2, d2)).toMatchObject({ pageSize: [200, 200], coverage: 1, offPage: false });
  });
});
