// `browser-integration install | uninstall | status`: writes/removes the host manifests (and the launcher they
// point at) for the current user, or for one browser profile folder; HKCU registry keys on Windows.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { lstat, mkdir, readFile, rm, rmdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../tls/atomic-file.js';
import { extensionIds } from './extension-ids.js';
import { BROWSERS, browserRoot, hostManifest, launcher, manifestPath, windowsRegistry, type BrowserName, type Command } from './registration.js';

export type CommandRunner = (c: Command) => Promise<{ code: number; stdout: string }>;

export const execRunner: CommandRunner = (c) =>
  new Promise((resolve) => {
    execFile(c.cmd, c.args, { timeout: 30_000, windowsHide: true }, (err, stdout) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout: String(stdout) });
    });
  });

export interface IntegrationContext {
  platform: NodeJS.Platform;
  home: string;
  dataDir: string;
  /** How the launcher runs the CLI (see registration.launcher). */
  command: string[];
  policyIds: string[];
  run?: CommandRunner;
}

export interface BrowserStatus {
  browser: BrowserName;
  manifest: string;
  registered: boolean;
  /** The manifest names our launcher and exactly our extension IDs. */
  current: boolean;
  /** Problems found (a manifest others can modify, a launcher missing, …). */
  problems: string[];
  registryKey?: string;
}

/** The browsers to act on: the one asked for, else those with a per-user folder (all on Windows). */
export function selectBrowsers(ctx: IntegrationContext, browser?: BrowserName): BrowserName[] {
  if (browser) return [browser];
  if (ctx.platform === 'win32') return [...BROWSERS];
  return BROWSERS.filter((b) => existsSync(browserRoot(b, ctx.platform, ctx.home)));
}

function expected(ctx: IntegrationContext, browser: BrowserName): string {
  const l = launcher(ctx.platform, ctx.dataDir, ctx.command);
  return JSON.stringify(hostManifest(browser, l.path, extensionIds(ctx.policyIds)), null, 2) + '\n';
}

export async function install(ctx: IntegrationContext, browsers: BrowserName[], userDataDir?: string): Promise<BrowserStatus[]> {
  const l = launcher(ctx.platform, ctx.dataDir, ctx.command);
  await mkdir(dirname(l.path), { recursive: true, mode: 0o700 });
  await writeFileAtomic(l.path, l.text, l.mode);
  for (const b of browsers) {
    const file = manifestPath(b, ctx.platform, ctx.home, ctx.dataDir, userDataDir);
    await mkdir(dirname(file), { recursive: true, mode: 0o755 });
    // 0644: the browser reads it as this user; nobody else may write it (or the folder) to redirect the host.
    await writeFileAtomic(file, expected(ctx, b), 0o644);
    if (ctx.platform === 'win32' && !userDataDir) await mustRun(ctx, windowsRegistry.add(b, file));
  }
  return status(ctx, browsers, userDataDir);
}

export async function uninstall(ctx: IntegrationContext, browsers: BrowserName[], userDataDir?: string): Promise<BrowserStatus[]> {
  for (const b of browsers) {
    const file = manifestPath(b, ctx.platform, ctx.home, ctx.dataDir, userDataDir);
    if (await isOurs(file)) await rm(file, { force: true });
    // The folder only held our manifest: leave nothing behind.
    await rmdir(dirname(file)).catch(() => undefined);
    if (ctx.platform === 'win32' && !userDataDir) await (ctx.run ?? execRunner)(windowsRegistry.remove(b));
  }
  // The launcher goes when no manifest of any browser still points at it.
  const left = await status(ctx, [...BROWSERS]);
  if (!userDataDir && left.every((s) => !s.registered)) {
    const l = launcher(ctx.platform, ctx.dataDir, ctx.command);
    await rm(l.path, { force: true });
    await rmdir(dirname(l.path)).catch(() => undefined);
  }
  return status(ctx, browsers, userDataDir);
}

export async function status(ctx: IntegrationContext, browsers: BrowserName[], userDataDir?: string): Promise<BrowserStatus[]> {
  const out: BrowserStatus[] = [];
  for (const b of browsers) {
    const file = manifestPath(b, ctx.platform, ctx.home, ctx.dataDir, userDataDir);
    const s: BrowserStatus = { browser: b, manifest: file, registered: false, current: false, problems: [] };
    const text = await readFile(file, 'utf8').catch(() => null);
    if (text !== null) {
      s.registered = true;
      s.current = text === expected(ctx, b);
      if (!s.current) s.problems.push('manifest differs from this version (run install again)');
      if (ctx.platform !== 'win32') {
        for (const p of [file, dirname(file)]) {
          const st = await lstat(p).catch(() => null);
          if (st && (st.mode & 0o022) !== 0) s.problems.push(`${p} is writable by other users`);
        }
      }
      const l = launcher(ctx.platform, ctx.dataDir, ctx.command);
      if (!(await stat(l.path).catch(() => null))) s.problems.push(`launcher missing: ${l.path}`);
    }
    if (ctx.platform === 'win32' && !userDataDir) {
      s.registryKey = windowsRegistry.key(b);
      const q = await (ctx.run ?? execRunner)(windowsRegistry.query(b));
      if (q.code !== 0 || !q.stdout.includes(file)) {
        s.registered = false;
        if (text !== null) s.problems.push('registry key missing');
      }
    }
    out.push(s);
  }
  return out;
}

async function isOurs(file: string): Promise<boolean> {
  try {
    const m = JSON.parse(await readFile(file, 'utf8')) as { name?: unknown };
    return m.name === 'vn.kyso.agent';
  } catch {
    return false;
  }
}

async function mustRun(ctx: IntegrationContext, c: Command): Promise<void> {
  const r = await (ctx.run ?? execRunner)(c);
  if (r.code !== 0) throw new Error(`${c.cmd} ${c.args.slice(0, 2).join(' ')} failed (${r.code})`);
}
