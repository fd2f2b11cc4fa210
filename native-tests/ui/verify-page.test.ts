// The "Kiểm tra chữ ký" page in real Chromium: a real signed PDF picked in the page is checked by the agent's
// verification service (status PKI on loopback, local TSA) and the Vietnamese verdict comes back; a tampered copy
// is "KHÔNG HỢP LỆ"; English on request. Nothing but the agent's own origin is contacted.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificateStatusService } from '../../agent/certs/status/service.js';
import type { PdfSignOptions } from '../../agent/core/ports.js';
import { longTermMaterial } from '../../agent/core/status/long-term.js';
import { renderReport } from '../../agent/core/verify/render.js';
import { createDocumentSigners } from '../../agent/signing/index.js';
import { createDocumentVerifier } from '../../agent/signing/verify/document.js';
import { softwareSigner } from '../../agent/signing/testing/software-signer.js';
import { startStatusFixture, type StatusFixture } from '../fixtures/status.js';
import { makePdf } from '../signing/pdf-fixtures/make.js';
import { startLocalTsa, type LocalTsa } from '../signing/tsa-server.js';
import { axe, SHOTS, startHarness, type Harness } from './harness.js';

let hx: Harness;
let f: StatusFixture;
let tsa: LocalTsa;
let dir: string;
let good: string;
let tampered: string;
const seen: string[] = [];

beforeAll(async () => {
  [f, tsa] = await Promise.all([startStatusFixture(), startLocalTsa()]);
  dir = await mkdtemp(join(tmpdir(), 'kyso-verify-page-'));
  const anchors = [f.pki.root.der, tsa.pki.root.certDer];
  const status = new CertificateStatusService({ anchors: () => anchors, allowPrivate: true, timeoutMs: 3000 });
  const verifier = createDocumentVerifier({ anchors: () => anchors, status });
  hx = await startHarness({ verify: async (input, lang) => renderReport(await verifier.verify(input), lang) });
  // A PAdES B-LT file signed by the status PKI's good certificate, and a copy with one signed byte changed.
  const documents = createDocumentSigners();
  const signer = softwareSigner(f.pki.certs.good.key.pkcs8Pem, f.pki.certs.good.der, [f.pki.ca.der]);
  const options: PdfSignOptions = { fileName: 'to-trinh.pdf', hashAlgorithm: 'SHA-256', level: 'B-T', signingTime: new Date(), timestamp: { url: tsa.url } };
  const signed = await documents.signPdf((await documents.describePdf(await makePdf({ pages: 1 }))).plan, options, signer);
  const lt = await documents.extendPdf!(signed, { level: 'B-LT', validation: await longTermMaterial(status, f.pki.certs.good.der, [f.pki.ca.der]), hashAlgorithm: 'SHA-256' });
  good = join(dir, 'tờ trình đã ký.pdf');
  await writeFile(good, lt);
  const bad = lt.slice();
  const at = Buffer.from(lt).toString('latin1').indexOf('/MediaBox');
  bad[at + 1] = 'm'.charCodeAt(0);
  tampered = join(dir, 'bị sửa.pdf');
  await writeFile(tampered, bad);
}, 120_000);
afterAll(async () => {
  await Promise.all([hx?.close(), f?.close(), tsa?.close(), dir ? rm(dir, { recursive: true, force: true }) : undefined]);
});

describe('Kiểm tra chữ ký page', () => {
  it('a picked file gets the Vietnamese verdict and every fact; a tampered copy is not valid', async () => {
    const url = await hx.host.openPanel('verify');
    const { page, context } = await hx.newPage('vi');
    page.on('request', (r) => seen.push(new URL(r.url()).origin));
    await page.goto(url);
    await page.getByRole('heading', { level: 1, name: 'Kiểm tra chữ ký' }).waitFor();
    await expect(page.locator('body').textContent()).resolves.toContain('không gửi đi đâu');
    await page.getByTestId('file').setInputFiles(good);
    await page.getByTestId('verdict').waitFor();
    expect(await page.getByTestId('verdict').textContent()).toBe('HỢP LỆ');
    const text = (await page.getByTestId('report').textContent()) ?? '';
    for (const s of ['TRẠNG THÁI TỐT', '001099000100', 'theo dấu thời gian (KYSO TEST TSA)', 'Nguyên vẹn', 'KYSO STATUS TEST ROOT (gốc tin cậy)', 'Trạng thái khi ký', 'PAdES-B-LT']) expect(text).toContain(s);
    await page.screenshot({ path: join(SHOTS, 'verify-vi.png'), fullPage: true });
    expect(await axe(page)).toEqual([]);
    // Another file in the same page.
    await page.getByTestId('file').setInputFiles(tampered);
    await page.getByTestId('verdict').filter({ hasText: 'KHÔNG HỢP LỆ' }).waitFor();
    expect(await page.getByTestId('reason').textContent()).toBe('Nội dung đã bị thay đổi sau khi ký.');
    expect(new Set(seen)).toEqual(new Set([hx.baseUrl]));
    await context.close();
  });

  it('English when the agent speaks English', async () => {
    hx.settings.lang = 'en';
    try {
      const url = await hx.host.openPanel('verify');
      const { page, context } = await hx.newPage('en');
      await page.goto(url);
      await page.getByRole('heading', { level: 1, name: 'Verify a signature' }).waitFor();
      await page.getByTestId('file').setInputFiles(good);
      await page.getByTestId('verdict').filter({ hasText: 'VALID' }).waitFor();
      await expect(page.getByTestId('report').textContent()).resolves.toContain('Status at signing');
      await context.close();
    } finally {
      hx.settings.lang = 'vi';
    }
  });
});
