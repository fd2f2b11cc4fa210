// Extension harness: the built companion extension loaded into Debian's Chromium (launchPersistentContext), the
// native host registered with `kyso-agent browser-integration install --browser chromium --user-data-dir`, the
// real agent (startAgent) on SoftHSM2 tokens with its relay channel, and test pages on a loopback http server that
// Chromium treats as a public address (Local Network Access enforced, no permission granted).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { WebSocketServer } from 'ws';
import { ScriptedPrompt } from '../../agent/core/testing/scripted-prompt.js';
import { startAgent, type RunningAgent, type StartOptions } from '../../agent/headless/index.js';
import { CHROMIUM_ARGS, ROOT, buildSdk } from '../e2e/harness.js';
import type { TestFixture } from '../fixtures/types.js';

export const EXTENSION_DIR = join(ROOT, 'dist', 'extension', 'chromium');
export const BIN = join(ROOT, 'bin', 'kyso-agent.mjs');
const PAGES = join(import.meta.dirname, 'pages');

/**
 * The extension and the compiled agent the native host runs (bin/kyso-agent.mjs → dist/). `npm run build` makes
 * both before the tests in CI; a fresh checkout running this folder alone builds what is missing, under a lock.
 */
export function ensureBuilt(): void {
  const lock = join(tmpdir(), 'kyso-ext-build.lock');
  if (!existsSync(join(ROOT, 'dist', 'agent', 'cli', 'main.js'))) {
    execFileSync('flock', [lock, process.execPath, join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'pipe' });
  }
  execFileSync('flock', [lock, process.execPath, join(import.meta.dirname, 'build-if-stale.mjs')], { stdio: 'pipe' });
  buildSdk();
}

/** Runs the kyso-agent CLI (compiled) with `env`; returns stdout. */
export function cli(args: string[], env: NodeJS.ProcessEnv): string {
  return execFileSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8' });
}

export interface ExtEnv {
  dir: string;
  home: string;
  dataDir: string;
  profile: string;
  policyPath: string;
  env: NodeJS.ProcessEnv;
  /** http://127.0.0.1:<port> serving native-tests/extension/pages and the SDK bundle. */
  origin: string;
  port: number;
  /** Text frames received by the echo WebSocket at ws://127.0.0.1:<port>/echo (same "public" address as the pages). */
  echoed: string[];
  prompt: ScriptedPrompt;
  agent: RunningAgent | null;
  context: BrowserContext | null;
  startAgent(extra?: Partial<StartOptions>): Promise<RunningAgent>;
  /** Launches Chromium; `extension: false` runs the same browser without it. `extraExtensions` are loaded too. */
  launch(opts?: { extension?: boolean; extraExtensions?: string[]; publicPorts?: number[] }): Promise<BrowserContext>;
  page(path: string): Promise<Page>;
  close(): Promise<void>;
}

/** Serves the test pages and the SDK bundle. Deliberately plain http on 127.0.0.1: the override makes it "public". */
function pageServer(): Promise<Server> {
  const files: Record<string, [string, string]> = {
    '/vnpt.html': [join(PAGES, 'vnpt.html'), 'text/html; charset=utf-8'],
    '/vnpt-plugin.js': [join(PAGES, 'vnpt-plugin.js'), 'text/javascript'],
    '/sdk.html': [join(PAGES, 'sdk.html'), 'text/html; charset=utf-8'],
    '/kyso-agent.js': [join(ROOT, 'sdk', 'dist', 'kyso-agent.js'), 'text/javascript'],
  };
  const server = createServer((req, res) => {
    const f = files[(req.url ?? '/').split('?')[0]!];
    if (!f) {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader('Content-Type', f[1]);
    res.end(readFileSync(f[0]));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** An echo WebSocket on the page server: a WebSocket the shim must leave to the browser. */
function echoSocket(server: Server, received: string[]): WebSocketServer {
  const wss = new WebSocketServer({ server, path: '/echo' });
  wss.on('connection', (ws) => ws.on('message', (d) => {
    received.push(d.toString());
    ws.send(d.toString());
  }));
  return wss;
}

export async function startExtEnv(fx: TestFixture, policy: (origin: string) => object): Promise<ExtEnv> {
  const dir = mkdtempSync(join(tmpdir(), 'kyso-ext-'));
  const home = join(dir, 'home');
  const dataDir = join(dir, 'data');
  const profile = join(dir, 'profile');
  const server = await pageServer();
  const port = (server.address() as AddressInfo).port;
  const echoed: string[] = [];
  const echo = echoSocket(server, echoed);
  const origin = `http://127.0.0.1:${port}`;
  const policyPath = join(dir, 'policy.json');
  writeFileSync(policyPath, JSON.stringify(policy(origin)));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    KYSO_AGENT_HOME: dataDir,
    KYSO_AGENT_POLICY: policyPath,
    SOFTHSM2_CONF: fx.softhsm.conf,
    KYSO_PKCS11_MODULES: fx.softhsm.module,
    // An agent the host starts must not take the fixed ports other tests (and a user's agent) use.
    KYSO_AGENT_START_ARGS: '--port 0',
  };
  const prompt = new ScriptedPrompt({ access: 'allowAlways', confirm: { pin: fx.softhsm.tokens.A.pin }, choose: (certs) => certs.find((c) => c.subject.commonName === 'NGUYỄN VĂN AN') ?? null });
  const e: ExtEnv = {
    dir, home, dataDir, profile, policyPath, env, origin, port, echoed, prompt, agent: null, context: null,
    async startAgent(extra = {}) {
      e.agent = await startAgent({
        dataDir, home, policyPath, port: 0, vnptPorts: [], prompt,
        env,
        modules: [{ name: 'SoftHSM2', path: fx.softhsm.module, source: 'env' }],
        ...extra,
      });
      return e.agent;
    },
    async launch(opts = {}) {
      await e.context?.close();
      const exts = [...(opts.extension === false ? [] : [EXTENSION_DIR]), ...(opts.extraExtensions ?? [])];
      const args = [
        ...CHROMIUM_ARGS.filter((a) => a !== '--headless'),
        `--ip-address-space-overrides=${[port, ...(opts.publicPorts ?? [])].map((p) => `127.0.0.1:${p}=public`).join(',')}`,
        ...(exts.length ? [`--disable-extensions-except=${exts.join(',')}`, `--load-extension=${exts.join(',')}`] : []),
      ];
      e.context = await chromium.launchPersistentContext(profile, {
        executablePath: '/usr/bin/chromium',
        headless: true,
        args,
        ignoreDefaultArgs: ['--disable-extensions'],
        env,
      });
      return e.context;
    },
    async page(path) {
      const p = await e.context!.newPage();
      p.setDefaultTimeout(30_000);
      await p.goto(`${origin}${path}`);
      return p;
    },
    async close() {
      await e.context?.close().catch(() => undefined);
      await e.agent?.stop();
      echo.close();
      await new Promise((r) => server.close(r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return e;
}
