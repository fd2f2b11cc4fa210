// E2E in real headless Chromium: the single-file SDK on the demo portal finds the real agent over wss (CA trusted
// through the test HOME's NSS DB), falls back to POST /v1/rpc, reports an absent agent within 1.5 s, tells a refused
// origin apart, and behaves as documented under Chrome's Local Network Access (portal forced "public").
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type * as Sdk from '../../sdk/src/index.js';
import { SHOTS, buildSdk, startE2e } from './harness.js';
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

describe('e2e: origin refused and Local Network Access', () => {
  it('connect_fromBlockedOrigin_reportsOriginNotAllowed_notAgentAbsent', async () => {
    const agent = e2e.agent!;
    // The same portal reached as http://127.0.0.1:<port> is another origin; the user blocked it.
    const blocked = `http://127.0.0.1:${e2e.portal.port}`;
    await agent.access.block(blocked);
    const page = await e2e.browser.newPage();
    await page.goto(`${blocked}/`);
    await page.waitForSelector('body[data-ready=true]');
    // The refusal carries no CORS header, but /.well-known/kyso-agent is Cross-Origin-Resource-Policy: cross-origin,
    // so the SDK's no-cors probe sees that something answered.
    const r = await probe(page, { ports: { tls: agent.tlsPort, plain: agent.plainPort } });
    expect(r).toMatchObject({ ok: false, name: 'OriginNotAllowedError', reason: 'ORIGIN_NOT_ALLOWED' });
    await page.close();
  });

  it('lna_publicPortal_permissionGranted_connectsOverWss_denied_hintsLocalNetworkBlocked', async () => {
    const agent = e2e.agent!;
    const { chromium } = await import('playwright-core');
    const { CHROMIUM_ARGS } = await import('./harness.js');
    // The portal's address counts as public: its requests to 127.0.0.1 are Local Network Access requests.
    const lna = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [...CHROMIUM_ARGS, `--ip-address-space-overrides=127.0.0.1:${e2e.portal.port}=public`],
      env: { ...process.env, HOME: e2e.home },
    });
    try {
      const origin = e2e.portal.url.replace(/\/$/, '');
      const ports = { tls: agent.tlsPort, plain: agent.plainPort };
      // Granted (what the user's "Allow" in Chrome's prompt, or the LocalNetworkAccessAllowedForUrls policy, gives).
      const granted = await lna.newContext();
      await granted.grantPermissions(['local-network-access'], { origin });
      const g = await granted.newPage();
      await g.goto(e2e.portal.url);
      await g.waitForSelector('body[data-ready=true]');
      expect(await g.evaluate(() => navigator.permissions.query({ name: 'local-network-access' as PermissionName }).then((s) => s.state))).toBe('granted');
      expect(await probe(g, { ports })).toMatchObject({ ok: true, transport: 'ws', secure: true });
      await granted.close();

      // Not granted: headless Chromium cannot show the prompt and denies at once; the permission then reads 'denied'.
      const denied = await lna.newContext({ viewport: { width: 1100, height: 600 } });
      const d = await denied.newPage();
      await d.goto(e2e.portal.url);
      await d.waitForSelector('body[data-ready=true]');
      expect(await d.evaluate(() => navigator.permissions.query({ name: 'local-network-access' as PermissionName }).then((s) => s.state))).toBe('prompt');
      const r = await probe(d, { ports });
      expect(r).toMatchObject({ ok: false, name: 'AgentUnavailableError', reason: 'AGENT_UNAVAILABLE', hint: 'localNetworkBlocked' });
      expect(r.ms).toBeLessThan(1500);
      // The demo portal shows the state in words (Vietnamese first).
      const { PDFDocument } = await import('pdf-lib');
      const doc = await PDFDocument.create();
      doc.addPage([595, 842]);
      await d.goto(`${e2e.portal.url}?tls=${agent.tlsPort}&plain=${agent.plainPort}`);
      await d.waitForSelector('body[data-ready=true]');
      await d.locator('tr[data-slot=application] input[type=file]').setInputFiles({ name: 'don.pdf', mimeType: 'application/pdf', buffer: Buffer.from(await doc.save()) });
      await d.locator('tr[data-slot=application] button.sign').click();
      await d.locator('#menu [data-method=token]').click();
      await d.locator('#banner[data-hint=localNetworkBlocked]').waitFor();
      expect(await d.locator('#banner').textContent()).toMatch(/mạng cục bộ/);
      await d.screenshot({ path: join(SHOTS, 'demo-lna-blocked.png') });
      await denied.close();
    } finally {
      await lna.close();
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
    await page.screenshot({ path: join(SHOTS, 'demo-portal-dossier.png') });
    await input.setInputFiles({ name: 'lon.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(6 * 1024 * 1024 + 1) });
    await expect.poll(() => page.locator('#banner').textContent()).toContain('6 MB');
    await page.click('#lang');
    expect(await page.locator('h1:visible').textContent()).toContain('Dossier');
    expect(errors).toEqual([]);
    await page.close();
  });
});
