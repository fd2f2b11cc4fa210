// PAdES over varied inputs: hybrid xref, PDF 1.4/2.0, AcroForms, rotation/CropBox placement, images, another
// tool's earlier signature, and the refusals (password-protected, truncated, not a PDF) with DOCUMENT_INVALID.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PDFDocument } from 'pdf-lib';
import { SignPdf } from '@signpdf/signpdf';
import { P12Signer } from '@signpdf/signer-p12';
import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import { describe, expect, it } from 'vitest';
import { AgentError } from '../../agent/core/errors.js';
import type { PdfSignOptions } from '../../agent/core/ports.js';
import { describePdf, signPdf, verifyPdf } from '../../agent/signing/pades/index.js';
import { fixtureSigner, tool, workDir } from './helpers.js';
import { encrypted, makePdf, makePng, withHybridUpdate } from './pdf-fixtures/make.js';

const execFileP = promisify(execFile);
const base: PdfSignOptions = { fileName: 'hoso.pdf', hashAlgorithm: 'SHA-256', level: 'B-B', signingTime: new Date('2025-03-04T05:06:07Z') };
const signer = fixtureSigner('citizen');

async function check(pdf: Uint8Array, expectedValid: number): Promise<string> {
  const w = await workDir('pades-in');
  const p = await w.write('s.pdf', pdf);
  const sig = await tool('pdfsig', ['-nocert', p]);
  expect((sig.out.match(/Signature is Valid\./g) ?? []).length, sig.out).toBe(expectedValid);
  expect((sig.out.match(/^Signature #\d+:/gm) ?? []).length).toBe(expectedValid);
  const q = await tool('qpdf', ['--check', p]);
  expect(q.out, q.out).toContain('No syntax or stream encoding errors found');
  return sig.out;
}

/** Renders a page at 1 px per point (PPM) and returns the RGB at visible point (x, y) from the lower-left. */
async function pixelAt(pdf: Uint8Array, page: number, x: number, y: number): Promise<[number, number, number]> {
  const w = await workDir('pades-px');
  const p = await w.write('s.pdf', pdf);
  await execFileP('pdftoppm', ['-r', '72', '-cropbox', '-f', String(page), '-l', String(page), p, join(w.dir, 'r')]);
  const files = (await tool('ls', [w.dir])).out.split('\n').filter((f) => f.endsWith('.ppm'));
  const img = await readFile(join(w.dir, files[0]!));
  const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(img.subarray(0, 40).toString('latin1'))!;
  const [width, height] = [Number(header[1]), Number(header[2])];
  const px = (height - 1 - Math.round(y)) * width + Math.round(x);
  const o = header[0].length + px * 3;
  return [img[o]!, img[o + 1]!, img[o + 2]!];
}

async function expectInvalid(p: Promise<unknown>, detail: RegExp): Promise<void> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(AgentError);
  expect((e as AgentError).reason).toBe('DOCUMENT_INVALID');
  expect((e as AgentError).data.detail).toMatch(detail);
}

describe('pades inputs', () => {
  it('signPdf_hybridXrefFile_followsXRefStmAndKeepsInfo', async () => {
    const input = withHybridUpdate(await makePdf());
    expect((await describePdf(input)).description.pageCount).toBe(1);
    const out = await signPdf(input, base, signer);
    await check(out, 1);
    const w = await workDir('pades-in');
    expect((await tool('pdfinfo', [await w.write('h.pdf', out)])).out).toContain('kyso hybrid fixture');
  });

  it.each(['1.4', '2.0'] as const)('signPdf_pdfVersion%s_valid', async (version) => {
    const input = await makePdf({ version, pages: 2 });
    const out = await signPdf(input, base, signer);
    expect(Buffer.from(out.subarray(0, 8)).toString('latin1')).toBe(`%PDF-${version}`);
    await check(out, 1);
  });

  it('signPdf_existingAcroFormWithTextFields_keepsFieldsAndAddsSignature', async () => {
    const input = await makePdf({ textFields: ['hoTen', 'diaChi'] });
    const out = await signPdf(input, { ...base, fieldName: 'ChuKyCongDan' }, signer);
    await check(out, 1);
    const doc = await PDFDocument.load(out);
    const names = doc.getForm().getFields().map((f) => f.getName());
    expect(names).toEqual(expect.arrayContaining(['hoTen', 'diaChi', 'ChuKyCongDan']));
    await expect(signPdf(out, { ...base, fieldName: 'ChuKyCongDan' }, signer)).rejects.toMatchObject({ reason: 'INVALID_PARAMS' });
  });

  it.each([0, 90, 180, 270] as const)('signPdf_rotate%i_imageLandsWhereTheUserSeesIt', async (rotate) => {
    const input = await makePdf({ rotate, cropBox: [40, 60, 500, 700] });
    const png = makePng(8, 8, [255, 0, 0, 255]);
    const out = await signPdf(input, { ...base, appearance: { rect: [100, 150, 120, 60], image: png, text: '' } }, signer);
    await check(out, 1);
    // Centre of the rectangle on the visible (cropped, rotated) page is red; far outside it is white.
    expect(await pixelAt(out, 1, 160, 180)).toEqual([255, 0, 0]);
    expect(await pixelAt(out, 1, 300, 300)).toEqual([255, 255, 255]);
  });

  it('signPdf_imageAndTextWithJpeg_bothRender', async () => {
    const w = await workDir('pades-in');
    const red = await signPdf(await makePdf(), { ...base, appearance: { rect: [0, 0, 595, 842], image: makePng(4, 4, [0, 0, 255, 255]), text: '' } }, signer);
    await execFileP('pdftoppm', ['-jpeg', '-r', '10', '-singlefile', await w.write('blue.pdf', red), join(w.dir, 'blue')]);
    const jpeg = new Uint8Array(await readFile(join(w.dir, 'blue.jpg')));
    const out = await signPdf(await makePdf(), { ...base, appearance: { rect: [50, 50, 300, 80], image: jpeg } }, signer);
    await check(out, 1);
    const [r, g, b] = await pixelAt(out, 1, 110, 90);
    expect(b).toBeGreaterThan(200);
    expect(r + g).toBeLessThan(100);
    const txt = await tool('pdftotext', ['-enc', 'UTF-8', await w.write('t.pdf', out), '-']);
    expect(Buffer.from(txt.out, 'latin1').toString('utf8')).toContain('NGUYỄN VĂN AN');
  });

  it('signPdf_afterSignpdfSignature_bothValid', async () => {
    const w = await workDir('pades-p12');
    // node-forge (inside P12Signer) re-encodes certificates and mangles UTF-8 (Vietnamese) names, so the other
    // tool signs with an ASCII-named self-signed certificate made by openssl.
    const key = join(w.dir, 'k.pem');
    const cert = join(w.dir, 'c.pem');
    await execFileP('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=Other Tool Signer/O=Portal']);
    const p12 = join(w.dir, 'a.p12');
    await execFileP('openssl', ['pkcs12', '-export', '-inkey', key, '-in', cert, '-passout', 'pass:kyso', '-out', p12,
      '-certpbe', 'PBE-SHA1-3DES', '-keypbe', 'PBE-SHA1-3DES', '-macalg', 'sha1']);
    const doc = await PDFDocument.load(await makePdf());
    pdflibAddPlaceholder({ pdfDoc: doc, reason: 'first', contactInfo: 'x', name: 'signpdf', location: 'HN' });
    const withPlaceholder = Buffer.from(await doc.save({ useObjectStreams: false }));
    const first = new Uint8Array(await new SignPdf().sign(withPlaceholder, new P12Signer(await readFile(p12), { passphrase: 'kyso' })));
    await check(first, 1);
    const out = await signPdf(first, { ...base, appearance: { page: 1, rect: [300, 50, 200, 50] } }, fixtureSigner('company'));
    await check(out, 2);
    const v = await verifyPdf(out);
    expect(v.map((s) => s.integrity)).toEqual([true, true]);
  });

  it('describePdf_reportsSizeHashPagesSignatures', async () => {
    const input = await makePdf({ pages: 4 });
    const { description: d } = await describePdf(input);
    expect(d).toMatchObject({ size: input.length, pageCount: 4, existingSignatures: 0 });
    const { createHash } = await import('node:crypto');
    expect(d.sha256Hex).toBe(createHash('sha256').update(input).digest('hex'));
  });

  it('refusals_encryptedTruncatedBroken_documentInvalidWithDetail', async () => {
    const good = await makePdf();
    await expectInvalid(signPdf(await encrypted(good), base, signer), /encrypted/);
    await expectInvalid(describePdf(await encrypted(good)), /encrypted/);
    await expectInvalid(describePdf(good.subarray(0, Math.floor(good.length / 2))), /truncated/);
    await expectInvalid(signPdf(good.subarray(0, good.length - 200), base, signer), /./);
    await expectInvalid(describePdf(new TextEncoder().encode('hello, not a pdf')), /%PDF/);
    // Damaged xref data (wrong startxref, bad entries) is repaired instead: native-tests/documents/damaged.test.ts.
    await expectInvalid(verifyPdf(await encrypted(good)), /encrypted/);
  });
});
