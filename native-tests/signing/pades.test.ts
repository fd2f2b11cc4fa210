// PAdES signing checked by tools we did not write: pdfsig (poppler), qpdf --check, pdftotext.
import { describe, expect, it } from 'vitest';
import type { PdfSignOptions } from '../../agent/core/ports.js';
import { describePdf, signPdf, verifyPdf } from '../../agent/signing/pades/index.js';
import { fixtureSigner, tool, workDir } from './helpers.js';
import { makePdf, withIncrementalUpdate, withObjectStreams } from './pdf-fixtures/make.js';
import { startLocalTsa } from './tsa-server.js';

// The stamp shows the signing machine's local time with its zone: this test file runs as a desk in Việt Nam.
process.env.TZ = 'Asia/Ho_Chi_Minh';
const signingTime = new Date('2025-03-04T05:06:07Z'); // 12:06 in Hà Nội
const base: PdfSignOptions = { fileName: 'hoso.pdf', hashAlgorithm: 'SHA-256', level: 'B-B', signingTime };

/** pdfsig output per signature, checked against the count we expect. */
async function pdfsig(pdf: Uint8Array): Promise<{ out: string; valid: number; total: number }> {
  const w = await workDir('pades');
  const p = await w.write('signed.pdf', pdf);
  const r = await tool('pdfsig', ['-nocert', p]);
  const valid = (r.out.match(/Signature Validation: Signature is Valid\./g) ?? []).length;
  const total = (r.out.match(/^Signature #\d+:/gm) ?? []).length;
  return { out: r.out, valid, total };
}

async function qpdfCheck(pdf: Uint8Array): Promise<string> {
  const w = await workDir('pades');
  const p = await w.write('signed.pdf', pdf);
  const r = await tool('qpdf', ['--check', p]);
  expect(r.out).toContain('No syntax or stream encoding errors found');
  expect(r.code).toBe(0);
  return r.out;
}

async function pdftotext(pdf: Uint8Array, page = 1): Promise<string> {
  const w = await workDir('pades');
  const p = await w.write('signed.pdf', pdf);
  const r = await tool('pdftotext', ['-f', String(page), '-l', String(page), '-enc', 'UTF-8', p, '-']);
  return Buffer.from(r.out, 'latin1').toString('utf8');
}

/** Output = input + one update whose ByteRange covers everything but /Contents. */
function expectIncremental(input: Uint8Array, output: Uint8Array): void {
  expect(Buffer.from(output.subarray(0, input.length)).equals(Buffer.from(input))).toBe(true);
  const tail = Buffer.from(output.subarray(input.length)).toString('latin1');
  const m = /\/ByteRange \[0 (\d+) (\d+) (\d+) *\]/.exec(tail);
  expect(m).not.toBeNull();
  const [b, c, d] = [Number(m![1]), Number(m![2]), Number(m![3])];
  expect(c + d).toBe(output.length);
  expect(output[b]).toBe(0x3c);
  expect(output[c - 1]).toBe(0x3e);
  expect((tail.match(/%%EOF/g) ?? []).length).toBe(1);
}

describe('signPdf', () => {
  const signer = fixtureSigner('citizen');

  it('signPdf_onePageClassicXref_pdfsigValidAndIncremental', async () => {
    const input = await makePdf();
    const out = await signPdf(input, { ...base, appearance: { visible: false } }, signer);
    expectIncremental(input, out);
    const r = await pdfsig(out);
    expect(r.total).toBe(1);
    expect(r.valid, r.out).toBe(1);
    expect(r.out).toContain('ETSI.CAdES.detached');
    expect(r.out).toContain('Signature Type: ETSI.CAdES.detached');
    await qpdfCheck(out);
    const v = await verifyPdf(out);
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ fieldName: 'Signature1', signer: 'NGUYỄN VĂN AN', integrity: true, coversWholeDocument: true, subFilter: 'ETSI.CAdES.detached' });
  });

  it('signPdf_visibleDefault_pdftotextReadsVietnamese', async () => {
    const input = await makePdf({ pages: 2 });
    const out = await signPdf(input, { ...base, reason: 'Nộp hồ sơ', location: 'Hà Nội', appearance: { page: 'last', rect: [300, 40, 250, 70] } }, signer);
    expectIncremental(input, out);
    expect((await pdfsig(out)).valid).toBe(1);
    await qpdfCheck(out);
    const text = await pdftotext(out, 2);
    expect(text).toContain('Ký bởi: NGUYỄN VĂN AN');
    expect(text).toContain('Ngày ký: 12:06:07 04/03/2025 (GMT+7)');
    expect(text).toContain('Lý do: Nộp hồ sơ');
    expect(await pdftotext(out, 1)).not.toContain('Ký bởi');
  });

  it('signPdf_twiceThenThrice_everySignatureStaysValid', async () => {
    const input = await makePdf();
    const once = await signPdf(input, base, signer);
    const twice = await signPdf(once, { ...base, subFilter: 'adbe.pkcs7.detached', appearance: { rect: [300, 40, 200, 50] } }, fixtureSigner('company'));
    const thrice = await signPdf(twice, { ...base, fieldName: 'CanBo', appearance: { visible: false } }, fixtureSigner('ecPerson'));
    expectIncremental(twice, thrice);
    const r = await pdfsig(thrice);
    expect(r.total).toBe(3);
    expect(r.valid, r.out).toBe(3);
    expect(r.out).toContain('adbe.pkcs7.detached');
    await qpdfCheck(thrice);
    const v = await verifyPdf(thrice);
    expect(v.map((s) => [s.fieldName, s.integrity, s.coversWholeDocument])).toEqual([
      ['Signature1', true, false], ['Signature2', true, false], ['CanBo', true, true],
    ]);
    expect((await describePdf(thrice)).description.existingSignatures).toBe(3);
  });

  it('signPdf_xrefStreamsAndObjectStreams_writesXrefStream', async () => {
    const input = await withObjectStreams(await makePdf({ pages: 3, textFields: ['hoTen'] }));
    expect(Buffer.from(input).toString('latin1')).toContain('/ObjStm');
    const out = await signPdf(input, { ...base, appearance: { page: 2 } }, signer);
    expectIncremental(input, out);
    const tail = Buffer.from(out.subarray(input.length)).toString('latin1');
    expect(tail).toContain('/Type /XRef');
    expect(tail).not.toMatch(/^xref$/m);
    expect((await pdfsig(out)).valid).toBe(1);
    await qpdfCheck(out);
    expect(await pdftotext(out, 2)).toContain('Ký bởi: NGUYỄN VĂN AN');
  });

  it('signPdf_existingIncrementalUpdate_keepsInfoAndChain', async () => {
    const input = withIncrementalUpdate(await makePdf());
    const out = await signPdf(input, base, signer);
    expectIncremental(input, out);
    expect((await pdfsig(out)).valid).toBe(1);
    const check = await qpdfCheck(out);
    expect(check).not.toContain('WARNING');
    const w = await workDir('pades');
    const info = await tool('pdfinfo', [await w.write('x.pdf', out)]);
    expect(info.out).toContain('kyso fixture update');
  });

  it('signPdf_levelBT_timestampInsideContentsAndValid', async () => {
    const tsa = await startLocalTsa();
    try {
      const input = await makePdf();
      const out = await signPdf(input, { ...base, level: 'B-T', timestamp: { url: tsa.url }, appearance: { visible: false } }, signer);
      expectIncremental(input, out);
      expect(tsa.requests).toBe(1);
      const r = await pdfsig(out);
      expect(r.valid, r.out).toBe(1);
      const v = await verifyPdf(out);
      expect(v[0]).toMatchObject({ integrity: true, timestamped: true });
      await expect(signPdf(input, { ...base, level: 'B-T' }, signer)).rejects.toMatchObject({ reason: 'INVALID_PARAMS' });
    } finally {
      await tsa.close();
    }
  });
});
