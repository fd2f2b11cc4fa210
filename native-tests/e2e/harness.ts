// E2E harness: the real agent (startAgent) on SoftHSM2 tokens, its CA in a temp HOME's NSS DB, the demo portal,
// real headless Chromium (playwright-core, /usr/bin/chromium) started with that HOME, and the agent's dialogs
// caught through $BROWSER (a script that appends each URL — the file:// URL of the agent's launcher file — to a file the test reads).
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import type { LogFields, Logger } from '../../agent/core/index.js';
import { startAgent } from '../../agent/headless/index.js';
import type { RunningAgent, StartOptions } from '../../agent/headless/index.js';
import { installCa } from '../../agent/tls/index.js';
import { startDemoPortal } from '../../sdk/demo/serve.js';
import type { DemoPortal } from '../../sdk/demo/serve.js';
import type { TestFixture } from '../fixtures/types.js';

export const ROOT = join(import.meta.dirname, '..', '..');
export const SHOTS = join(ROOT, 'docs', 'screenshots');
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Builds sdk/dist (single-file SDK + demo bundle) when it is older than its sources, under a lock: test files run
 * in parallel and one must not rewrite the bundle another is loading.
 */
export function buildSdk(): void {
  execFileSync('flock', [join(tmpdir(), 'kyso-e2e-build-sdk.lock'), process.execPath, join(import.meta.dirname, 'build-if-stale.mjs')], { stdio: 'pipe' });
}

/**
 * `ui: 'browser'` serves dist/renderer-bundle (made by `npm run build`, which CI runs before the tests). Build it
 * only when it is missing, so a fresh checkout can run this folder alone without racing other test files.
 */
export function ensureRendererBundle(): void {
  if (existsSync(join(ROOT, 'dist', 'renderer-bundle', 'index.html'))) return;
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-renderer.mjs')], { stdio: 'pipe' });
}

export function quietLogger(): Logger {
  const lines: Array<{ event: string; fields?: LogFields }> = [];
  return { info: (event, fields) => void lines.push({ event, fields }), warn: (event, fields) => void lines.push({ event, fields }), error: (event, fields) => void lines.push({ event, fields }) };
}

/** pdfsig (poppler) on a signed PDF: total signatures and how many it calls valid. */
export async function pdfsig(pdf: Uint8Array, dir: string): Promise<{ out: string; total: number; valid: number }> {
  const file = join(dir, `pdfsig-${Date.now()}-${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, pdf);
  const out = await new Promise<string>((resolve) => execFile('pdfsig', ['-nocert', file], (_e, stdout, stderr) => resolve(`${stdout}${stderr}`)));
  return { out, total: (out.match(/^Signature #\d+:/gm) ?? []).length, valid: (out.match(/Signature Validation: Signature is Valid\./g) ?? []).length };
}

/** The URLs the agent asked $BROWSER to open, in order: file:// launchers that redirect to the dialogs. */
export interface DialogQueue {
  /** The next URL not taken yet (waits for it). */
  next(timeoutMs?: number): Promise<string>;
  /** How many URLs were opened so far. */
  count(): number;
  /** Forgets URLs not taken yet (dialogs a failed test left behind). */
  skipPending(): void;
}

function dialogQueue(file: string): DialogQueue {
  let taken = 0;
  const read = (): string[] => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);
  return {
    count: () => read().length,
    skipPending: () => void (taken = read().length),
    async next(timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const urls = read();
        if (urls.length > taken) return urls[taken++]!;
        if (Date.now() > until) throw new Error(`no dialog opened within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 40));
      }
    },
  };
}

export interface E2eOptions {
  trustCa?: boolean;
  /** Agent policy (default: the portal origin pre-approved, pairing allowed). Receives the portal origin. */
  policy?: (origin: string) => object;
  /** Extra Chromium flags, e.g. the Local Network Access override that needs the portal's port. */
  chromiumArgs?: (portal: DemoPortal) => string[];
}

export interface E2e {
  home: string;
  dataDir: string;
  portal: DemoPortal;
  agent: RunningAgent | null;
  browser: Browser;
  /** Launcher URLs (file://) of the agent's dialogs, caught by the $BROWSER script. */
  dialogs: DialogQueue;
  startAgent(extra?: Partial<StartOptions>): Promise<RunningAgent>;
  /** A page of the demo portal (connect options go in the query: ?tls=&plain=&transport=); `before` runs before it loads. */
  openPortal(query?: string, before?: (page: Page) => Promise<unknown>): Promise<Page>;
  /** Opens the next dialog the agent shows, in a new page of the same browser, once it has rendered. */
  openDialog(): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Temp HOME + data dir; the agent's per-machine CA installed into $HOME/.pki/nssdb (what Chromium on Linux trusts).
 * process.env.BROWSER points at a script that appends its argument (a launcher file:// URL) to a file: the agent's
 * `ui: 'browser'` opener reads BROWSER from the process environment.
 */
export async function startE2e(fx: TestFixture, opts: E2eOptions = {}): Promise<E2e> {
  const home = mkdtempSync(join(tmpdir(), 'kyso-e2e-home-'));
  const dataDir = join(home, 'kyso-data');
  const portal = await startDemoPortal({ port: 0 });
  const origin = portal.url.replace(/\/$/, '');
  const policyPath = join(home, 'policy.json');
  writeFileSync(policyPath, JSON.stringify(opts.policy ? opts.policy(origin) : { allowedOrigins: [origin], allowPairing: true }));
  const urlsFile = join(home, 'dialog-urls.txt');
  const opener = join(home, 'open-dialog.sh');
  // One short line per call, appended with O_APPEND: whole lines even if two dialogs open at once.
  writeFileSync(opener, `#!/bin/sh\nprintf '%s\\n' "$1" >> '${urlsFile}'\n`);
  chmodSync(opener, 0o755);
  process.env.BROWSER = opener;
  if (opts.trustCa !== false) await installCa(dataDir, home, quietLogger());
  const args = [...CHROMIUM_ARGS, ...(opts.chromiumArgs?.(portal) ?? [])];
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args, env: { ...process.env, HOME: home } });
  const dialogs = dialogQueue(urlsFile);
  const e2e: E2e = {
    home, dataDir, portal, browser, dialogs, agent: null,
    async startAgent(extra = {}) {
      if (extra.ui === 'browser') ensureRendererBundle();
      e2e.agent = await startAgent({
        dataDir, home, policyPath, port: 0, plainPort: 0, vnptPorts: [],
        env: { ...process.env, HOME: home, SOFTHSM2_CONF: fx.softhsm.conf },
        modules: [{ name: 'SoftHSM2', path: fx.softhsm.module, source: 'env' }],
        ...extra,
      });
      return e2e.agent;
    },
    async openPortal(query = '', before) {
      const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
      await before?.(page);
      await page.goto(`${portal.url}${query}`);
      await page.waitForSelector('body[data-ready=true]');
      return page;
    },
    async openDialog() {
      const url = await dialogs.next();
      const page = await browser.newPage({ viewport: { width: 520, height: 720 }, locale: 'vi-VN' });
      page.setDefaultTimeout(15_000);
      // The launcher's meta refresh takes Chromium from file:// to the agent's one-time dialog URL.
      await page.goto(url);
      await page.waitForSelector('h1');
      return page;
    },
    async close() {
      await browser.close().catch(() => undefined);
      await e2e.agent?.stop();
      await portal.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
  return e2e;
}
