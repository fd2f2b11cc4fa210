// E2E in real headless Chromium: the single-file SDK on the demo portal finds the real agent over wss (CA trusted
// through the test HOME's NSS DB), falls back to POST /v1/rpc, and reports an absent agent within 1.5 s.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type * as Sdk from '../../sdk/src/index.js';
import { buildSdk, startE2e } from './harness.js';
import type { E2e } from './harness.js';

let e2e: E2e;
beforeAll(async () => {
  process.env.SOFTHSM2_CONF = inject('kyso').softhsm.conf;
  buildSdk();
  e2e = await startE2e(inject('kyso'));
});
afterAll(() => e2e?.close());

interface Outcome { ok: boolean; transport?: string; secure?: boolean; tlsFailed?: boolean; tokens?: string[]; name?: string; reason?: string; hint?: string; ms: number }

/** Runs connect + listTokens inside the page with the global KysoAgent (the single-file build). */
const probe = (page: Page, options: object) => page.evaluate(async (o): Promise<Outcome> => {
  const t0 = performance.now();
  const K = (globalThis as unknown as { KysoAgent: typeof Sdk }).KysoAgent;
  try {
    const c = await K.connect(o);
    const tokens = await c.listTokens();
    const conn = c.connection!;
    c.close();
    return { ok: true, transport: conn.transport, secure: conn.secure, tlsFailed: conn.tlsFailed, tokens: tokens.map((t) => t.label), ms: performance.now() - t0 };
  } catch (e) {
    const err = e as { name?: string; reason?: string; hint?: string };
    return { ok: false, name: err.name, reason: err.reason, hint: err.hint, ms: performance.now() - t0 };
  }
}, options);

describe('e2e: SDK in Chromium against the real agent', () => {
  it('agentAbsent_reportsAgentUnavailableWithin1500ms', async () => {
    const page = await e2e.openPortal();
    // Nothing listens on these ports yet (the agent is not started): the real browser's presence check.
    const r = await probe(page, { ports: { tls: 1, plain: 2 } });
    expect(r).toMatchObject({ ok: false, name: 'AgentUnavailableError', reason: 'AGENT_UNAVAILABLE', hint: 'notInstalled' });
    expect(r.ms).toBeLessThan(1500);
    await page.close();
  });

  it('connect_overWssWithTrustedCa_listsSoftHsmTokens', async () => {
    const agent = await e2e.startAgent({ dev: true });
    const page = await e2e.openPortal();
    const r = await probe(page, { ports: { tls: agent.tlsPort, plain: null } });
    expect(r).toMatchObject({ ok: true, transport: 'ws', secure: true });
    expect(r.tokens).toEqual(expect.arrayContaining(['KYSO TOKEN A', 'KYSO TOKEN B']));
    await page.close();
  });

  it('connect_withWebSocketsRefused_fallsBackToHttpRpc', async () => {
    const agent = e2e.agent!;
    const page = await e2e.openPortal();
    // A page whose WebSocket constructor always fails the handshake, like a browser policy blocking loopback sockets.
    await page.evaluate(() => {
      class Refused {
        readyState = 3;
        onopen: unknown = null; onmessage: unknown = null; onerror: ((e: unknown) => void) | null = null; onclose: ((e: unknown) => void) | null = null;
        constructor() {
          setTimeout(() => { this.onerror?.({}); this.onclose?.({ code: 1006 }); }, 5);
        }
        send(): void { throw new Error('closed'); }
        close(): void { /* nothing */ }
      }
      (window as unknown as { RefusedWs: unknown }).RefusedWs = Refused;
    });
    const r = await page.evaluate(async (port) => {
      const K = (globalThis as unknown as { KysoAgent: typeof Sdk }).KysoAgent;
      const c = await K.connect({ ports: { tls: port, plain: null }, WebSocket: (window as unknown as { RefusedWs: never }).RefusedWs });
      const tokens = await c.listTokens();
      return { transport: c.connection?.transport, n: tokens.length };
    }, agent.tlsPort);
    expect(r).toEqual({ transport: 'http', n: 2 });
    await page.close();
  });

  it('connect_whenCaNotTrusted_usesPlainPortAndSaysTlsFailed', async () => {
    const agent = e2e.agent!;
    // A second browser with an empty HOME: the agent's CA is unknown there.
    const { chromium } = await import('playwright-core');
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { CHROMIUM_ARGS } = await import('./harness.js');
    const bare = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, env: { ...process.env, HOME: mkdtempSync(join(tmpdir(), 'kyso-e2e-bare-')) } });
    try {
      const page = await bare.newPage();
      await page.goto(e2e.portal.url);
      await page.waitForSelector('body[data-ready=true]');
      const withPlain = await probe(page, { ports: { tls: agent.tlsPort, plain: agent.plainPort } });
      expect(withPlain).toMatchObject({ ok: true, secure: false, tlsFailed: true });
      const tlsOnly = await probe(page, { ports: { tls: agent.tlsPort, plain: agent.plainPort }, allowPlain: false });
      expect(tlsOnly).toMatchObject({ ok: false, name: 'AgentUnavailableError', hint: 'certificateNotTrusted' });
    } finally {
      await bare.close();
    }
  });
});

describe('e2e: demo portal page', () => {
  it('dossier_attachPdf_showsFile_andRejectsOver6MB', async () => {
    const { PDFDocument } = await import('pdf-lib');
    const doc = await PDFDocument.create();
    doc.addPage([595, 842]).drawText('Don de nghi cap giay phep', { x: 60, y: 760, size: 16 });
    const pdf = Buffer.from(await doc.save());
    const page = await e2e.openPortal();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const input = page.locator('tr[data-slot=application] input[type=file]');
    await input.setInputFiles({ name: 'don-de-nghi.pdf', mimeType: 'application/pdf', buffer: pdf });
    await expect.poll(() => page.locator('tr[data-slot=application] .file-name').textContent()).toContain('don-de-nghi.pdf');
    expect(await page.locator('tr[data-slot=application] .sigs').textContent()).toBe('Chưa ký');
    expect(await page.locator('tr[data-slot=application] button.sign').isEnabled()).toBe(true);
    await page.screenshot({ path: 'docs/screenshots/demo-portal-dossier.png' });
    await input.setInputFiles({ name: 'lon.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(6 * 1024 * 1024 + 1) });
    await expect.poll(() => page.locator('#banner').textContent()).toContain('6 MB');
    await page.click('#lang');
    expect(await page.locator('h1:visible').textContent()).toContain('Dossier');
    expect(errors).toEqual([]);
    await page.close();
  });
});
