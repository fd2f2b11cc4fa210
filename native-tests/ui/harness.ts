// Test harness for the dialog pages: the browser host behind a plain node:http server, real headless Chromium, fixtures.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createBrowserPrompt, type BrowserPrompt } from '../../agent/prompt/index.js';
import type { Lang, LogFields, Logger, PromptContext } from '../../agent/core/ports.js';
import type { Cert } from '../../agent/core/types.js';
import type { PanelProvider } from '../../agent/prompt/index.js';
import type { SettingsAction, SettingsView } from '../../agent/core/ui-contract.js';

export const ROOT = join(import.meta.dirname, '..', '..');
export const SHOTS = join(ROOT, 'docs', 'screenshots');

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface LogLine {
  level: string;
  event: string;
  fields?: LogFields;
}

export interface Harness {
  host: BrowserPrompt;
  baseUrl: string;
  browser: Browser;
  logs: LogLine[];
  settings: SettingsView;
  actions: SettingsAction[];
  /** Resolves with the next URL the host asks to open. */
  nextUrl(): Promise<string>;
  newPage(lang?: Lang, timezoneId?: string): Promise<{ page: Page; context: BrowserContext }>;
  close(): Promise<void>;
}

/** Builds the renderer bundle into a private folder (parallel test files never share one). */
export function buildBundle(): string {
  const out = mkdtempSync(join(tmpdir(), 'kyso-ui-bundle-'));
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-renderer.mjs'), out], { stdio: 'pipe' });
  return out;
}

/**
 * `lingerMs` defaults to 0 here (a request's window closes when it ends) so tests that reuse an origin never land in
 * a previous test's window; the one-window tests set it.
 */
