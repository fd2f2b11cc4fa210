// Launcher files: private modes, escaping, deletion on page load / dialog end / TTL / startup, and no secret in argv.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Logger, PromptContext } from '../core/ports.js';
import { createLaunchers, launcherHtml } from './launcher.js';
import { createBrowserPrompt } from './index.js';

const logger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'kyso-launch-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const ctx = (): PromptContext => ({ origin: 'https://portal.example.vn', lang: 'vi', signal: new AbortController().signal }) as PromptContext;

describe('launcherHtml', () => {
  it('redirects by meta refresh and script, with the URL escaped for both', () => {
    const html = launcherHtml('https://127.0.0.1:1/ui/a"b<c>&\'</script>');
    expect(html).toContain('content="0;url=https://127.0.0.1:1/ui/a&#34;b&#60;c&#62;&#38;&#39;&#60;/script&#62;"');
    expect(html).toContain('location.replace("https://127.0.0.1:1/ui/a\\"b\\u003cc>&\'\\u003c/script>")');
    expect(html.match(/<script>/g)).toHaveLength(1);
    expect(html.match(/<\/script>/g)).toHaveLength(1);
  });
});

describe('createLaunchers', () => {
  it('writes a 0600 file in a 0700 folder and removes stale launchers at start', async () => {
    const dir = join(root, 'ui-launch');
    mkdirSync(dir, { mode: 0o755 });
    writeFileSync(join(dir, 'launch-AAAAAAAAAAAAAAAAAAAAAA.html'), 'stale');
    writeFileSync(join(dir, 'other.txt'), 'kept');
    const l = createLaunchers(dir, logger);
    expect(readdirSync(dir)).toEqual(['other.txt']);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const href = await l.write('id1', 'https://127.0.0.1:9/ui/tok');
    expect(href).toMatch(/^file:\/\/.*\/launch-[A-Za-z0-9_-]{22}\.html$/);
    const path = fileURLToPath(href);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toContain('url=https://127.0.0.1:9/ui/tok"');
    l.remove('id1');
    await expect.poll(() => existsSync(path)).toBe(false);
  });

  it('deletes a launcher nobody opened after the TTL, and everything on removeAll', async () => {
    const dir = join(root, 'l');
    const l = createLaunchers(dir, logger, 50);
    const a = fileURLToPath(await l.write('a', 'http://127.0.0.1:1/ui/a'));
    await expect.poll(() => existsSync(a)).toBe(false);
    const b = fileURLToPath(await l.write('b', 'http://127.0.0.1:1/ui/b'));
    const l2 = createLaunchers(join(root, 'l2'), logger);
    const c = fileURLToPath(await l2.write('c', 'http://127.0.0.1:1/ui/c'));
    l2.removeAll();
    expect(existsSync(c)).toBe(false);
    l.removeAll();
    expect(existsSync(b)).toBe(false);
  });
});

describe('createBrowserPrompt with a launch folder', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  it('hands the opener a file URL without the token; the launcher goes when the page is served or the dialog ends', async () => {
    const bundleDir = join(root, 'bundle');
    mkdirSync(bundleDir);
    writeFileSync(join(bundleDir, 'index.html'), '<h1>x</h1>');
    const opened: string[] = [];
    let port = 0;
    const host = createBrowserPrompt({
      baseUrl: () => `http://127.0.0.1:${port}`,
      open: async (u) => void opened.push(u),
      launchDir: join(root, 'ui-launch'),
      logger,
      lang: 'vi',
      dialogTimeoutMs: 10_000,
      bundleDir,
    });
    server = createServer((req, res) => host.mount.handle(req, res));
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;

    // Dialog 1: its page is loaded → the launcher is deleted at once.
    const first = host.requestAccess(ctx());
    await expect.poll(() => opened.length).toBe(1);
    const [d1] = [...readdirSync(join(root, 'ui-launch'))];
    const html = readFileSync(join(root, 'ui-launch', d1!), 'utf8');
    const url = /url=([^"]+)"/.exec(html)![1]!;
    const token = url.split('/ui/')[1]!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(opened[0]).not.toContain(token);
    expect(opened[0]).toMatch(/^file:\/\//);
    const res = await fetch(url, { headers: { 'sec-fetch-dest': 'document' } });
    expect(res.status).toBe(200);
    expect(readdirSync(join(root, 'ui-launch'))).toEqual([]);
    host.closeAll();
    await expect(first).rejects.toThrow();

    // Dialog 2: never loaded, ended by shutdown → its launcher goes too.
    const second = host.requestAccess(ctx());
    await expect.poll(() => opened.length).toBe(2);
    expect(readdirSync(join(root, 'ui-launch'))).toHaveLength(1);
    host.closeAll();
    await expect(second).rejects.toThrow();
    await expect.poll(() => readdirSync(join(root, 'ui-launch')).length).toBe(0);
  });
});
