// docs/security.md T24 in an agent window: the confirmation renders the PDF's page(s) with the planned stamp the same
// way as in the browser host. Real Chromium runs the real renderer bundle as served by the kyso-ui:// handler
// (serveUi, with its CSP), the real preload over the fake `electron`, and the shell's IPC handlers. The Electron
// binary cannot run here, so two of its parts are stood in for: kyso-ui://app is http://kyso-ui.test routed to
// serveUi, and contextBridge is page.exposeFunction (bytes cross as base64; contextBridge copies them too).
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ConfirmRequest, PromptContext } from '../../agent/core/ports.js';
import type { PdfStampInfo } from '../../agent/core/types.js';
import type { KysoPreloadApi } from '../../agent/core/ui-contract.js';
import { CERTS, buildBundle, startHarness, type Harness } from './harness.js';
import { inspectCanvases, pdfWithBlocks } from './stamp-canvas.js';

vi.mock('electron', async () => (await import('../../agent/electron/testing/fake-electron.js')).fake);
const fake = await import('../../agent/electron/testing/fake-electron.js');
const { fakeAgent } = await import('../../agent/electron/testing/fake-agent.js');
const { runElectron } = await import('../../agent/electron/main.js');
const { serveUi, UI_PAGE_URL } = await import('../../agent/electron/ui-protocol.js');
const { DIALOG_CSP } = await import('../../agent/prompt/http-mount.js');

/** Where the emulated kyso-ui://app lives for Chromium. */
const APP = 'http://kyso-ui.test';
/** The page side of the preload: window.kyso calling the real preload API in the test process. */
const PRELOAD_SHIM = `
  const call = window.__kysoIpc;
  window.kyso = {
    getState: () => call('getState'),
    answer: (a) => call('answer', a),
    onUpdate: () => undefined,
    close: () => void call('close'),
    getDocument: async (item) => {
      const b = await call('getDocument', item);
      return b === null ? null : Uint8Array.from(atob(b), (ch) => ch.charCodeAt(0));
    },
  };`;

let hx: Harness;
let bundleDir: string;
let shell: NonNullable<Awaited<ReturnType<typeof runElectron>>>;
let api: KysoPreloadApi;
beforeAll(async () => {
  // The harness gives Chromium and the fixtures; its browser host is not used here.
  hx = await startHarness();
  bundleDir = buildBundle();
  shell = (await runElectron({ start: async () => fakeAgent(), preloadPath: '/p/preload.cjs', bundleDir, dialogTimeoutMs: 30_000 }))!;
  await import('../../agent/electron/preload.js');
  api = fake.contextBridge.exposed.get('kyso') as KysoPreloadApi;
});
afterAll(async () => {
  shell?.dialogs.closeAll();
  await hx?.close();
});

/** Asks `request` in an agent window and opens that window's page in Chromium, wired to it as the preload is. */
async function openWindow(origin: string, request: ConfirmRequest): Promise<{ page: Page; context: BrowserContext; answered: Promise<unknown>; csp: string[]; served: Map<string, string | null> }> {
  const before = fake.FakeBrowserWindow.all.length;
  const ctx: PromptContext = { origin, lang: 'vi', signal: new AbortController().signal };
  const answered = shell.dialogs.prompt.confirmSigning(ctx, request);
  await vi.waitFor(() => expect(fake.FakeBrowserWindow.all[before]?.loaded).toBe(UI_PAGE_URL));
  const win = fake.FakeBrowserWindow.all[before]!;
  const { page, context } = await hx.newPage('vi');
  const served = new Map<string, string | null>();
  await context.route(`${APP}/**`, async (route) => {
    const url = route.request().url().replace(APP, 'kyso-ui://app');
    const r = await serveUi(bundleDir, url);
    served.set(new URL(url).pathname, r.headers.get('content-security-policy'));
    await route.fulfill({ status: r.status, headers: Object.fromEntries(r.headers), body: Buffer.from(await r.arrayBuffer()) });
  });
  await page.exposeFunction('__kysoIpc', async (method: string, arg: unknown) => {
    // Every call comes from this window's main frame, as Electron reports it to the main process.
    fake.ipcRenderer.event = { sender: win.webContents, senderFrame: win.webContents.mainFrame };
    if (method === 'getState') return api.getState();
    if (method === 'answer') return api.answer(arg as never);
    if (method === 'close') return api.close();
    const bytes = await api.getDocument(arg as number | undefined);
    return bytes ? Buffer.from(bytes).toString('base64') : null;
  });
  await page.addInitScript(PRELOAD_SHIM);
  const csp: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) csp.push(m.text());
  });
  await page.goto(`${APP}/index.html`);
  return { page, context, answered, csp, served };
}


