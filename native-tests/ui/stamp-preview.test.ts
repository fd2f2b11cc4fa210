// docs/security.md T24: the confirmation renders the target page(s) of a PDF with pdf.js (served by the agent, no
// eval, strict CSP) and draws the planned stamp on them, with a warning for a page-sized stamp; a stamp that
// repeats is previewed on every page. Real Chromium through the browser host.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfirmRequest } from '../../agent/core/ports.js';
import type { PdfStampInfo } from '../../agent/core/types.js';
import { CERTS, SHOTS, promptCtx, startHarness, type Harness } from './harness.js';
import { inspectCanvases, pdfWithBlocks } from './stamp-canvas.js';

let hx: Harness;
let pdf: Uint8Array;
beforeAll(async () => {
  hx = await startHarness({ lingerMs: 60_000 });
  // Two A4 pages, each with a black block at the top left (x 40–240, y 700–800) and a line of text.
  pdf = await pdfWithBlocks([[40, 700], [40, 700]]);
});
afterAll(async () => {
  await hx?.close();
});

const base = { kind: 'document' as const, format: 'pdf' as const, fileName: 'Hợp đồng.pdf', size: 9000, sha256Hex: 'ab'.repeat(32), pageCount: 2, hashAlgorithm: 'SHA-256' as const };
const request = (stamp: PdfStampInfo): ConfirmRequest => ({
  subject: { ...base, stamp }, certificate: CERTS[1]!, pin: { required: false, pinpad: false, pinStatus: 'ok' }, preview: { pdf },
});


describe('T24: the confirmation previews the page with the planned stamp', () => {
  it('renders the target page, draws a page-sized stamp over it and warns; then a stamp repeated on two pages', async () => {
    const csp: string[] = [];
    const urlP = hx.nextUrl();
    const ctx = promptCtx('vi', 'https://preview.example');
    const answered = hx.host.confirmSigning(ctx, request({
      visible: true, page: 1, rect: [0, 0, 595, 842], pageSize: [595, 842], text: 'AMOUNT: 1,000,000,000 VND / Payment approved', coverage: 1, offPage: false,
    }));
    const { page, context } = await hx.newPage('vi');
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) csp.push(m.text());
    });
    await page.goto(await urlP);
    await page.locator('[data-testid=stamp-preview][data-state=drawn]').waitFor();
    const [one] = await inspectCanvases(page, 140, 750);
    console.log(`page-sized stamp: canvas ${one!.width}×${one!.height}, ${one!.ink} non-white pixels, at the PDF's black block ${one!.at.join(',')}`);
    expect(one!.page).toBe('1');
    // The stamp's tint covers the whole page: nearly every pixel is ink.
    expect(one!.ink).toBeGreaterThan(one!.width * one!.height * 0.9);
    await expect(page.getByTestId('stamp-large').textContent()).resolves.toContain('100% trang');
    await page.screenshot({ path: join(SHOTS, 'confirm-stamp-preview-vi.png'), fullPage: true });
    await page.getByTestId('cancel').click();
    await answered;

    // The same window, next request: a stamp over a quarter of the page, repeated on both pages; the document shows
    // around it, and each page says the stamp is large (the target page by the agent's description, page 2 here).
    const ctx2 = promptCtx('vi', 'https://preview.example');
    const answered2 = hx.host.confirmSigning(ctx2, request({
      visible: true, page: 1, pages: [1, 2], rect: [300, 40, 295, 400], pageSize: [595, 842], coverage: 0.236, offPage: false,
    }));
    await page.locator('[data-testid=stamp-preview][data-state=drawn] [data-testid=stamp-preview-canvas][data-page="2"]').waitFor();
    const both = await inspectCanvases(page, 140, 750);
    console.log(`repeated stamp: ${both.map((b) => `page ${b.page} ${b.ink} non-white pixels, block ${b.at.join(',')}`).join('; ')}`);
    expect(both.map((b) => b.page)).toEqual(['1', '2']);
    for (const b of both) {
      // pdf.js drew the page itself: its black block is black, and the page is mostly white around the stamp.
      expect(Math.max(...b.at.map(Number))).toBeLessThan(60);
      expect(b.ink).toBeGreaterThan(1000);
      expect(b.ink).toBeLessThan(b.width * b.height * 0.5);
    }
    await expect(page.getByTestId('stamp-large').textContent()).resolves.toContain('24% trang');
    await expect(page.locator('figure[data-page="2"] [data-testid=stamp-preview-large]').textContent()).resolves.toContain('24% trang');
    expect(await page.locator('figure[data-page="1"] [data-testid=stamp-preview-large]').count()).toBe(0);
    expect(csp).toEqual([]);
    await page.getByTestId('cancel').click();
    await answered2;
    await context.close();
  });
});

