// `kyso-agent ui verify`: its own loopback host opens the page through $BROWSER (a launcher file), a real signed PDF
// picked in Chromium gets a Vietnamese verdict, and the command ends when the page is closed.
import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { uiCommand } from '../../agent/cli/ui.js';
import type { PdfSignOptions } from '../../agent/core/ports.js';
import { createDocumentSigners } from '../../agent/signing/index.js';
import { fixtureSigner } from '../signing/helpers.js';
import { makePdf } from '../signing/pdf-fixtures/make.js';
import { CHROMIUM_ARGS, ROOT } from './harness.js';

let dir: string;

/** The command serves dist/renderer-bundle (npm run build makes it): rebuilt here when older than the verify page. */
async function ensureBundle(): Promise<void> {
  const index = join(ROOT, 'dist', 'renderer-bundle', 'index.html');
  const built = await stat(index).then((s) => s.mtimeMs, () => 0);
  if (built < (await stat(join(ROOT, 'renderer', 'pages', 'verify.ts'))).mtimeMs) {
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-renderer.mjs')], { stdio: 'pipe' });
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kyso-ui-cmd-'));
  await ensureBundle();
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('ui verify: opens the page, checks a picked file, ends when the page closes', async () => {
  const documents = createDocumentSigners();
  const options: PdfSignOptions = { fileName: 'cong-van.pdf', hashAlgorithm: 'SHA-256', level: 'B-B', signingTime: new Date() };
  const signed = await documents.signPdf((await documents.describePdf(await makePdf({ pages: 1 }))).plan, options, fixtureSigner('citizen'));
  const file = join(dir, 'công văn.pdf');
  await writeFile(file, signed);
  // $BROWSER records what it was asked to open (the launcher file's file:// URL).
  const opened = join(dir, 'opened.txt');
  const browserScript = join(dir, 'browser.sh');
  await writeFile(browserScript, `#!/bin/sh\nprintf '%s' "$1" > '${opened}'\n`);
  await chmod(browserScript, 0o755);
  const out: string[] = [];
  const done = uiCommand.run(['verify'], {
    out: (t) => void out.push(t), err: (t) => void out.push(t),
    env: { ...process.env, BROWSER: browserScript, KYSO_AGENT_HOME: join(dir, 'home'), KYSO_AGENT_POLICY: join(dir, 'no-policy.json') },
  });
  await expect.poll(() => readFile(opened, 'utf8').catch(() => ''), { timeout: 20_000 }).toMatch(/^file:\/\//);
  const launcher = await readFile(new URL(await readFile(opened, 'utf8')), 'utf8');
  const url = /location\.replace\("([^"]+)"\)/.exec(launcher)![1]!;
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/ui\/[A-Za-z0-9_-]{43}$/);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext({ locale: 'vi-VN' });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(url);
    await page.getByRole('heading', { level: 1, name: 'Kiểm tra chữ ký' }).waitFor();
    await page.getByTestId('file').setInputFiles(file);
    await page.getByTestId('verdict').waitFor();
    // The demo PKI's root is not a trust anchor here: the honest answer is "cannot be determined".
    expect(await page.getByTestId('verdict').textContent()).toBe('KHÔNG XÁC ĐỊNH ĐƯỢC');
    await expect(page.getByTestId('report').textContent()).resolves.toContain(fixtureSigner('citizen').certificate.subject.commonName);
    await context.close();
  } finally {
    await browser.close();
  }
  // The tab is gone: the heartbeat lapses, the dialog closes and the command returns.
  expect(await done).toBe(0);
  expect(out.join('\n')).toContain('Đã mở trang Kiểm tra chữ ký');
}, 90_000);