export async function startHarness(opts: { dialogTimeoutMs?: number; heartbeatTimeoutMs?: number; lingerMs?: number; open?: (url: string) => Promise<void>; verify?: PanelProvider['verify'] } = {}): Promise<Harness> {
  const bundleDir = buildBundle();
  mkdirSync(SHOTS, { recursive: true });
  const logs: LogLine[] = [];
  const logger: Logger = {
    info: (event, fields) => logs.push({ level: 'info', event, fields }),
    warn: (event, fields) => logs.push({ level: 'warn', event, fields }),
    error: (event, fields) => logs.push({ level: 'error', event, fields }),
  };
  const waiting: Array<(u: string) => void> = [];
  const opened: string[] = [];
  let port = 0;
  const settings: SettingsView = {
    approvedOrigins: ['https://dichvucong.gov.vn', 'https://xn--pple-43d.com'],
    blockedOrigins: ['https://evil.example'],
    lang: 'vi',
    pinSessionMinutes: 5,
    pinSessionMaxMinutes: 30,
    startAtLogin: null,
  };
  const actions: SettingsAction[] = [];
  const panels: PanelProvider = {
    settings: async () => structuredClone(settings),
    async applySettings(a) {
      actions.push(a);
      if (a.kind === 'revoke') settings.approvedOrigins = settings.approvedOrigins.filter((o) => o !== a.origin);
      if (a.kind === 'unblock') settings.blockedOrigins = settings.blockedOrigins.filter((o) => o !== a.origin);
      if (a.kind === 'lang') settings.lang = a.lang;
      if (a.kind === 'pinSessionMinutes') settings.pinSessionMinutes = a.minutes;
    },
    diagnostics: async () => diagnosticsFixture(),
    ...(opts.verify ? { verify: opts.verify } : {}),
    about: async () => ({ name: 'kyso-agent', version: '0.1.0', licence: 'Apache-2.0', components: [{ name: 'pkcs11js', version: '2.1.7', licence: 'MIT' }, { name: 'pkijs', version: '4.0.0', licence: 'BSD-3-Clause' }, { name: 'pdf-lib', version: '1.17.1', licence: 'MIT' }] }),
  };
  const host = createBrowserPrompt({
    baseUrl: () => `http://127.0.0.1:${port}`,
    open: async (url) => {
      if (opts.open) await opts.open(url);
      const w = waiting.shift();
      if (w) w(url);
      else opened.push(url);
    },
    logger,
    lang: () => settings.lang,
    dialogTimeoutMs: opts.dialogTimeoutMs ?? 30_000,
    heartbeatTimeoutMs: opts.heartbeatTimeoutMs ?? 5000,
    lingerMs: opts.lingerMs ?? 0,
    bundleDir,
    tokenLabels: async () => [{ tokenId: 'tokA', label: 'VNPT-CA Token' }, { tokenId: 'tokB', label: 'Viettel-CA Token' }],
    panels,
  });
  const server: Server = createServer((req, res) => {
    if ((req.url ?? '').startsWith(host.mount.prefix)) host.mount.handle(req, res);
    else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  return {
    host,
    baseUrl: `http://127.0.0.1:${port}`,
    browser,
    logs,
    settings,
    actions,
    nextUrl: () => {
      const u = opened.shift();
      return u ? Promise.resolve(u) : new Promise((r) => waiting.push(r));
    },
    // A desk in Việt Nam unless a test says otherwise: times on the pages (and the screenshots) read as there.
    async newPage(lang = 'vi', timezoneId = 'Asia/Ho_Chi_Minh') {
      const context = await browser.newContext({ viewport: { width: 480, height: 640 }, locale: lang === 'vi' ? 'vi-VN' : 'en-GB', timezoneId });
      const page = await context.newPage();
      // Generous: CI has 2 cores shared by Chromium, the agent and the test runner; no assertion measures this time.
      page.setDefaultTimeout(15_000);
      page.on('console', (m) => {
        if (m.type() === 'error') logs.push({ level: 'browser-error', event: m.text() });
      });
      return { page, context };
    },
    async close() {
      host.closeAll();
      await browser.close();
      await new Promise((r) => server.close(r));
    },
  };
}

/** A prompt context whose connection the test can drop. */
export function promptCtx(lang: Lang, origin = 'https://dichvucong.gov.vn'): PromptContext & { abort(): void } {
  const ac = new AbortController();
  return { origin, lang, signal: ac.signal, abort: () => ac.abort() };
}

const base: Omit<Cert, 'certId' | 'subject' | 'identifiers' | 'status' | 'notBefore' | 'notAfter'> = {
  tokenId: 'tokA', der: 'MIIB', thumbprintSha256: 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90', serialNumber: '5402b1c9e0',
  issuer: { commonName: 'VNPT Certification Authority', dn: 'CN=VNPT Certification Authority,O=VNPT Group,C=VN' },
  keyAlgorithm: 'RSA-2048', keyUsage: ['digitalSignature', 'nonRepudiation'], extendedKeyUsage: [], hasPrivateKey: true,
};

export const CERTS: Cert[] = [
  { ...base, certId: 'c-citizen', subject: { commonName: 'NGUYỄN VĂN AN', dn: 'CN=NGUYỄN VĂN AN,UID=CCCD:001099012345,C=VN' }, identifiers: { citizenId: '001099012345' }, status: 'valid', notBefore: '2024-01-01T00:00:00Z', notAfter: '2027-01-01T00:00:00Z' },
  { ...base, certId: 'c-company', subject: { commonName: 'CÔNG TY TNHH KYSO DEMO', organization: 'CÔNG TY TNHH KYSO DEMO', dn: 'CN=CÔNG TY TNHH KYSO DEMO,O=CÔNG TY TNHH KYSO DEMO,UID=MST:0101234567,C=VN' }, identifiers: { taxCode: '0101234567' }, status: 'valid', notBefore: '2024-06-01T00:00:00Z', notAfter: '2026-06-01T00:00:00Z' },
  { ...base, certId: 'c-expired', subject: { commonName: 'TRẦN THỊ BÌNH', dn: 'CN=TRẦN THỊ BÌNH,C=VN' }, identifiers: { citizenId: '079199000111' }, status: 'expired', notBefore: '2020-01-01T00:00:00Z', notAfter: '2023-01-01T00:00:00Z' },
  { ...base, tokenId: 'tokB', certId: 'c-viettel', issuer: { commonName: 'Viettel-CA', dn: 'CN=Viettel-CA,O=Viettel Group,C=VN' }, subject: { commonName: 'LÊ HOÀNG CƯỜNG', dn: 'CN=LÊ HOÀNG CƯỜNG,C=VN' }, identifiers: { citizenId: '001088004321' }, status: 'valid', notBefore: '2025-01-01T00:00:00Z', notAfter: '2028-01-01T00:00:00Z' },
];

export function diagnosticsFixture() {
  return {
    version: '0.1.0',
    platform: 'linux x64 (Debian 12)',
    generatedAt: '2025-11-23T10:00:00.000Z',
    modules: [
      { name: 'SoftHSM2', path: '/usr/lib/softhsm/libsofthsm2.so', source: 'catalog' as const, status: 'loaded' as const, slotCount: 3 },
      { name: 'VNPT-CA', path: '/usr/lib/libvnpt-ca.so', source: 'catalog' as const, status: 'notFound' as const, reason: 'không có tệp' },
      { name: 'Viettel-CA', path: '/opt/viettel/libv_ca.so', source: 'catalog' as const, status: 'failed' as const, reason: 'C_Initialize: CKR_GENERAL_ERROR' },
    ],
    tokens: [{ tokenId: 'tokA', label: 'KYSO DEMO', manufacturer: 'SoftHSM project', model: 'SoftHSM v2', serialNumber: '1234', moduleName: 'SoftHSM2', pinpad: false, pinStatus: 'ok' as const }],
    certificates: CERTS.map(({ der: _der, ...c }) => c),
    ports: { tls: 14433, plain: null, vnpt: 4433 },
    caTrust: [{ store: 'NSS ~/.pki/nssdb', status: 'trusted' as const }, { store: 'Firefox profile', status: 'missing' as const }],
    policy: { source: null, valid: true, settings: { allowPairing: true, pinSessionMinutes: 5, blockedOrigins: [] } },
  };
}

/** Serious and critical axe-core findings, as "rule: target" lines (empty when the page passes). */
export async function axe(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).analyze();
  return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
}
