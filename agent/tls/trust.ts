// Trust stores the local CA goes into (NSS DBs on Linux, the user Root store on Windows, the login keychain on macOS).
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { ensurePrivateDir } from './atomic-file.js';
import { macos, nss, parseMacSha1, windows, type Command } from './commands.js';

export type TrustStatus = 'installed' | 'absent' | 'stale' | 'unavailable';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}
/** Runs a command without a shell. Injected so unit tests can record what would run. */
export type CommandRunner = (command: Command) => Promise<CommandResult>;

export const execRunner: CommandRunner = (command) =>
  new Promise((resolve) => {
    execFile(command.cmd, command.args, { timeout: 30_000, windowsHide: true }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as NodeJS.ErrnoException).code === 'number' ? Number((err as NodeJS.ErrnoException).code) : 127) : 0;
      resolve({ code: err && code === 0 ? 1 : code, stdout: String(stdout), stderr: String(stderr) });
    });
  });

/** One place the CA can be trusted. */
export interface TrustStore {
  /** Stable id kept in tls/state.json, e.g. "nss:/home/u/.pki/nssdb". */
  id: string;
  label: string;
  status(caPem: string): Promise<TrustStatus>;
  install(caFile: string): Promise<void>;
  /** Removes our CA (current and `previousSha1`); absent is not an error. */
  uninstall(caFile: string, sha1s: string[]): Promise<void>;
}

function sha1Of(pem: string): string {
  return new X509Certificate(pem).fingerprint.replace(/:/g, '').toUpperCase();
}

async function must(run: CommandRunner, command: Command, what: string): Promise<CommandResult> {
  const r = await run(command);
  if (r.code !== 0) throw new Error(`${what} failed (${command.cmd} exit ${r.code}): ${r.stderr.trim().slice(0, 300)}`);
  return r;
}

/** An NSS database in `dir`; `create` makes it (empty password) when absent (the user's ~/.pki/nssdb). */
export function nssStore(dir: string, label: string, create: boolean, run: CommandRunner = execRunner): TrustStore {
  const exists = (): boolean => existsSync(join(dir, 'cert9.db'));
  return {
    id: `nss:${dir}`,
    label,
    async status(caPem) {
      if (!exists()) return 'unavailable';
      const r = await run(nss.show(dir));
      if (r.code === 127) return 'unavailable';
      if (r.code !== 0 || !r.stdout.includes('BEGIN CERTIFICATE')) return 'absent';
      try {
        return sha1Of(r.stdout) === sha1Of(caPem) ? 'installed' : 'stale';
      } catch {
        return 'stale';
      }
    },
    async install(caFile) {
      if (!exists()) {
        if (!create) throw new Error(`no NSS database in ${dir}`);
        await ensurePrivateDir(dir);
        await must(run, nss.createDb(dir), 'creating the NSS database');
      }
      // Replace whatever sits under our nickname (an older CA) so exactly one is trusted.
      for (let i = 0; i < 8 && (await run(nss.remove(dir))).code === 0; i++);
      await must(run, nss.add(dir, caFile), 'adding the CA to NSS');
    },
    async uninstall() {
      if (!exists()) return;
      for (let i = 0; i < 8 && (await run(nss.remove(dir))).code === 0; i++);
    },
  };
}

/** Firefox profile directories that hold an NSS DB (regular and snap installs). */
export function firefoxProfiles(home: string): string[] {
  const roots = [join(home, '.mozilla', 'firefox'), join(home, 'snap', 'firefox', 'common', '.mozilla', 'firefox')];
  const out: string[] = [];
  for (const root of roots) {
    let names: string[] = [];
    try {
      names = readdirSync(root);
    } catch {
      continue;
    }
    for (const n of names) if (existsSync(join(root, n, 'cert9.db'))) out.push(join(root, n));
  }
  return out;
}

export function windowsStore(run: CommandRunner = execRunner): TrustStore {
  return {
    id: 'windows:user-root',
    label: 'Windows (CurrentUser\\Root)',
    async status(caPem) {
      const r = await run(windows.show(sha1Of(caPem)));
      if (r.code === 127) return 'unavailable';
      return r.code === 0 ? 'installed' : 'absent';
    },
    async install(caFile) {
      await must(run, windows.add(caFile), 'adding the CA to the Windows user Root store');
    },
    async uninstall(_caFile, sha1s) {
      for (const s of sha1s) await run(windows.remove(s));
    },
  };
}

export function macosStore(home: string, run: CommandRunner = execRunner): TrustStore {
  return {
    id: 'macos:login',
    label: 'macOS login keychain',
    async status(caPem) {
      const r = await run(macos.show(home));
      if (r.code === 127) return 'unavailable';
      const found = parseMacSha1(r.stdout);
      if (found.includes(sha1Of(caPem))) return 'installed';
      return found.length > 0 ? 'stale' : 'absent';
    },
    async install(caFile) {
      await must(run, macos.add(home, caFile), 'adding the CA to the login keychain');
    },
    async uninstall(caFile, sha1s) {
      if (existsSync(caFile)) await run(macos.removeTrust(caFile));
      for (const s of sha1s) await run(macos.remove(home, s));
    },
  };
}

/** The stores of this OS for the user whose home is `home`. */
export function trustStores(home: string, platform: NodeJS.Platform = process.platform, run: CommandRunner = execRunner): TrustStore[] {
  // Firefox on Windows and macOS reads the OS store (security.enterprise_roots.enabled), so one store suffices there.
  if (platform === 'win32') return [windowsStore(run)];
  if (platform === 'darwin') return [macosStore(home, run)];
  return [
    nssStore(join(home, '.pki', 'nssdb'), 'NSS (Chromium, Chrome) ~/.pki/nssdb', true, run),
    ...firefoxProfiles(home).map((d) => nssStore(d, `Firefox ${d}`, false, run)),
  ];
}
