// One request, one window: allow → pick → confirm move through the same browser tab (the one-time URL is used once),
// the last words say what happened, and a request that cannot show any window hears UI_UNAVAILABLE at once.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfirmRequest } from '../../agent/core/ports.js';
import { CERTS, SHOTS, promptCtx, startHarness, type Harness } from './harness.js';

let hx: Harness;
beforeAll(async () => {
  hx = await startHarness({ lingerMs: 60_000 });
});
afterAll(async () => {
  await hx?.close();
});

const request = (): ConfirmRequest => ({
  subject: { kind: 'document', format: 'pdf', fileName: 'Tờ khai thuế 2025.pdf', size: 184_320, sha256Hex: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', pageCount: 3, existingSignatures: 0 },
  certificate: CERTS[0]!,
  pin: { required: true, pinpad: false, pinStatus: 'ok' },
});

describe('one window per request (browser host)', () => {
  it('allow → pick → confirm in one tab, URL used once, "Đã ký xong" at the end', async () => {
    const origin = 'https://one-window.example';
    const urlP = hx.nextUrl();
    const access = promptCtx('vi', origin);
    const allowed = hx.host.requestAccess(access);
    const url = await urlP;
    const { page, context } = await hx.newPage('vi');
    await page.goto(url);
    await page.getByTestId('allow-once').waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid=allow-once]')?.getAttribute('aria-disabled') === 'false');
    await page.getByTestId('allow-once').click();
    await expect(allowed).resolves.toBe('allowOnce');
    hx.host.finish(access, 'done');
    await page.locator('[data-testid=end][data-outcome=allowed]').waitFor();
    await page.screenshot({ path: join(SHOTS, 'end-allowed-vi.png'), fullPage: true });

    // The site's next question appears in the same tab: nothing new is opened.
    const newWindows = () => hx.logs.filter((l) => l.event === 'ui.dialog.open' && l.fields?.window === 'new').length;
    const before = newWindows();
    const pick = promptCtx('vi', origin);
    const chosen = hx.host.chooseCertificate(pick, CERTS, {});
    await page.getByTestId('cert-list').waitFor();
    await expect(page.getByTestId('request-bar').textContent()).resolves.toContain(origin);
    await page.getByTestId('cert-list').focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('Enter');
    expect((await chosen)?.certId).toBe('c-viettel');
    hx.host.finish(pick, 'done');

    const sign = promptCtx('vi', origin);
    const confirmed = hx.host.confirmSigning(sign, request());
    await page.getByTestId('pin').waitFor();
    await page.waitForTimeout(900);
    await page.getByTestId('pin').fill('123456');
    await page.keyboard.press('Enter');
    const answer = await confirmed;
    expect(answer.approved).toBe(true);
    hx.host.progress(sign, 1, 1);
    hx.host.finish(sign, 'done');
    await page.locator('[data-testid=end][data-outcome=signed]').waitFor();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Đã ký xong');
    await page.screenshot({ path: join(SHOTS, 'end-signed-vi.png'), fullPage: true });
    expect(newWindows()).toBe(before);
    expect(hx.logs.filter((l) => l.event === 'ui.dialog.reuse')).toHaveLength(2);

    // The one-time URL stays single-use: loading it again is an unknown token.
    const again = await fetch(url);
    expect(again.status).toBe(404);
    await context.close();
  });

  it('a cancelled confirmation says so, in English too', async () => {
    const urlP = hx.nextUrl();
    const ctx = promptCtx('en', 'https://cancel.example');
    const result = hx.host.confirmSigning(ctx, request());
    const { page, context } = await hx.newPage('en');
    await page.goto(await urlP);
    await page.getByTestId('cancel').click();
    await expect(result).resolves.toEqual({ approved: false });
    await page.locator('[data-testid=end][data-outcome=cancelled]').waitFor();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Cancelled');
    await context.close();
  });

  it('a held Enter (key auto-repeat) never grants access, and focus on Allow restarts the guard', async () => {
    const urlP = hx.nextUrl();
    const ctx = promptCtx('vi', 'https://held-enter.example');
    const result = hx.host.requestAccess(ctx);
    let settled = false;
    void result.then(() => (settled = true), () => (settled = true));
    const { page, context } = await hx.newPage('vi');
    await page.goto(await urlP);
    await page.getByTestId('allow-once').waitFor();
    // Enter goes down on the site before the dialog is ready and stays down…
    await page.keyboard.down('Enter');
    await page.waitForFunction(() => document.querySelector('[data-testid=allow-once]')?.getAttribute('aria-disabled') === 'false');
    await page.waitForTimeout(900);
    await page.getByTestId('allow-once').focus();
    await page.waitForTimeout(900);
    // …and auto-repeats while Allow once has the focus.
    for (let i = 0; i < 5; i++) await page.keyboard.down('Enter');
    await page.keyboard.up('Enter');
    await page.waitForTimeout(300);
    expect(settled).toBe(false);
    // A fresh key press after the guard is a real decision.
    await page.keyboard.press('Enter');
    await expect(result).resolves.toBe('allowOnce');
    await context.close();
  });
});