const base = { kind: 'document' as const, format: 'pdf' as const, size: 9000, sha256Hex: 'ab'.repeat(32), hashAlgorithm: 'SHA-256' as const };
const pin = { required: false, pinpad: false, pinStatus: 'ok' as const };

describe('T24 in the Electron windows: the same pdf.js rendering as the browser host', () => {
  it('a sign.pdf whose stamp repeats: every page drawn from the bytes the preload hands over, under the same CSP', async () => {
    const pdf = await pdfWithBlocks([[40, 700], [40, 700]]);
    const stamp: PdfStampInfo = { visible: true, page: 1, pages: [1, 2], rect: [300, 40, 295, 400], pageSize: [595, 842], coverage: 0.236, offPage: false };
    const { page, context, answered, csp, served } = await openWindow('https://electron-one.example', { subject: { ...base, fileName: 'Hợp đồng.pdf', pageCount: 2, stamp }, certificate: CERTS[1]!, pin, preview: { pdf } });
    await page.locator('[data-testid=stamp-preview][data-state=drawn] [data-testid=stamp-preview-canvas][data-page="2"]').waitFor();
    const drawn = await inspectCanvases(page, 140, 750);
    console.log(`electron window, repeated stamp: ${drawn.map((d) => `page ${d.page} ${d.ink} non-white pixels, block ${d.at.join(',')}`).join('; ')}`);
    expect(drawn.map((d) => d.page)).toEqual(['1', '2']);
    for (const d of drawn) {
      expect(Math.max(...d.at)).toBeLessThan(60);
      expect(d.ink).toBeGreaterThan(1000);
      expect(d.ink).toBeLessThan(d.pixels * 0.5);
    }
    await expect(page.locator('figure[data-page="2"] [data-testid=stamp-preview-large]').textContent()).resolves.toContain('24% trang');
    // pdf.js came from the app's own scheme, every response under the browser host's CSP; nothing was refused.
    expect(served.get('/assets/pdf.mjs')).toBe(DIALOG_CSP);
    expect(served.get('/assets/pdf.worker.mjs')).toBe(DIALOG_CSP);
    expect(served.get('/index.html')).toBe(DIALOG_CSP);
    expect(csp).toEqual([]);
    await page.getByTestId('cancel').click();
    await expect(answered).resolves.toEqual({ approved: false });
    await context.close();
  });

  it('a batch: each PDF item rendered on demand from its own document, the page-sized stamp warned on its item', async () => {
    const first = await pdfWithBlocks([[40, 700]]);
    const second = await pdfWithBlocks([[355, 40]]);
    const small: PdfStampInfo = { visible: true, page: 1, rect: [360, 40, 180, 60], pageSize: [595, 842], text: 'Đã ký', coverage: 0.022, offPage: false };
    const whole: PdfStampInfo = { visible: true, page: 1, rect: [0, 0, 595, 842], pageSize: [595, 842], text: 'Payment approved', coverage: 1, offPage: false };
    const { page, context, answered, csp } = await openWindow('https://electron-batch.example', {
      subject: { kind: 'batch', label: 'Hợp đồng', count: 2, kinds: ['pdf'], items: [{ ...base, fileName: 'A.pdf', pageCount: 1, stamp: small }, { ...base, fileName: 'B.pdf', pageCount: 1, stamp: whole }] },
      certificate: CERTS[1]!, pin, preview: { items: [first, second] },
    });
    const items = page.getByTestId('batch-item');
    for (const i of [0, 1]) {
      await items.nth(i).getByTestId('stamp-preview-show').click();
      await items.nth(i).locator('[data-testid=stamp-preview][data-state=drawn]').waitFor();
    }
    const [a] = await inspectCanvases(page, 140, 750, '[data-testid=batch-item]:nth-child(1)');
    const [b] = await inspectCanvases(page, 455, 90, '[data-testid=batch-item]:nth-child(2)');
    console.log(`electron window, batch: item A block ${a!.at.join(',')} (${a!.ink} non-white); item B block under the stamp ${b!.at.join(',')} (${b!.ink} of ${b!.pixels})`);
    expect(Math.max(...a!.at)).toBeLessThan(60);
    expect(a!.ink).toBeLessThan(a!.pixels * 0.3);
    expect(Math.max(...b!.at)).toBeLessThan(130);
    expect(b!.ink).toBeGreaterThan(b!.pixels * 0.9);
    await expect(items.nth(1).getByTestId('stamp-large').textContent()).resolves.toContain('100% trang');
    expect(await items.nth(0).getByTestId('stamp-large').count()).toBe(0);
    expect(csp).toEqual([]);
    await page.getByTestId('cancel').click();
    await expect(answered).resolves.toEqual({ approved: false });
    await context.close();
  });
});
