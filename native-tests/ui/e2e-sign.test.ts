// The whole signing flow end to end: the real agent (startAgent, --ui browser, --dev) on SoftHSM2 behind OpenSC's
// pkcs11-spy, dialogs opened through a real $BROWSER script, Chromium clicking them, a WebSocket page calling sign.pdf.
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PDFDocument } from 'pdf-lib';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startAgent, type RunningAgent } from '../../agent/headless/index.js';
import { RpcClient, type RpcReply } from '../server/agent-client.js';
import { CHROMIUM_ARGS, buildBundle } from './harness.js';

const run = promisify(execFile);
const k = inject('kyso');
const PORTAL = 'https://dichvucong.example.gov.vn';
const SPY = '/usr/lib/x86_64-linux-gnu/pkcs11/pkcs11-spy.so';
const PIN = k.softhsm.tokens.A.pin;
const WRONG_PIN = '987650';
const citizen = k.pki.certs.citizen;

let dir: string;
let bundleDir: string;
let agent: RunningAgent;
let browser: Browser;
let client: RpcClient;
let certId: string;
/** Argument lists the $BROWSER script received so far (one line each), and how many the test consumed. */
let urlsSeen = 0;

/** Calls of one PKCS#11 function so far, counted in the spy's log (the token layer's real boundary). */
async function p11Calls(fn: string): Promise<number> {
  const log = await readFile(join(dir, 'spy.log'), 'utf8').catch(() => '');
  return log.match(new RegExp(`^\\d+: ${fn}$`, 'gm'))?.length ?? 0;
}

/** Waits until the $BROWSER script was run once more and returns its whole argument list. */
async function nextBrowserUrl(timeoutMs = 10_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const lines = (await readFile(join(dir, 'urls.txt'), 'utf8').catch(() => '')).split('\n').filter(Boolean);
    if (lines.length > urlsSeen) return lines[urlsSeen++]!;
    if (Date.now() > until) throw new Error('$BROWSER was not run');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** What $BROWSER got for one dialog: its argv, the launcher file and what it looked like before the page loaded. */
interface Launch {
  argv: string;
  path: string;
  fileMode: number;
  dirMode: number;
  /** The dialog URL the launcher redirects to (read from the file, as only the user can). */
  dialogUrl: string;
}

/** Opens the next dialog in a fresh Chromium context through the launcher file the agent handed to $BROWSER. */
async function openDialog(): Promise<{ page: Page; context: BrowserContext; url: string; launch: Launch }> {
  const argv = await nextBrowserUrl();
  // The agent passes exactly one argument: the launcher's file:// URL.
  expect(argv).toMatch(/^file:\/\/\S+\.html$/);
  const path = fileURLToPath(argv);
  const [f, d, html] = await Promise.all([stat(path), stat(dirname(path)), readFile(path, 'utf8')]);
  const dialogUrl = /<meta http-equiv="refresh" content="0;url=([^"]+)">/.exec(html)?.[1] ?? '';
  const launch: Launch = { argv, path, fileMode: f.mode & 0o777, dirMode: d.mode & 0o777, dialogUrl };
  const context = await browser.newContext({ viewport: { width: 480, height: 720 }, locale: 'vi-VN' });
  const page = await context.newPage();
  page.setDefaultTimeout(8000);
  // Chromium follows the launcher's meta refresh from file:// to the agent, as the user's browser does.
  await page.goto(argv);
  await page.waitForSelector('h1');
  return { page, context, url: page.url(), launch };
}

/** Closes a dialog tab the way a user does, and waits until the agent stops counting it as a tab to re-use. */
async function closeTab(page: Page, context: BrowserContext): Promise<void> {
  await page.close({ runBeforeUnload: true });
  await context.close();
  await new Promise((r) => setTimeout(r, 2600));
}

async function makePdf(title: string): Promise<string> {
  const doc = await PDFDocument.create();
  doc.addPage([595, 842]).drawText(title, { x: 60, y: 760, size: 16 });
  return Buffer.from(await doc.save({ useObjectStreams: false })).toString('base64');
}