describe('what is signed, said plainly', () => {
  it('names the signature hash, flags SHA-1 as legacy with a warning, says when the page gave no name, shows extra facts', async () => {
    const urlP = hx.nextUrl();
    const ctx = promptCtx('vi', 'https://sha1.example');
    const result = hx.host.confirmSigning(ctx, {
      subject: { kind: 'document', format: 'xml', fileName: 'document.xml', unnamed: true, profile: 'einvoice', size: 2048, sha256Hex: 'ab'.repeat(32), hashAlgorithm: 'SHA-1' },
      certificate: CERTS[1]!,
      pin: { required: false, pinpad: false, pinStatus: 'ok' },
      legacyHash: 'warn',
      facts: [{ label: { vi: 'Tổng tiền', en: 'Total' }, value: '1.000.000 VND' }],
    });
    const { page, context } = await hx.newPage('vi');
    await page.goto(await urlP);
    await page.getByTestId('signature-hash').waitFor();
    await expect(page.getByTestId('signature-hash').textContent()).resolves.toContain('SHA-1');
    expect(await page.getByTestId('sha1-legacy').isVisible()).toBe(true);
    expect(await page.getByTestId('sha1-warning').isVisible()).toBe(true);
    await expect(page.getByTestId('unnamed').textContent()).resolves.toBe('Trang web không đặt tên cho tài liệu này');
    const body = (await page.locator('body').textContent()) ?? '';
    expect(body).not.toContain('document.xml');
    expect(body).not.toContain('einvoice');
    expect(body).toContain('Hóa đơn điện tử');
    await expect(page.getByTestId('extra-facts').textContent()).resolves.toBe('Tổng tiền1.000.000 VND');
    await page.screenshot({ path: join(SHOTS, 'confirm-sha1-vi.png'), fullPage: true });
    await page.getByTestId('cancel').click();
    await expect(result).resolves.toEqual({ approved: false });
    await context.close();
  });
});

