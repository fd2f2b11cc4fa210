// E2E: the demo portal's iGate flow in headless Chromium against the real agent (`ui: 'browser'`, SoftHSM2 tokens
// A and B): allow site → picker → draw the signature box → PIN → signed PDF that pdfsig verifies; a second signature
// by token B keeps both valid; and the same flow with WebSockets refused goes through POST /v1/rpc.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningAgent } from '../../agent/headless/index.js';
import type { TestFixture } from '../fixtures/types.js';
import { SHOTS, buildSdk, pdfsig, startE2e } from './harness.js';
import type { E2e } from './harness.js';

// A desk in Việt Nam: the agent (in this process) and Chromium (started from it) both run in Hà Nội time.
process.env.TZ = 'Asia/Ho_Chi_Minh';

let fx: TestFixture;
let e2e: E2e;
let agent: RunningAgent;
let origin: string;

beforeAll(async () => {
  fx = inject('kyso');
  process.env.SOFTHSM2_CONF = fx.softhsm.conf;
  buildSdk();
  // Pairing only (no allowlist): the first use shows the agent's "allow this site?" dialog.
  e2e = await startE2e(fx, { policy: () => ({ allowPairing: true }) });
  origin = e2e.portal.url.replace(/\/$/, '');
  agent = await e2e.startAgent({ ui: 'browser' });
});
afterAll(() => e2e?.close());

async function samplePdf(title: string): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const n of [1, 2]) {
    const p = doc.addPage([595, 842]);
    p.drawText(`${title} - trang ${n}`, { x: 60, y: 770, size: 18, font });
    p.drawText('Ho so: 000.00.00.H15-240101-0001', { x: 60, y: 740, size: 12, font });
  }
  return Buffer.from(await doc.save());
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });
const slot = (page: Page) => page.locator('tr[data-slot=application]');

/** Presses "Ký số" → "Ký số Token" on the application slot. */
async function pressSign(page: Page, screenshot?: string): Promise<void> {
  // The placer's page label is cleared so the next render is visible to waitForPlacer.
  await page.evaluate(() => void (document.getElementById('page-no')!.textContent = ''));
  await slot(page).locator('button.sign').click();
  await page.locator('#menu').waitFor({ state: 'visible' });
  if (screenshot) await shot(page, screenshot);
  await page.locator('#menu [data-method=token]').click();
}

let dialogPage: Page | null = null;

/**
 * The agent's dialog window. One window carries a site's whole conversation (allow → pick → confirm → last words)
 * and takes the same site's next question while it stays open (docs/security.md "One window per request"), so the
 * tests keep the tab the agent opened, as a person would, instead of closing it after each step.
 */
async function dialog(): Promise<Page> {
  if (!dialogPage || dialogPage.isClosed()) dialogPage = await e2e.openDialog();
  return dialogPage;
}

/** Picks the certificate whose subject CN is `cn` in the agent's picker dialog. */
async function pickCertificate(cn: string, screenshot?: string): Promise<void> {
  const picker = await dialog();
  // The picker, not another dialog (an unexpected "allow site?" would fail here).
  await picker.getByTestId('cert-list').waitFor();
  const option = picker.locator('[role=option]').filter({ hasText: cn });
  await option.first().waitFor();
  expect(await option.count()).toBe(1);
  await option.click();
  if (screenshot) await shot(picker, screenshot);
  await picker.getByTestId('choose').click();
}

/** Draws the signature box on the rendered page (fractions of the canvas) and presses "Áp dụng". */
async function placeSignature(page: Page, from: [number, number], to: [number, number], screenshot?: string): Promise<void> {
  await page.locator('#placer').waitFor({ state: 'visible' });
  await page.waitForFunction(() => (document.getElementById('page-no')?.textContent ?? '') !== '');
  const box = (await page.locator('#page-canvas').boundingBox())!;
  expect(box.width).toBeGreaterThan(200);
  await page.mouse.move(box.x + box.width * from[0], box.y + box.height * from[1]);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * to[0], box.y + box.height * to[1], { steps: 6 });
  await page.mouse.up();
  expect(await page.locator('#apply').isEnabled()).toBe(true);
  if (screenshot) await shot(page, screenshot);
  await page.locator('#apply').click();
}