/** Starts sign.pdf without awaiting it; `settled()` tells whether the reply already came. */
function startSign(fileName: string, pdf: string) {
  let done = false;
  const reply = client.call('sign.pdf', { certId, pdf, fileName });
  void reply.then(() => (done = true), () => (done = true));
  return { reply, settled: () => done };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kyso-ui-e2e-'));
  bundleDir = buildBundle();
  // The spy logs every PKCS#11 call (with arguments) to a file of this test; the agent loads it as "the module".
  process.env.SOFTHSM2_CONF = k.softhsm.conf;
  process.env.PKCS11SPY = k.softhsm.module;
  process.env.PKCS11SPY_OUTPUT = join(dir, 'spy.log');
  // $BROWSER: a real program the agent runs; it records its whole argument list (what /proc/<pid>/cmdline shows).
  const opener = join(dir, 'browser.sh');
  await writeFile(opener, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${join(dir, 'urls.txt')}'\n`);
  await chmod(opener, 0o755);
  // PIN every time, so every signature goes through C_Login from the dialog's PIN.
  await writeFile(join(dir, 'policy.json'), JSON.stringify({ allowPairing: true, signing: { requirePinEveryTime: true } }));
  [agent, browser] = await Promise.all([
    startAgent({
      dataDir: join(dir, 'data'),
      policyPath: join(dir, 'policy.json'),
      home: dir,
      port: 0,
      plainPort: 0,
      dev: true,
      ui: 'browser',
      uiBundleDir: bundleDir,
      env: { ...process.env, BROWSER: opener },
      vnptPorts: [],
      modules: [{ name: 'SoftHSM2', path: SPY, source: 'env' }],
    }),
    chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS }),
  ]);
  client = await RpcClient.open(`wss://127.0.0.1:${agent.tlsPort}/v1/ws`, PORTAL, agent.tls.caPem);
});

afterAll(async () => {
  client?.close();
  await browser?.close();
  await agent?.stop();
  await rm(dir, { recursive: true, force: true });
  if (bundleDir) await rm(bundleDir, { recursive: true, force: true });
});