describe('the PDF stamp', () => {
  it('a page-sized stamp with its own text and image is shown with a large-stamp warning; an off-page one too', async () => {
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mP8/x8AAwMCAO+ip1sAAAAASUVORK5CYII=';
    const urlP = hx.nextUrl();
    const ctx = promptCtx('vi', 'https://stamp.example');
    const base = { kind: 'document' as const, format: 'pdf' as const, fileName: 'Hóa đơn.pdf', size: 9000, sha256Hex: 'ab'.repeat(32), pageCount: 1, hashAlgorithm: 'SHA-256' as const };
    const result = hx.host.confirmSigning(ctx, {
      subject: { ...base, stamp: { visible: true, page: 1, rect: [0, 0, 595, 842], pageSize: [595, 842], text: 'AMOUNT: 1,000,000,000 VND / Payment approved', image: `data:image/png;base64,${png}`, reason: 'Duyệt chi', location: 'Hà Nội', coverage: 1, offPage: false, pages: [1, 3], textBoxes: [{ page: 2, rect: [400, 700, 120, 20], text: '12/QĐ-UBND' }] } },
      certificate: CERTS[1]!, pin: { required: false, pinpad: false, pinStatus: 'ok' },
    });
    const { page, context } = await hx.newPage('vi');
    await page.goto(await urlP);
    await page.getByTestId('stamp').waitFor();
    await expect(page.getByTestId('stamp-text').textContent()).resolves.toBe('“AMOUNT: 1,000,000,000 VND / Payment approved”');
    expect(await page.getByTestId('stamp-image').isVisible()).toBe(true);
    await expect(page.getByTestId('stamp-large').textContent()).resolves.toContain('100% trang');
    await expect(page.getByTestId('stamp').textContent()).resolves.toContain('Duyệt chi');
    await expect(page.getByTestId('stamp').textContent()).resolves.toContain('Hà Nội');
    // The stamp's pages and the further text it writes (document number, comments) are listed.
    await expect(page.getByTestId('stamp').textContent()).resolves.toContain('Trang1, 3');
    await expect(page.getByTestId('stamp-text-boxes').textContent()).resolves.toBe('Trang 2, x 400, y 700, rộng 120, cao 20 pt: “12/QĐ-UBND”');
    const [sw, bw] = await page.evaluate(() => [document.querySelector<HTMLElement>('.stamp-page')!.offsetWidth, document.querySelector<HTMLElement>('.stamp-box')!.offsetWidth]);
    expect(bw).toBeGreaterThanOrEqual(sw - 4);
    expect(await page.getByTestId('stamp-offpage').count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'confirm-stamp-vi.png'), fullPage: true });
    await page.getByTestId('cancel').click();
    await result;
    // The same window, next request: a stamp placed off the page.
    const ctx2 = promptCtx('vi', 'https://stamp.example');
    const r2 = hx.host.confirmSigning(ctx2, { subject: { ...base, stamp: { visible: true, page: 1, rect: [5000, 5000, 100, 40], pageSize: [595, 842], coverage: 0, offPage: true } }, certificate: CERTS[1]!, pin: { required: false, pinpad: false, pinStatus: 'ok' } });
    await page.getByTestId('stamp-offpage').waitFor();
    expect(await page.getByTestId('stamp-large').count()).toBe(0);
    await page.getByTestId('cancel').click();
    await r2;
    await context.close();
  });

  it('sign.batch: each PDF item’s stamp is shown with its warnings, as for sign.pdf (T24)', async () => {
    const urlP = hx.nextUrl();
    const ctx = promptCtx('vi', 'https://stamp.example');
    const item = { kind: 'document' as const, format: 'pdf' as const, fileName: 'Hóa đơn.pdf', size: 9000, sha256Hex: 'ab'.repeat(32), pageCount: 1, hashAlgorithm: 'SHA-256' as const };
    const stamp = { visible: true, page: 1, rect: [0, 0, 595, 842] as [number, number, number, number], pageSize: [595, 842] as [number, number], text: 'Payment approved', coverage: 1, offPage: false, textBoxes: [{ page: 1, rect: [10, 10, 50, 10] as [number, number, number, number], text: '000' }] };
    const result = hx.host.confirmSigning(ctx, {
      subject: { kind: 'batch', label: 'Hai tệp', count: 2, kinds: ['pdf'], items: [{ ...item, stamp }, { ...item, fileName: 'b.pdf', stamp: { visible: false } }] },
      certificate: CERTS[1]!, pin: { required: false, pinpad: false, pinStatus: 'ok' },
    });
    const { page, context } = await hx.newPage('vi');
    await page.goto(await urlP);
    await page.getByTestId('subject-batch').waitFor();
    const first = page.getByTestId('batch-item').first();
    await expect(first.getByTestId('stamp-text').textContent()).resolves.toBe('“Payment approved”');
    await expect(first.getByTestId('stamp-large').textContent()).resolves.toContain('100% trang');
    await expect(first.getByTestId('stamp-text-boxes').textContent()).resolves.toContain('“000”');
    await page.getByTestId('batch-item').nth(1).getByTestId('stamp-invisible').waitFor();
    await page.getByTestId('cancel').click();
    await result;
    await context.close();
  });
});

describe('no window can be shown', () => {
  it('answers UI_UNAVAILABLE (not retriable, bilingual) within 2 s and logs it', async () => {
    const h2 = await startHarness({ open: () => Promise.reject(new Error('no $BROWSER and no display')) });
    try {
      const t0 = Date.now();
      const err = await h2.host.requestAccess(promptCtx('vi', 'https://nowindow.example')).catch((e: unknown) => e);
      expect(Date.now() - t0).toBeLessThan(2000);
      expect(err).toMatchObject({ reason: 'UI_UNAVAILABLE', retriable: false });
      expect((err as Error).message).toMatch(/Không mở được hộp thoại.*could not show/);
      expect(h2.logs.some((l) => l.level === 'error' && l.event === 'ui.unavailable')).toBe(true);
      expect(h2.host.dialogs.openCount()).toBe(0);
    } finally {
      await h2.close();
    }
  });
});