/** Confirms in the agent's signing dialog, typing the PIN when the token asks for one (no open PIN session). */
async function confirmWithPin(fileName: string, pin: string, screenshot?: string): Promise<boolean> {
  const confirm = await dialog();
  await confirm.getByTestId('sign').waitFor();
  await expect.poll(() => confirm.locator('body').textContent()).toContain(fileName);
  const asksPin = (await confirm.getByTestId('pin').count()) > 0;
  if (asksPin) await confirm.getByTestId('pin').fill(pin);
  if (screenshot) await shot(confirm, screenshot);
  // The button arms itself ~800 ms after the dialog gains focus; click() waits for it.
  await confirm.getByTestId('sign').click();
  await confirm.locator('[data-testid=end]').waitFor();
  return asksPin;
}

async function download(page: Page): Promise<Uint8Array> {
  const [dl] = await Promise.all([page.waitForEvent('download'), slot(page).locator('button.download').click()]);
  return new Uint8Array(readFileSync((await dl.path())!));
}

describe('e2e: demo portal flow with the agent\'s browser dialogs', () => {
  it('dossier_signWithTokenA_thenTokenB_pdfsigShowsBothValid', { timeout: 120_000 }, async () => {
    const citizen = fx.pki.certs.citizen;
    const tokenB = fx.pki.certs.tokenB;
    const page = await e2e.openPortal(`?tls=${agent.tlsPort}&plain=off`);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await slot(page).locator('input[type=file]').setInputFiles({ name: 'don-de-nghi.pdf', mimeType: 'application/pdf', buffer: await samplePdf('Don de nghi cap giay phep xay dung') });
    await expect.poll(() => slot(page).locator('.file-name').textContent()).toContain('don-de-nghi.pdf');
    await shot(page, 'demo-1-dossier');

    // First signature: token A, citizen certificate. The origin is unknown: the agent asks first.
    await pressSign(page, 'demo-2-menu');
    const access = await dialog();
    // The origin stands once, in the window's fixed request bar.
    expect(await access.getByTestId('request-bar').textContent()).toContain(origin);
    await shot(access, 'demo-3-allow-site');
    await access.getByTestId('allow-always').click();
    await pickCertificate(citizen.commonName, 'demo-4-picker');
    await placeSignature(page, [0.55, 0.72], [0.92, 0.86], 'demo-5-place');
    expect(await confirmWithPin('don-de-nghi.pdf', fx.softhsm.tokens.A.pin, 'demo-6-confirm-pin')).toBe(true);
    await page.locator('#banner[data-kind=ok]').waitFor({ timeout: 30_000 });
    expect(await slot(page).locator('.sig.ok').count()).toBe(1);
    // Signer, time (the signature dictionary's /M) and validity, as the portal shows them.
    const shown = (await slot(page).locator('.sig').first().textContent()) ?? '';
    // Local time with its zone, the one format of the stamp and the dialogs.
    const when = new RegExp(`${citizen.commonName} — (\\d{2}:\\d{2}:\\d{2} \\d{2}/\\d{2}/\\d{4} \\(GMT\\+7\\)) — hợp lệ`).exec(shown)?.[1];
    expect(when, shown).toBeTruthy();
    expect(await page.locator('body').getAttribute('data-transport')).toBe('ws');
    await shot(page, 'demo-7-signed');
    const once = await download(page);
    const v1 = await pdfsig(once, e2e.home);
    // The stamp on the page says the very same time as the portal.
    const onceFile = join(e2e.home, 'signed-once.pdf');
    writeFileSync(onceFile, once);
    expect(execFileSync('pdftotext', ['-enc', 'UTF-8', onceFile, '-'], { encoding: 'utf8' })).toContain(`Ngày ký: ${when}`);
    expect(v1, v1.out).toMatchObject({ total: 1, valid: 1 });
    expect(v1.out).toContain(citizen.commonName);

    // Second signature on the signed file: token B. The site is remembered now: the next dialog is the picker.
    await pressSign(page);
    await pickCertificate(tokenB.commonName);
    await placeSignature(page, [0.08, 0.72], [0.42, 0.86]);
    expect(await confirmWithPin('don-de-nghi.pdf', fx.softhsm.tokens.B.pin)).toBe(true);
    await expect.poll(() => slot(page).locator('.sig').count(), { timeout: 30_000 }).toBe(2);
    expect(await slot(page).locator('.sig.ok').count()).toBe(2);
    await shot(page, 'demo-8-two-signatures');
    const twice = await download(page);
    // An incremental update: the first signed revision is a prefix of the second.
    expect(Buffer.from(twice.subarray(0, once.length)).equals(Buffer.from(once))).toBe(true);
    const v2 = await pdfsig(twice, e2e.home);
    expect(v2, v2.out).toMatchObject({ total: 2, valid: 2 });
    expect(v2.out).toContain(tokenB.commonName);
    // The page as a PDF viewer shows it: both signature boxes where they were drawn (bottom right, bottom left).
    const signedFile = join(e2e.home, 'signed-twice.pdf');
    writeFileSync(signedFile, twice);
    execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', signedFile, join(SHOTS, 'demo-9-signed-page')]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('dossier_withWebSocketsRefused_signsThroughPostV1Rpc', { timeout: 90_000 }, async () => {
    // Independent of the flow above: the site is approved "always" (as that flow's dialog answer made it).
    await agent.access.approveAlways(origin);
    e2e.dialogs.skipPending();
    // A WebSocket constructor whose handshake always fails, as when a proxy or browser policy blocks sockets.
    const page = await e2e.openPortal(`?tls=${agent.tlsPort}&plain=off`, (p) => p.addInitScript(() => {
      class RefusedWebSocket {
        readyState = 0;
        onopen: unknown = null; onmessage: unknown = null;
        onerror: ((e: unknown) => void) | null = null; onclose: ((e: unknown) => void) | null = null;
        constructor() {
          setTimeout(() => {
            this.readyState = 3;
            this.onerror?.({});
            this.onclose?.({ code: 1006 });
          }, 5);
        }
        send(): void { throw new Error('closed'); }
        close(): void { this.readyState = 3; }
      }
      Object.defineProperty(window, 'WebSocket', { value: RefusedWebSocket });
    }));
    const rpc: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url() === `https://127.0.0.1:${agent.tlsPort}/v1/rpc`) rpc.push((JSON.parse(r.postData() ?? '{}') as { method?: string }).method ?? '?');
    });
    const sockets: string[] = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));
    await slot(page).locator('input[type=file]').setInputFiles({ name: 'to-khai.pdf', mimeType: 'application/pdf', buffer: await samplePdf('To khai') });
    await pressSign(page);
    // Approved origin: straight to the picker.
    await pickCertificate(fx.pki.certs.citizen.commonName);
    await placeSignature(page, [0.5, 0.1], [0.9, 0.22]);
    await confirmWithPin('to-khai.pdf', fx.softhsm.tokens.A.pin);
    await page.locator('#banner[data-kind=ok]').waitFor({ timeout: 30_000 });
    expect(await page.locator('body').getAttribute('data-transport')).toBe('http');
    expect(rpc).toEqual(expect.arrayContaining(['session.requestAccess', 'tokens.list', 'certificates.select', 'sign.pdf']));
    expect(sockets).toEqual([]);
    const v = await pdfsig(await download(page), e2e.home);
    expect(v, v.out).toMatchObject({ total: 1, valid: 1 });
    await page.close();
  });
});