describe('sign.pdf end to end through the browser-hosted dialogs', () => {
  it('allow → confirm + PIN → signed PDF verifies; no C_Sign before the click; the PIN is in no frame and no log', async () => {
    // Dialog 1: the origin asks for access; the allow page comes up through $BROWSER.
    const access = client.call('session.requestAccess', {});
    const allow = await openDialog();
    expect(allow.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${agent.plainPort}/ui/[A-Za-z0-9_-]{43}$`));
    await expect(allow.page.getByTestId('request-bar').textContent()).resolves.toContain(PORTAL);
    await allow.page.getByTestId('allow-always').click();
    expect((await access).result).toEqual({ granted: true });
    await allow.page.locator('[data-testid=end][data-outcome=allowed]').waitFor();

    const { certificates } = await client.ok<{ certificates: Array<{ certId: string; thumbprintSha256: string }> }>('certificates.list', {});
    certId = certificates.find((c) => c.thumbprintSha256 === citizen.thumbprintSha256)!.certId;
    expect(certId).toBeTruthy();

    // The same tab: sign.pdf → the confirmation page, no second $BROWSER run. Nothing has touched the key yet.
    const sign = startSign('Tờ khai e2e.pdf', await makePdf('To khai e2e'));
    const { page, context } = allow;
    await page.getByTestId('pin').waitFor();
    expect(page.url()).toBe(allow.url);
    await expect(page.locator('body').textContent()).resolves.toContain('Tờ khai e2e.pdf');
    await expect(page.locator('body').textContent()).resolves.toContain(citizen.commonName);
    await page.waitForTimeout(300);
    expect(sign.settled()).toBe(false);
    expect(await p11Calls('C_Login')).toBe(0);
    expect(await p11Calls('C_SignInit')).toBe(0);
    expect(await p11Calls('C_Sign')).toBe(0);
    expect(await p11Calls('C_GetSlotList')).toBeGreaterThan(0); // the spy does log: the zeros above mean something

    await page.getByTestId('pin').fill(PIN);
    // Playwright's click waits until the button is enabled (the ~800 ms focus delay).
    await page.getByTestId('sign').click();
    const reply = await sign.reply;
    expect(reply.error).toBeUndefined();
    expect(await p11Calls('C_Sign')).toBeGreaterThanOrEqual(1);
    // The tab says what happened, and $BROWSER ran once for the whole request.
    await page.locator('[data-testid=end][data-outcome=signed]').waitFor();
    expect((await readFile(join(dir, 'urls.txt'), 'utf8')).split('\n').filter(Boolean)).toHaveLength(1);
    await closeTab(page, context);

    const file = join(dir, 'signed.pdf');
    await writeFile(file, Buffer.from(reply.result!.pdf as string, 'base64'));
    const { stdout } = await run('pdfsig', [file]).catch((e: { stdout: string }) => ({ stdout: e.stdout }));
    expect(stdout).toMatch(/Signature is Valid/);
    const { stdout: text } = await run('pdftotext', [file, '-']);
    expect(text).toContain('Ký bởi: NGUYỄN VĂN AN');
  });

  it('wrong PIN then right PIN on the real token: PIN_INCORRECT is shown in the same page, then it signs', async () => {
    const loginsBefore = await p11Calls('C_Login');
    const signsBefore = await p11Calls('C_Sign');
    const sign = startSign('Hợp đồng.pdf', await makePdf('Hop dong'));
    const { page, context, url } = await openDialog();
    await page.getByTestId('pin').fill(WRONG_PIN);
    await page.getByTestId('sign').click();
    await page.getByTestId('pin-error').filter({ hasText: /PIN không đúng|Wrong PIN/ }).waitFor();
    expect(page.url()).toBe(url);
    expect(sign.settled()).toBe(false);
    expect(await p11Calls('C_Login')).toBe(loginsBefore + 1);
    expect(await p11Calls('C_Sign')).toBe(signsBefore);

    await page.getByTestId('pin').fill(PIN);
    await page.getByTestId('sign').click();
    const reply = await sign.reply;
    expect(reply.error).toBeUndefined();
    expect(await p11Calls('C_Login')).toBe(loginsBefore + 2);
    expect(await p11Calls('C_Sign')).toBe(signsBefore + 1);
    await closeTab(page, context);
    const file = join(dir, 'signed-2.pdf');
    await writeFile(file, Buffer.from(reply.result!.pdf as string, 'base64'));
    const { stdout } = await run('pdfsig', [file]).catch((e: { stdout: string }) => ({ stdout: e.stdout }));
    expect(stdout).toMatch(/Signature is Valid/);
  });

  it('closing the dialog tab cancels: the caller gets USER_CANCELLED and nothing is signed', async () => {
    const signsBefore = await p11Calls('C_Sign');
    const sign = startSign('Đóng tab.pdf', await makePdf('Dong tab'));
    const { page, context } = await openDialog();
    await page.getByTestId('pin').fill(PIN);
    await page.close({ runBeforeUnload: true });
    const reply: RpcReply = await sign.reply;
    expect(reply.error?.data.reason).toBe('USER_CANCELLED');
    expect(await p11Calls('C_Sign')).toBe(signsBefore);
    await context.close();
  });

  it('the PINs appear in no WebSocket frame and no agent log line', async () => {
    await new Promise((r) => setTimeout(r, 100));
    const logDir = join(agent.dataDir, 'logs');
    const logs = (await Promise.all((await readdir(logDir)).map((f) => readFile(join(logDir, f), 'utf8')))).join('\n');
    expect(logs).toContain('sign.pdf');
    expect(client.frames.length).toBeGreaterThanOrEqual(10);
    // Bounded by digits: the test tax code MST:0101234567 contains "123456" inside a longer number.
    for (const pin of [PIN, WRONG_PIN]) {
      const re = new RegExp(`(?<![0-9])${pin}(?![0-9])`);
      expect(re.test(`{"pin":"${pin}"}`)).toBe(true);
      for (const f of client.frames) expect(re.test(f)).toBe(false);
      expect(re.test(logs)).toBe(false);
    }
  });

  it('the one-time dialog URL is never on the $BROWSER command line: a 0600 launcher in a 0700 folder, gone once loaded', async () => {
    const sign = startSign('Launcher.pdf', await makePdf('Launcher'));
    const { page, context, url, launch } = await openDialog();
    const token = /\/ui\/([A-Za-z0-9_-]{43})$/.exec(url)?.[1];
    expect(token).toBeDefined();
    expect(launch.dialogUrl).toBe(url);
    expect(launch.argv).not.toContain(token!);
    expect(launch.argv).not.toContain('/ui/');
    expect(launch.fileMode).toBe(0o600);
    expect(launch.dirMode).toBe(0o700);
    expect(dirname(launch.path)).toBe(join(agent.dataDir, 'ui-launch'));
    // The page was served, so the launcher was deleted (the browser needs it no more).
    await expect.poll(() => stat(launch.path).then(() => 'present', (e: NodeJS.ErrnoException) => e.code)).toBe('ENOENT');
    await page.close({ runBeforeUnload: true });
    expect((await sign.reply).error?.data.reason).toBe('USER_CANCELLED');
    await context.close();
    expect(await readdir(join(agent.dataDir, 'ui-launch'))).toEqual([]);
  });
});
