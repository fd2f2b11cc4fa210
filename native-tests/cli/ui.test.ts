// `kyso-agent ui diagnostics|settings` as a real process against a real running agent (startAgent, --ui browser):
// the command gets a launcher from the agent's control channel and opens it with $BROWSER; Chromium follows it to
// the agent's one-time page, which shows the diagnostics in Vietnamese. No agent: exit 3 and the command to start it.
import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startAgent, type RunningAgent } from '../../agent/headless/index.js';
import { CHROMIUM_ARGS, buildBundle } from '../ui/harness.js';
import { runCli } from './cli-process.js';

let dir: string;
let agent: RunningAgent;
let browser: Browser;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kyso-cli-ui-'));
  const opener = join(dir, 'browser.sh');
  // $BROWSER records its whole argument list: what any local user could read in /proc/<pid>/cmdline.
  await writeFile(opener, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${join(dir, 'argv.txt')}'\n`);
  await chmod(opener, 0o755);
  await writeFile(join(dir, 'policy.json'), '{}');
  [agent, browser] = await Promise.all([
    startAgent({
      dataDir: join(dir, 'data'),
      policyPath: join(dir, 'policy.json'),
      home: dir,
      port: 0,
      plainPort: 0,
      dev: true,
      ui: 'browser',
      uiBundleDir: buildBundle(),
      // The agent's own $BROWSER must not be the one used: the command opens the page in its own session.
      env: { ...process.env, BROWSER: '/bin/false' },
      vnptPorts: [],
      modules: [],
      relay: false,
    }),
    chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS }),
  ]);
  env = { PATH: process.env.PATH, HOME: dir, KYSO_AGENT_HOME: join(dir, 'data'), BROWSER: opener };
});

afterAll(async () => {
  await browser?.close();
  await agent?.stop();
  await rm(dir, { recursive: true, force: true });
});

it('opens the running agent\'s diagnostics page through a launcher file; the page shows the Vietnamese diagnostics', async () => {
  const r = await runCli(['ui', 'diagnostics'], env);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('Đã mở trang Kiểm tra hệ thống');
  const [argv] = (await readFile(join(dir, 'argv.txt'), 'utf8')).split('\n');
  // One argument, a launcher file: no one-time token on the command line.
  expect(argv).toMatch(/^file:\/\/\S+\/ui-launch\/launch-[A-Za-z0-9_-]{22}\.html$/);
  const path = fileURLToPath(argv!);
  expect((await stat(path)).mode & 0o777).toBe(0o600);
  const html = await readFile(path, 'utf8');
  expect(html).toMatch(new RegExp(`url=http://127\\.0\\.0\\.1:${agent.plainPort}/ui/[A-Za-z0-9_-]{43}"`));

  const context = await browser.newContext({ locale: 'vi-VN' });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(argv!);
    await page.waitForSelector('h1');
    expect(await page.textContent('h1')).toBe('Kiểm tra hệ thống');
    expect(await page.title()).toBe('Kiểm tra hệ thống — kyso-agent');
    expect(page.url()).toMatch(/\/ui\/[A-Za-z0-9_-]{43}$/);
    // The diagnostics are the agent's own: its ports appear on the page.
    await page.waitForFunction((port) => document.body.innerText.includes(String(port)), agent.tlsPort);
    // The launcher is gone once the page was served.
    await expect(stat(path)).rejects.toThrow();
  } finally {
    await context.close();
  }
});

it('settings too; a launcher the browser could not open is removed at once', async () => {
  const ok = await runCli(['ui', 'settings'], env);
  expect(ok.code).toBe(0);
  expect(ok.stdout).toContain('Đã mở trang Cài đặt');
  const failing = join(dir, 'failing.sh');
  await writeFile(failing, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${join(dir, 'failed.txt')}'\nexit 3\n`);
  await chmod(failing, 0o755);
  const bad = await runCli(['ui', 'settings'], { ...env, BROWSER: failing });
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain('Không mở được trình duyệt');
  expect(bad.stderr).toContain('No browser could be opened');
  const [argv] = (await readFile(join(dir, 'failed.txt'), 'utf8')).split('\n');
  await expect(stat(fileURLToPath(argv!))).rejects.toThrow();
});

it('no agent running on the data dir: exit 3, says so in Vietnamese and English with the command to start it', async () => {
  const r = await runCli(['ui', 'diagnostics'], { ...env, KYSO_AGENT_HOME: join(dir, 'nobody') });
  expect(r.code).toBe(3);
  expect(r.stderr).toContain('Agent chưa chạy');
  expect(r.stderr).toContain('The agent is not running');
  expect(r.stderr).toContain('kyso-agent start');
});

it('an unknown page is a usage error', async () => {
  const r = await runCli(['ui', 'secrets'], env);
  expect(r.code).toBe(2);
});
