import { PDFDocument, degrees } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
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
