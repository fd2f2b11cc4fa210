// The question dialogs (allow site, certificate picker, sign + PIN) in real headless Chromium, both languages.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ConfirmRequest, Lang } from '../../agent/core/ports.js';
import { CERTS, SHOTS, promptCtx, startHarness, type Harness } from './harness.js';

let hx: Harness;
beforeAll(async () => {
  hx = await startHarness();
});
afterAll(async () => {
  await hx?.close();
});

/** Starts a prompt call, opens the page it asked for, returns both. */
async function open<T>(call: () => Promise<T>, lang: Lang = 'vi') {
  const urlP = hx.nextUrl();
  const result = call();
  result.catch(() => undefined);
  const url = await urlP;
  const { page, context } = await hx.newPage(lang);
  await page.goto(url);
  await page.waitForSelector('h1');
  return { page, context, result, url };
}

/**
 * Re-focuses the window, tries to submit at once (must be ignored), and measures how long the button stays
 * disabled. Done inside the page so a slow test machine cannot blur the timing.
 */
async function armDelay(page: Page, testid: string): Promise<{ disabledAtFocus: boolean; waitedMs: number }> {
  return page.evaluate(async (id) => {
    const b = document.querySelector<HTMLButtonElement>(`[data-testid=${id}]`)!;
    dispatchEvent(new Event('blur'));
    dispatchEvent(new Event('focus'));
    const t0 = performance.now();
    const disabledAtFocus = b.disabled;
    b.form?.requestSubmit();
    b.click();
    await new Promise<void>((r) => {
      const i = setInterval(() => {
        if (!b.disabled) {
          clearInterval(i);
          r();
        }
      }, 5);
    });
    return { disabledAtFocus, waitedMs: performance.now() - t0 };
  }, testid);
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

const pdfRequest = (overrides: Partial<ConfirmRequest['pin']> = {}): ConfirmRequest => ({
  subject: { kind: 'document', format: 'pdf', fileName: 'Tờ khai thuế 2025.pdf', size: 184_320, sha256Hex: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', pageCount: 3, existingSignatures: 1 },
  certificate: CERTS[0]!,
  pin: { required: true, pinpad: false, pinStatus: 'ok', ...overrides },
});

const PICKER_ORDER = ['c-viettel', 'c-citizen', 'c-expired', 'c-company'];

const TEXT = {
  vi: { question: 'Trang web này muốn dùng chữ ký số của bạn', sign: 'Ký', wrong: 'PIN không đúng', locked: 'đã bị khóa', pinpad: 'Nhập PIN trên thiết bị đọc', closed: 'Hộp thoại đã đóng' },
  en: { question: 'This site wants to use your digital signature', sign: 'Sign', wrong: 'Wrong PIN', locked: 'is locked', pinpad: 'Enter the PIN on the reader', closed: 'This dialog is closed' },
} as const;

describe.each(['vi', 'en'] as const)('dialogs in %s', (lang) => {
  const tx = TEXT[lang];

  it('allow site: shows the exact origin and approves with the keyboard only', async () => {
    const { page, context, result } = await open(() => hx.host.requestAccess(promptCtx(lang)), lang);
    await expect(page.getByTestId('question').textContent()).resolves.toBe(tx.question);
    // The exact origin is named once, in the fixed request bar.
    await expect(page.getByTestId('request-bar').textContent()).resolves.toContain('https://dichvucong.gov.vn');
    expect(await page.getByText('https://dichvucong.gov.vn', { exact: true }).count()).toBe(1);
    await shot(page, `access-${lang}`);
    const d = await armDelay(page, 'allow-once');
    expect(d.disabledAtFocus).toBe(true);
    expect(d.waitedMs).toBeGreaterThanOrEqual(780);
    // Deny is the first Tab stop; Allow once the second. Focus moving onto it starts the guard again.
    await page.getByRole('heading', { level: 1 }).focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('deny');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('allow-once');
    await page.waitForFunction(() => document.querySelector('[data-testid=allow-once]')?.getAttribute('aria-disabled') === 'false');
    await page.keyboard.press('Enter');
    await expect(result).resolves.toBe('allowOnce');
    await context.close();
  });

  it('allow site: block, and a punycode look-alike shows both forms and a warning', async () => {
    const { page, context, result } = await open(() => hx.host.requestAccess(promptCtx(lang, 'https://xn--pple-43d.com')), lang);
    await expect(page.getByTestId('origin-raw').textContent()).resolves.toBe('https://xn--pple-43d.com');
    // The request bar names the exact origin first-class; the decoded look-alike only as a labelled second form.
    await expect(page.getByTestId('request-bar').textContent()).resolves.toContain('https://xn--pple-43d.com');
    await expect(page.locator('.origin').textContent()).resolves.toContain('https://аpple.com');
    expect(await page.getByTestId('lookalike').isVisible()).toBe(true);
    await shot(page, `access-lookalike-${lang}`);
    await page.getByTestId('block').click();
    await expect(result).resolves.toBe('block');
    await context.close();
  });

  it('picker: groups by token, marks expired unselectable, filters, shows details, picks with arrows + Enter', async () => {
    const { page, context, result } = await open(() => hx.host.chooseCertificate(promptCtx(lang), CERTS, { lastChoice: 'c-company' }), lang);
    expect(await page.locator('.group-label').allTextContents()).toEqual(lang === 'vi' ? ['Chứng thư cá nhân', 'Chứng thư tổ chức'] : ['Personal certificates', 'Organisation certificates']);
    // Stable order: personal, usable first, by holder name; then organisation. The token is named on each entry.
    expect(await page.locator('[role=option]').evaluateAll((els) => els.map((e) => e.getAttribute('data-cert-id')))).toEqual(PICKER_ORDER);
    await expect(page.locator('[data-cert-id=c-viettel] [data-testid=cert-token]').textContent()).resolves.toBe(lang === 'vi' ? 'Thiết bị: Viettel-CA Token' : 'Token: Viettel-CA Token');
    // The company's name once, not twice.
    expect(((await page.locator('[data-cert-id=c-company]').textContent()) ?? '').split('CÔNG TY TNHH KYSO DEMO').length - 1).toBe(1);
    // The last choice is preselected.
    expect(await page.locator('[role=option][aria-selected=true]').getAttribute('data-cert-id')).toBe('c-company');
    await page.getByTestId('details-toggle').click();
    await expect(page.getByTestId('details').textContent()).resolves.toContain('MST:0101234567');
    await shot(page, `picker-${lang}`);
    // Expired: selectable in the list for reading, never choosable.
    const expired = page.locator('[data-cert-id=c-expired]');
    expect(await expired.getAttribute('aria-disabled')).toBe('true');
    await expired.click({ force: true });
    expect(await page.getByTestId('choose').isDisabled()).toBe(true);
    await page.keyboard.press('Enter');
    // Filter by tax code, then keyboard.
    await page.getByTestId('filter').fill('');
    await page.getByTestId('filter').fill('001088');
    expect(await page.locator('[role=option]').count()).toBe(1);
    await page.getByTestId('filter').fill('');
    await page.getByTestId('cert-list').focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const chosen = await result;
    expect(chosen?.certId).toBe('c-citizen');
    await context.close();
  });

  it('picker: the order does not depend on the order the tokens report', async () => {
    const { page, context, result } = await open(() => hx.host.chooseCertificate(promptCtx(lang), [...CERTS].reverse(), {}), lang);
    expect(await page.locator('[role=option]').evaluateAll((els) => els.map((e) => e.getAttribute('data-cert-id')))).toEqual(PICKER_ORDER);
    await page.keyboard.press('Escape');
    await expect(result).resolves.toBeNull();
    await context.close();
  });

  it('picker: revoked and suspended certificates carry a mark and the reason in words, and cannot be chosen', async () => {
    const revocation = [
      { certId: 'c-citizen', state: 'revoked' as const, reason: 'keyCompromise' as const, revokedAt: '2026-11-20T03:00:00.000Z' },
      { certId: 'c-company', state: 'suspended' as const, reason: 'certificateHold' as const, revokedAt: '2026-11-25T03:00:00.000Z' },
    ];
    const { page, context, result } = await open(() => hx.host.chooseCertificate(promptCtx(lang), CERTS, { lastChoice: 'c-citizen', revocation }), lang);
    const citizen = page.locator('[data-cert-id=c-citizen]');
    await expect(citizen.getByTestId('cert-revoked').textContent()).resolves.toBe(lang === 'vi' ? 'Đã bị thu hồi' : 'Revoked');
    await expect(citizen.getByTestId('cert-revoked-note').textContent()).resolves.toBe(lang === 'vi' ? 'Chứng thư số đã bị thu hồi từ 20/11/2026; không thể dùng để ký.' : 'The certificate was revoked on 20 Nov 2026; it cannot be used to sign.');
    await expect(page.locator('[data-cert-id=c-company] [data-testid=cert-revoked]').textContent()).resolves.toBe(lang === 'vi' ? 'Đang bị tạm dừng' : 'Suspended');
    expect(await citizen.getAttribute('aria-disabled')).toBe('true');
    // The last choice is revoked now: not preselected; the first usable one is.
    const selected = await page.locator('[role=option][aria-selected=true]').getAttribute('data-cert-id');
    expect(['c-citizen', 'c-company']).not.toContain(selected);
    await shot(page, `picker-revoked-${lang}`);
    await citizen.click({ force: true });
    expect(await page.getByTestId('choose').isDisabled()).toBe(true);
    await page.keyboard.press('Escape');
    await expect(result).resolves.toBeNull();
    await context.close();
  });

  it('picker: Esc cancels (null)', async () => {
    const { page, context, result } = await open(() => hx.host.chooseCertificate(promptCtx(lang), CERTS, {}), lang);
    await page.keyboard.press('Escape');
    await expect(result).resolves.toBeNull();
    await context.close();
  });

  it('sign + PIN: 800 ms delay, wrong PIN then right PIN in the same page, keyboard only', async () => {
    const ctx = promptCtx(lang);
    const { page, context, result, url } = await open(() => hx.host.confirmSigning(ctx, pdfRequest()), lang);
    await expect(page.locator('body').textContent()).resolves.toContain('Tờ khai thuế 2025.pdf');
    expect(await page.getByTestId('sha256').textContent()).toBe('9f86 d081 884c 7d65 …');
    let settled = false;
    void result.then(() => (settled = true));
    // The PIN field has focus. Submitting right after the dialog gains focus does nothing (T1).
    await page.keyboard.type('1111');
    const d = await armDelay(page, 'sign');
    expect(d.disabledAtFocus).toBe(true);
    expect(d.waitedMs).toBeGreaterThanOrEqual(780);
    expect(d.waitedMs).toBeLessThan(3000);
    await page.waitForTimeout(100);
    expect(settled).toBe(false);
    await shot(page, `confirm-pdf-${lang}`);
    await page.getByTestId('pin').focus();
    await page.keyboard.press('Enter');
    const first = await result;
    expect(first.approved && first.pin && new TextDecoder().decode(first.pin)).toBe('1111');
    // The core asks again after PIN_INCORRECT: the same page is re-used.
    const second = hx.host.confirmSigning(ctx, pdfRequest({ previousError: 'PIN_INCORRECT', pinStatus: 'countLow' }));
    await page.getByTestId('pin-error').filter({ hasText: tx.wrong }).waitFor();
    expect(page.url()).toBe(url);
    expect(await page.getByTestId('pin-count-low').isVisible()).toBe(true);
    await shot(page, `confirm-wrong-pin-${lang}`);
    await page.getByTestId('pin').focus();
    await page.keyboard.type('123456');
    await page.waitForTimeout(900);
    await page.keyboard.press('Enter');
    const r2 = await second;
    expect(r2.approved && r2.pin && new TextDecoder().decode(r2.pin)).toBe('123456');
    hx.host.finish(ctx);
    await page.getByText(tx.closed).waitFor();
    await context.close();
    // The PIN never reached the log.
    expect(JSON.stringify(hx.logs)).not.toContain('123456');
  });

  it('sign: final try needs an extra confirmation', async () => {
    const { page, context, result } = await open(() => hx.host.confirmSigning(promptCtx(lang), pdfRequest({ pinStatus: 'finalTry' })), lang);
    await page.getByTestId('pin').fill('0000');
    await page.waitForTimeout(900);
    expect(await page.getByTestId('sign').isDisabled()).toBe(true);
    await page.getByTestId('final-try-ack').check();
    await shot(page, `confirm-final-try-${lang}`);
    await page.getByTestId('sign').click();
    expect((await result).approved).toBe(true);
    await context.close();
  });

  it('sign: locked PIN names the issuing CA and cannot sign', async () => {
    const { page, context, result } = await open(() => hx.host.confirmSigning(promptCtx(lang), pdfRequest({ pinStatus: 'locked' })), lang);
    const msg = await page.getByTestId('pin-locked').textContent();
    expect(msg).toContain(tx.locked);
    expect(msg).toContain('VNPT Certification Authority');
    expect(await page.getByTestId('sign').count()).toBe(0);
    expect(await page.getByTestId('pin').count()).toBe(0);
    await shot(page, `confirm-locked-${lang}`);
    await page.getByTestId('cancel').click();
    await expect(result).resolves.toEqual({ approved: false });
    await context.close();
  });

  it('sign: a Word file shows its type, existing signatures and first lines of text', async () => {
    const subject = {
      kind: 'document' as const, format: 'office' as const, officeKind: 'docx' as const, fileName: 'Tờ trình dự toán.docx', size: 48_213,
      sha256Hex: '37d49d0729722fa01150782d40da62bf9c90e85b03fc0c88109219cb69eb2c4b', existingSignatures: 1,
      preview: ['CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc', 'Tờ trình phê duyệt dự toán năm 2026'],
    };
    const { page, context, result } = await open(() => hx.host.confirmSigning(promptCtx(lang), { ...pdfRequest(), subject }), lang);
    const preview = await page.getByTestId('document-preview').textContent();
    for (const line of subject.preview) expect(preview).toContain(line);
    expect(await page.getByTestId('subject-document').textContent()).toContain('DOCX');
    await shot(page, `confirm-office-${lang}`);
    await page.getByTestId('cancel').click();
    await expect(result).resolves.toEqual({ approved: false });
    await context.close();
  });

  it('sign: PIN-pad shows the reader hint and returns no PIN', async () => {
    const { page, context, result } = await open(() => hx.host.confirmSigning(promptCtx(lang), { ...pdfRequest({ pinpad: true }), subject: { kind: 'hash', hashHex: 'ab'.repeat(32), hashAlgorithm: 'SHA-256', label: 'Hồ sơ 123' } }), lang);
    await expect(page.getByTestId('pinpad-hint').textContent()).resolves.toBe(tx.pinpad);
    expect(await page.getByTestId('hash-hex').textContent()).toContain('abab abab');
    await shot(page, `confirm-hash-pinpad-${lang}`);
    await page.waitForTimeout(900);
    await page.getByTestId('sign').click();
    await expect(result).resolves.toEqual({ approved: true });
    await page.getByTestId('status').filter({ hasText: tx.pinpad }).waitFor();
    await context.close();
  });

  it('sign: batch lists each item (hashes marked), shows the item count and a progress bar', async () => {
    const ctx = promptCtx(lang);
    const items = [
      { kind: 'document', format: 'pdf', fileName: 'Hóa đơn 0001.pdf', size: 52_431, sha256Hex: '1a2b3c4d5e6f70819a2b3c4d5e6f70819a2b3c4d5e6f70819a2b3c4d5e6f7081' },
      { kind: 'document', format: 'xml', fileName: 'HĐ-0002.xml', size: 8_112, sha256Hex: 'ffee00112233445566778899aabbccddeeff00112233445566778899aabbccdd', profile: 'XAdES-BES' },
      { kind: 'hash', hashHex: '0badc0de'.repeat(8), hashAlgorithm: 'SHA-256', label: 'Phụ lục (chỉ mã băm)' },
      { kind: 'document', format: 'pdf', fileName: 'Hóa đơn 0003.pdf', size: 1_288_490, sha256Hex: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' },
    ] as const;
    const subject = { kind: 'batch' as const, label: 'Hóa đơn tháng 11', count: items.length, kinds: ['pdf', 'xml', 'hash', 'pdf'], items: [...items] };
    const { page, context, result } = await open(() => hx.host.confirmSigning(ctx, { subject, certificate: CERTS[1]!, pin: { required: false, pinpad: false, pinStatus: 'ok' } }), lang);
    const rows = page.getByTestId('batch-item');
    expect(await rows.count()).toBe(4);
    await expect(rows.nth(0).textContent()).resolves.toContain('Hóa đơn 0001.pdf');
    await expect(rows.nth(0).textContent()).resolves.toContain('1a2b 3c4d 5e6f 7081 …');
    await expect(rows.nth(1).textContent()).resolves.toContain('XML (XAdES-BES)');
    expect(await rows.nth(2).getAttribute('data-kind')).toBe('hash');
    await expect(rows.nth(2).textContent()).resolves.toContain(lang === 'vi' ? 'Chỉ mã băm' : 'Hash only');
    await expect(page.getByTestId('batch-hash-warning').textContent()).resolves.toMatch(lang === 'vi' ? /^Có 1 mục chỉ là mã băm/ : /^Hash-only items: 1\./);
    expect(await page.getByTestId('batch-more').count()).toBe(0);
    await shot(page, `confirm-batch-${lang}`);
    await page.waitForTimeout(900);
    await page.getByTestId('sign').click();
    await expect(result).resolves.toEqual({ approved: true });
    hx.host.progress(ctx, 2, 4);
    await page.getByTestId('status').filter({ hasText: lang === 'vi' ? 'Đã ký 2/4' : 'Signed 2 of 4' }).waitFor();
    expect(await page.getByTestId('progress').evaluate((p) => [(p as HTMLProgressElement).value, (p as HTMLProgressElement).max])).toEqual([2, 4]);
    hx.host.finish(ctx);
    await page.getByTestId('closed').waitFor();
    await context.close();
  });

  it('sign: a long batch lists every item in a scrollable, searchable box, the count in the title', async () => {
    const ctx = promptCtx(lang);
    const items = Array.from({ length: 57 }, (_, i) =>
      i === 55 ? { kind: 'hash' as const, hashHex: 'ee'.repeat(32), hashAlgorithm: 'SHA-256' as const } : { kind: 'document' as const, format: 'pdf' as const, fileName: `Tệp ${i + 1}.pdf`, size: 1000 + i, sha256Hex: 'ab'.repeat(32) },
    );
    const subject = { kind: 'batch' as const, label: 'Lô lớn', count: items.length, kinds: ['pdf', 'hash'], items };
    const { page, context, result } = await open(() => hx.host.confirmSigning(ctx, { subject, certificate: CERTS[1]!, pin: { required: false, pinpad: false, pinStatus: 'ok' } }), lang);
    expect(await page.getByTestId('batch-item').count()).toBe(57);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(lang === 'vi' ? 'Ký hàng loạt: 57 mục' : 'Batch signing: 57 items');
    expect(await page.getByText(lang === 'vi' ? 'Ký hàng loạt: 57 mục' : 'Batch signing: 57 items').count()).toBe(1);
    expect(await page.getByTestId('batch-more').count()).toBe(0);
    expect(await page.getByTestId('batch-hash-warning').isVisible()).toBe(true);
    // The last item is there (scrolled to), and the search finds one item among all.
    await page.getByText('Tệp 57.pdf').scrollIntoViewIfNeeded();
    expect(await page.getByText('Tệp 57.pdf').isVisible()).toBe(true);
    await page.getByTestId('batch-search').fill('tệp 54.');
    expect(await page.locator('[data-testid=batch-item]:visible').count()).toBe(1);
    await expect(page.getByTestId('batch-shown').textContent()).resolves.toBe(lang === 'vi' ? 'Đang hiện 1/57 mục' : 'Showing 1 of 57 items');
    await page.getByTestId('batch-search').fill('');
    const box = await page.getByTestId('batch-items').evaluate((el) => [el.scrollHeight > el.clientHeight, getComputedStyle(el).overflowY]);
    expect(box).toEqual([true, 'auto']);
    await page.getByTestId('cancel').click();
    await expect(result).resolves.toEqual({ approved: false });
    await context.close();
  });
});

it('times: the certificate\'s validity in the browser\'s local time with its zone, the format of the PDF stamp', async () => {
  for (const [lang, zone, expected] of [
    ['vi', 'Asia/Ho_Chi_Minh', 'từ 07:00:00 01/01/2024 (GMT+7) đến 07:00:00 01/01/2027 (GMT+7)'],
    ['en', 'America/New_York', 'from 19:00:00 31/12/2023 (GMT-5) to 19:00:00 31/12/2026 (GMT-5)'],
  ] as const) {
    const urlP = hx.nextUrl();
    const result = hx.host.confirmSigning(promptCtx(lang), pdfRequest());
    result.catch(() => undefined);
    const { page, context } = await hx.newPage(lang, zone);
    await page.goto(await urlP);
    await page.waitForSelector('h1');
    expect(await page.locator('body').innerText()).toContain(expected);
    await page.getByTestId('cancel').click();
    expect((await result).approved).toBe(false);
    await context.close();
  }
});

it('cancel: the request going away closes the page (USER_CANCELLED to the caller)', async () => {
  const ctx = promptCtx('vi');
  const { page, context, result } = await open(() => hx.host.confirmSigning(ctx, pdfRequest()));
  ctx.abort();
  await expect(result).rejects.toMatchObject({ reason: 'USER_CANCELLED' });
  await page.getByTestId('closed').waitFor();
  await context.close();
});

it('no Content-Security-Policy violations or script errors in any page so far', () => {
  expect(hx.logs.filter((l) => l.level === 'browser-error' && !l.event.includes('404 (Not Found)'))).toEqual([]);
});
