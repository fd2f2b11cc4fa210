// Every PdfSigner option a reader sees, sent over the real VNPT-CA Plugin wire (SignPDF and signArrDataAdvanced) to
// the agent on SoftHSM2. The output is checked by pdfsig, qpdf and pyHanko (valid, one signature); what it draws by
// pdftotext (the text, page by page) and by qpdf's view of the annotations (one per listed page, the document number,
// date and comments in their own boxes, colour/bold/slant as operators of the appearance streams).
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ScriptedPrompt } from '../../agent/core/testing/scripted-prompt.js';
import { startAgent, type RunningAgent } from '../../agent/headless/index.js';
import { drawnAnnotations } from '../signing/pdf-annotations.js';
import { makePng } from '../signing/pdf-fixtures/make.js';
import { expectValidPdf } from '../signing/validate-pdf.js';
import { expectSigningTimeShown, PluginPage } from './plugin-client.js';

const run = promisify(execFile);
const k = inject('kyso');
const PORTAL = 'https://motcua.example.gov.vn';
let dir: string;
let agent: RunningAgent;
let page: PluginPage;

async function threePages(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  for (const t of ['Quyet dinh', 'Phu luc', 'Trang ky']) doc.addPage([595, 842]).drawText(t, { x: 50, y: 700 });
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

/** pdftotext of one page (1-based). */
async function pageText(pdf: Buffer, n: number): Promise<string> {
  const file = join(dir, `p-${Date.now()}-${n}.pdf`);
  await writeFile(file, pdf);
  return (await run('pdftotext', ['-enc', 'UTF-8', '-f', String(n), '-l', String(n), file, '-'])).stdout;
}

beforeAll(async () => {
  process.env.SOFTHSM2_CONF = k.softhsm.conf;
  dir = await mkdtemp(join(tmpdir(), 'kyso-vnpt-pdf-'));
  await writeFile(join(dir, 'policy.json'), JSON.stringify({ allowPairing: true }));
  agent = await startAgent({
    dataDir: join(dir, 'data'), policyPath: join(dir, 'policy.json'), home: dir, port: 0, vnptPorts: [0],
    prompt: new ScriptedPrompt({ access: 'allowAlways', confirm: { pin: k.softhsm.tokens.A.pin } }),
    modules: [{ name: 'SoftHSM2', path: k.softhsm.module, source: 'env' }],
  });
  page = await PluginPage.open(agent.vnptPort!, PORTAL, agent.tls.caPem);
  const [info] = await page.call(0, ['1', k.pki.certs.citizen.serialHex]);
  expect(JSON.parse(info).subjectCN).toBe('NGUYỄN VĂN AN');
});

afterAll(async () => {
  page?.close();
  await agent?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('PdfSigner options over the VNPT wire', () => {
  it('SignPDF: colour, bold, upper case, labels, bottom alignment, PagesArray, document number/date boxes, comments; the real signing time', async () => {
    const pdf = await threePages();
    const opts = {
      page: 1, llx: 300, lly: 60, urx: 560, ury: 160, SigTextSize: 9, SigType: 0,
      Signer: 'Nguyễn Văn An', sigUpperCase: true, sigBold: true, SigColorRGB: '0,0,255', textAlignBottom: true,
      SignerPosition: 'Chuyên viên', SigPositionVisible: true, labelDescription: 'Nội dung:', Description: 'Phê duyệt hồ sơ',
      // A back-dated time from the page: never what the stamp shows.
      SigningTime: '08:00:00 01/01/2020', PagesArray: '1,3',
      DocumentNumber: '125/QĐ-UBND', DocumentNumberRec: '60,780,220,800', DocumentNumberPage: 1, docNumberItalic: true,
      DocumentDate: '03/12/2026', DocumentDateRec: '400,780,540,800',
      listComment: [{ Description: 'Đã kiểm tra', page: 2, llx: 50, lly: 400, urx: 250, ury: 430 }], commentItalic: true, commentFontSize: 10,
    };
    const before = new Date();
    const [reply] = await page.call(2, [pdf.toString('base64'), JSON.stringify(opts)]);
    const after = new Date();
    const r = JSON.parse(reply) as { code: number; data: string; error: string };
    expect(r.code, r.error).toBe(0);
    const out = Buffer.from(r.data, 'base64');
    expect(out.subarray(0, pdf.length).equals(pdf)).toBe(true);
    await expectValidPdf(out, 1);

    const annots = await drawnAnnotations(out);
    expect(annots.map((a) => [a.page, a.subtype, a.fieldType ?? null])).toEqual([
      [1, '/Widget', '/Sig'], [1, '/Stamp', null], [1, '/Stamp', null], [2, '/Stamp', null], [3, '/Stamp', null],
    ]);
    expect(annots.every((a) => a.flags === 132)).toBe(true);
    const [widget, number, date, comment, copy] = annots as [typeof annots[0], typeof annots[0], typeof annots[0], typeof annots[0], typeof annots[0]];
    // Blue, filled and stroked (bold), 9 pt; the copy on page 3 is the same stamp.
    expect(widget.appearance).toMatch(/\/F1 9 Tf 0 0 1 rg 2 Tr [\d.]+ w 0 0 1 RG/);
    expect(copy.rect).toEqual(widget.rect);
    expect(number.rect).toEqual([60, 780, 220, 800]);
    expect(number.appearance).toMatch(/0 0 1 rg 2 Tr/);
    expect(number.appearance).toMatch(/1 0 0\.213 1 /);
    expect(date.rect).toEqual([400, 780, 540, 800]);
    expect(date.appearance).not.toMatch(/1 0 0\.213 1 /);
    expect(comment.rect).toEqual([50, 400, 250, 430]);
    expect(comment.appearance).toMatch(/\/F1 10 Tf/);
    expect(comment.appearance).toMatch(/1 0 0\.213 1 /);
    // Bottom alignment: the last line's baseline sits near the box's bottom edge (100 pt high).
    const baselines = [...widget.appearance.matchAll(/1 0 0 1 [\d.]+ ([\d.]+) Tm/g)].map((m) => Number(m[1]));
    expect(baselines.at(-1)).toBeLessThan(10);

    const p1 = await pageText(out, 1);
    for (const s of ['Ký bởi: NGUYỄN VĂN AN', 'Chức vụ: Chuyên viên', 'Nội dung: Phê duyệt hồ sơ', '125/QĐ-UBND', '03/12/2026']) expect(p1).toContain(s);
    expect(p1).not.toContain('01/01/2020');
    expectSigningTimeShown(p1, before, after);
    expect(await pageText(out, 2)).toContain('Đã kiểm tra');
    const p3 = await pageText(out, 3);
    expect(p3).toContain('Ký bởi: NGUYỄN VĂN AN');
    expectSigningTimeShown(p3, before, after);
  });

  it('signArrDataAdvanced: sigAllPages with the image under the text; an unreadable SigningTime falls back to the signing clock', async () => {
    const pdf = await threePages();
    const sigOptions = JSON.stringify({
      page: 1, llx: 40, lly: 40, urx: 240, ury: 120, SigType: 1, ImageBase64: Buffer.from(makePng(4, 4, [200, 0, 0, 255])).toString('base64'),
      SetImageBackground: true, sigAllPages: true, SigningTime: 'hôm nay', SigCompanyVisible: false,
    });
    const before = new Date();
    const [reply] = await page.call(10, [JSON.stringify([JSON.stringify({ data: pdf.toString('base64'), type: 'pdf', sigOptions })]), k.pki.certs.citizen.serialHex, '0', '0']);
    const after = new Date();
    const item = JSON.parse(JSON.parse(reply)[0]) as { code: number; data: string; error: string };
    expect(item.code, item.error).toBe(0);
    const out = Buffer.from(item.data, 'base64');
    await expectValidPdf(out, 1);
    const annots = await drawnAnnotations(out);
    expect(annots.map((a) => [a.page, a.subtype])).toEqual([[1, '/Widget'], [2, '/Stamp'], [3, '/Stamp']]);
    // The image across the box first, then the text over it.
    for (const a of annots) expect(a.appearance).toMatch(/\/Im1 Do Q[\s\S]*BT /);
    for (const n of [1, 2, 3]) expectSigningTimeShown(await pageText(out, n), before, after);
  });

  it('a document-number box that is not a box answers code 1 with the option named; nothing is signed', async () => {
    const [reply] = await page.call(2, [(await threePages()).toString('base64'), JSON.stringify({ page: 1, llx: 1, lly: 1, urx: 100, ury: 50, DocumentNumber: '1', DocumentNumberRec: '10,20' })]);
    const r = JSON.parse(reply) as { code: number; data: string; error: string };
    expect(r).toMatchObject({ code: 1, data: '' });
    expect(r.error).toContain('DocumentNumberRec');
  });
});
