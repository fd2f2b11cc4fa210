// (b) The demo portal signs a PDF through the SDK's extension channel in Chromium with Local Network Access
// enforced for the portal (public address override, no permission): upload → Ký số → Token → picker → place the
// box → confirm (scripted user) → the signed PDF, verified by pdfsig.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startDemoPortal, type DemoPortal } from '../../sdk/demo/serve.js';
import { pdfsig } from '../e2e/harness.js';
import type { TestFixture } from '../fixtures/types.js';
import { cli, ensureBuilt, startExtEnv, type ExtEnv } from './harness.js';

let fx: TestFixture;
let e: ExtEnv;
let portal: DemoPortal;

async function samplePdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const p = doc.addPage([595, 842]);
  p.drawText('Don de nghi - trang 1', { x: 60, y: 770, size: 18, font });
  return Buffer.from(await doc.save());
}

const slot = (page: Page) => page.locator('tr[data-slot=application]');

beforeAll(async () => {
  fx = inject('kyso');
  process.env.SOFTHSM2_CONF = fx.softhsm.conf;
  ensureBuilt();
  portal = await startDemoPortal({ port: 0 });
  e = await startExtEnv(fx, () => ({ allowPairing: true }));
  await e.startAgent();
  cli(['browser-integration', 'install', '--browser', 'chromium', '--user-data-dir', e.profile], e.env);
  await e.launch({ publicPorts: [portal.port] });
});
afterAll(async () => {
  await e?.close();
  await portal?.close();
});

describe('demo portal through the extension', () => {
  it('signs a PDF; the portal reports transport "extension"; pdfsig says valid', { timeout: 120_000 }, async () => {
    const page = await e.context!.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(`${portal.url}?tls=${e.agent!.tlsPort}&plain=off`);
    await page.waitForSelector('body[data-ready=true]');
    await slot(page).locator('input[type=file]').setInputFiles({ name: 'don-de-nghi.pdf', mimeType: 'application/pdf', buffer: await samplePdf() });
    await expect.poll(() => slot(page).locator('.file-name').textContent()).toContain('don-de-nghi.pdf');
    await page.evaluate(() => void (document.getElementById('page-no')!.textContent = ''));
    await slot(page).locator('button.sign').click();
    await page.locator('#menu').waitFor({ state: 'visible' });
    await page.locator('#menu [data-method=token]').click();
    // Access and the picker are answered by the scripted user; then the portal asks where to put the box.
    await page.locator('#placer').waitFor({ state: 'visible' });
    await page.waitForFunction(() => (document.getElementById('page-no')?.textContent ?? '') !== '');
    const box = (await page.locator('#page-canvas').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.55, box.y + box.height * 0.72);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.92, box.y + box.height * 0.86, { steps: 6 });
    await page.mouse.up();
    await page.locator('#apply').click();
    await page.locator('#banner[data-kind=ok]').waitFor({ timeout: 60_000 });
    expect(await page.locator('body').getAttribute('data-transport')).toBe('extension');
    const [dl] = await Promise.all([page.waitForEvent('download'), slot(page).locator('button.download').click()]);
    const signed = readFileSync((await dl.path())!);
    const v = await pdfsig(signed, e.dir);
    expect(v, v.out).toMatchObject({ total: 1, valid: 1 });
    expect(v.out).toContain('NGUYỄN VĂN AN');
    expect(e.prompt.calls.confirmSigning).toBe(1);
  });
});