describe('T24: every PDF item of a batch previews its own page with its stamp', () => {
  it('renders each item on demand from its own document, with the page-sized stamp\'s warning on that item only', async () => {
    const csp: string[] = [];
    // Item 0: its block at the top left, a small stamp at the bottom right. Item 2: its block at the bottom right,
    // under a page-sized stamp. Item 1 is a hash (nothing to render).
    const first = await pdfWithBlocks([[40, 700]]);
    const third = await pdfWithBlocks([[355, 40]]);
    const doc = (fileName: string, stamp: PdfStampInfo) => ({ ...base, fileName, pageCount: 1, stamp });
    const small: PdfStampInfo = { visible: true, page: 1, rect: [360, 40, 180, 60], pageSize: [595, 842], text: 'Đã ký', coverage: 0.022, offPage: false };
    const whole: PdfStampInfo = { visible: true, page: 1, rect: [0, 0, 595, 842], pageSize: [595, 842], text: 'Payment approved', coverage: 1, offPage: false };
    const urlP = hx.nextUrl();
    const answered = hx.host.confirmSigning(promptCtx('vi', 'https://batch-preview.example'), {
      subject: { kind: 'batch', label: 'Hợp đồng tháng 12', count: 3, kinds: ['pdf', 'hash'], items: [doc('A.pdf', small), { kind: 'hash', hashHex: 'cd'.repeat(32), hashAlgorithm: 'SHA-256' }, doc('C.pdf', whole)] },
      certificate: CERTS[1]!, pin: { required: false, pinpad: false, pinStatus: 'ok' }, preview: { items: [first, undefined, third] },
    });
    const { page, context } = await hx.newPage('vi');
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) csp.push(m.text());
    });
    await page.goto(await urlP);
    const items = page.getByTestId('batch-item');
    await expect(items.count()).resolves.toBe(3);
    // Nothing is fetched or drawn until the user asks for an item's page.
    expect(await page.locator('[data-testid=stamp-preview-canvas]').count()).toBe(0);
    for (const i of [0, 2]) {
      await items.nth(i).getByTestId('stamp-preview-show').click();
      await items.nth(i).locator('[data-testid=stamp-preview][data-state=drawn]').waitFor();
    }
    const [a] = await inspectCanvases(page, 140, 750, '[data-testid=batch-item]:nth-child(1)');
    const [aClear] = await inspectCanvases(page, 300, 600, '[data-testid=batch-item]:nth-child(1)');
    const [c] = await inspectCanvases(page, 455, 90, '[data-testid=batch-item]:nth-child(3)');
    const [cTop] = await inspectCanvases(page, 140, 750, '[data-testid=batch-item]:nth-child(3)');
    console.log(`batch item A: ${a!.ink} non-white pixels, its block ${a!.at.join(',')}, clear area ${aClear!.at.join(',')}; item C: ${c!.ink} non-white, its block under the stamp ${c!.at.join(',')}, top left ${cTop!.at.join(',')}`);
    // Item A: its own page (its block black, the rest white), its small stamp drawn.
    expect(Math.max(...a!.at.map(Number))).toBeLessThan(60);
    expect(aClear!.at.map(Number)).toEqual([255, 255, 255]);
    expect(a!.ink).toBeGreaterThan(1000);
    expect(a!.ink).toBeLessThan(a!.width * a!.height * 0.3);
    // Item C: its own page (its block at the bottom right, dark under the tint; the top left only tinted), the
    // page-sized stamp over all of it.
    expect(Math.max(...c!.at.map(Number))).toBeLessThan(130);
    expect(Number(cTop!.at[0])).toBeGreaterThan(200);
    expect(c!.ink).toBeGreaterThan(c!.width * c!.height * 0.9);
    // The warning for the page-sized stamp is on item C, not on item A; the hash item offers no page.
    await expect(items.nth(2).getByTestId('stamp-large').textContent()).resolves.toContain('100% trang');
    expect(await items.nth(0).getByTestId('stamp-large').count()).toBe(0);
    expect(await items.nth(1).getByTestId('stamp-preview-show').count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'confirm-batch-stamp-preview-vi.png'), fullPage: true });
    expect(csp).toEqual([]);
    await page.getByTestId('cancel').click();
    await expect(answered).resolves.toEqual({ approved: false });
    await context.close();
  });
});
