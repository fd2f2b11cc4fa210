// Loading PKCS#11 modules safely: path rules, load + C_Initialize once, failures recorded (never thrown), C_Finalize.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger, ModuleReport } from '../core/ports.js';
import type { ModuleCandidate } from './catalog.js';
import { ckrCode } from './ckr.js';
import { CKR_CRYPTOKI_ALREADY_INITIALIZED } from './constants.js';
import type { Pkcs11Api, Pkcs11Factory } from './pkcs11-api.js';
import { SerialQueue } from './queue.js';

/** A module that loaded and initialised. All calls into `api` go through `queue`. */
export interface LoadedModule {
  candidate: ModuleCandidate;
  api: Pkcs11Api;
  queue: SerialQueue;
  report: ModuleReport;
  /** Display name for Token.moduleName: the candidate's name (catalog display name) or the library description. */
  displayName: string;
  /** We called C_Initialize successfully (so we own C_Finalize). */
  ownsInit: boolean;
  /** Real path, used to refuse loading one library twice. */
  realPath: string;
}

export type PathCheck = { ok: true; realPath: string } | { ok: false; status: 'refused' | 'notFound'; reason: string };

/** Groups whose members can already replace system libraries: root (gid 0) everywhere, "admin" (80) on macOS. */
function trustedGroup(gid: number, platform: NodeJS.Platform): boolean {
  return gid === 0 || (platform === 'darwin' && gid === 80);
}

/**
 * The loading rules (docs/security.md T11): absolute paths only; the file must exist and be a regular file (after
 * symlinks); it must be owned by root or by the user running the agent and not be writable by others; and no
 * directory on its real path may be writable by others (unless sticky, like /tmp) or owned by another ordinary
 * user; nor may the file or any such directory be writable by a group other than root's (or macOS "admin"),
 * unless the directory is sticky — otherwise someone else could swap the library under us. The checked real path is what gets loaded, so a
 * symlink switched after the check changes nothing. Mode bits mean nothing on Windows, where only the
 * absolute/regular-file rules apply (System32 ACLs protect the catalog paths).
 */
export function checkModulePath(p: string, platform: NodeJS.Platform = process.platform, uid: number | undefined = process.getuid?.()): PathCheck {
  const api = platform === 'win32' ? path.win32 : path.posix;
  if (!api.isAbsolute(p)) return { ok: false, status: 'refused', reason: 'not an absolute path' };
  // A network share is not a local library: anyone controlling the share controls the code we would load.
  if (platform === 'win32' && /^[\\/]{2}/.test(p)) return { ok: false, status: 'refused', reason: 'network path (UNC)' };
  let realPath: string;
  let st: fs.Stats;
  try {
    realPath = fs.realpathSync(p);
    st = fs.statSync(realPath);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, status: 'notFound', reason: 'file not found' };
    return { ok: false, status: 'refused', reason: `cannot inspect file (${code ?? 'error'})` };
  }
  if (!st.isFile()) return { ok: false, status: 'refused', reason: 'not a regular file' };
  if (platform !== 'win32') {
    const trustedOwner = (owner: number): boolean => owner === 0 || (uid !== undefined && owner === uid);
    const groupWritable = (s: fs.Stats): boolean => (s.mode & 0o020) !== 0 && !trustedGroup(s.gid, platform);
    if (st.mode & 0o002) return { ok: false, status: 'refused', reason: 'file is writable by others' };
    if (groupWritable(st)) return { ok: false, status: 'refused', reason: 'file is writable by a group' };
    if (!trustedOwner(st.uid)) return { ok: false, status: 'refused', reason: 'file is owned by another user' };
    for (let dir = path.dirname(realPath); ; dir = path.dirname(dir)) {
      let d: fs.Stats;
      try {
        d = fs.statSync(dir);
      } catch {
        return { ok: false, status: 'refused', reason: 'cannot inspect directory' };
      }
      if (d.mode & 0o002 && !(d.mode & 0o1000)) return { ok: false, status: 'refused', reason: 'directory is writable by others' };
      if (groupWritable(d) && !(d.mode & 0o1000)) return { ok: false, status: 'refused', reason: 'directory is writable by a group' };
      // A sticky directory protects entries from other users, but not from its own owner: it must be trusted too.
      if (!trustedOwner(d.uid)) return { ok: false, status: 'refused', reason: 'directory is owned by another user' };
      if (path.dirname(dir) === dir) break;
    }
  }
  return { ok: true, realPath };
}

function version(v: { major: number; minor: number }): string {
  return `${v.major}.${v.minor}`;
}

function describe(e: unknown): string {
  const code = ckrCode(e);
  if (code !== undefined) return `CKR 0x${code.toString(16)}`;
  return e instanceof Error ? e.message.split('\n')[0] ?? 'error' : String(e);
}

/**
 * Loads every candidate that passes the rules. Never throws: each candidate gets a ModuleReport with its outcome.
 * One library is loaded at most once (two paths to the same real file are one module).
 */
export function loadModules(candidates: ModuleCandidate[], factory: Pkcs11Factory, logger: Logger): { loaded: LoadedModule[]; reports: ModuleReport[] } {
  const loaded: LoadedModule[] = [];
  const reports: ModuleReport[] = [];
  const byRealPath = new Map<string, string>();
  for (const c of candidates) {
    const base: ModuleReport = { name: c.name, path: c.path, source: c.source, status: 'failed' };
    const check = checkModulePath(c.path);
    if (!check.ok) {
      const report: ModuleReport = { ...base, status: check.status, reason: check.reason };
      reports.push(report);
      logger.warn('pkcs11.module.skipped', { module: c.name, path: c.path, status: check.status, reason: check.reason });
      continue;
    }
    const twin = byRealPath.get(check.realPath);
    if (twin !== undefined) {
      reports.push({ ...base, status: 'refused', reason: `same library as ${twin}` });
      continue;
    }
    const m = loadOne(c, check.realPath, factory, base, logger);
    reports.push(m.report);
    if ('api' in m) {
      loaded.push(m);
      byRealPath.set(check.realPath, c.name);
    }
  }
  return { loaded, reports };
}

function loadOne(c: ModuleCandidate, realPath: string, factory: Pkcs11Factory, base: ModuleReport, logger: Logger): LoadedModule | { report: ModuleReport } {
  let api: Pkcs11Api;
  try {
    api = factory();
    // The path that passed the checks, not the one given: a symlink swapped in between must not matter.
    api.load(realPath);
  } catch (e) {
    const reason = `load failed: ${describe(e)}`;
    logger.warn('pkcs11.module.failed', { module: c.name, path: c.path, reason });
    return { report: { ...base, reason } };
  }
  let ownsInit = true;
  try {
    // NULL init args unless NSS parameters are needed: old vendor drivers mishandle CK_C_INITIALIZE_ARGS, and we
    // serialise every call ourselves, so the module's own locking is not needed.
    api.C_Initialize(c.libraryParameters !== undefined ? { libraryParameters: c.libraryParameters } : undefined);
  } catch (e) {
    if (ckrCode(e) === CKR_CRYPTOKI_ALREADY_INITIALIZED) {
      ownsInit = false; // someone else in this process initialised it: use it, but leave C_Finalize to them
    } else {
      const reason = `C_Initialize failed: ${describe(e)}`;
      logger.warn('pkcs11.module.failed', { module: c.name, path: c.path, reason });
      safe(() => api.close());
      return { report: { ...base, reason } };
    }
  }
  const report: ModuleReport = { ...base, status: 'loaded' };
  let displayName = c.name;
  try {
    const info = api.C_GetInfo();
    report.libraryDescription = info.libraryDescription.trim();
    report.cryptokiVersion = version(info.cryptokiVersion);
    if (!displayName) displayName = report.libraryDescription;
    report.slotCount = api.C_GetSlotList(false).length;
  } catch (e) {
    logger.warn('pkcs11.module.info_failed', { module: c.name, reason: describe(e) });
  }
  logger.info('pkcs11.module.loaded', { module: c.name, path: c.path, slots: report.slotCount ?? null });
  return { candidate: c, api, queue: new SerialQueue(), report, displayName, ownsInit, realPath };
}

/** C_Finalize + unload, through the module's queue so no call is in flight. Never throws. */
export async function unloadModule(m: LoadedModule, logger: Logger): Promise<void> {
  await m.queue.run(() => {
    if (m.ownsInit) safe(() => m.api.C_Finalize(), (e) => logger.warn('pkcs11.module.finalize_failed', { module: m.candidate.name, reason: describe(e) }));
    safe(() => m.api.close());
  });
}

/**
 * Finalize and initialise again, for modules that only see new or deleted tokens after a re-init (SoftHSM2).
 * Every session and handle of the module is invalid afterwards. Returns false (and logs) when it fails.
 */
export async function reinitialiseModule(m: LoadedModule, logger: Logger, beforeFinalize?: () => void): Promise<boolean> {
  return m.queue.run(() => {
    beforeFinalize?.();
    if (m.ownsInit) safe(() => m.api.C_Finalize());
    try {
      m.api.C_Initialize(m.candidate.libraryParameters !== undefined ? { libraryParameters: m.candidate.libraryParameters } : undefined);
      m.ownsInit = true;
      return true;
    } catch (e) {
      if (ckrCode(e) === CKR_CRYPTOKI_ALREADY_INITIALIZED) return true;
      m.report.status = 'failed';
      m.report.reason = `re-initialise failed: ${describe(e)}`;
      logger.warn('pkcs11.module.reinit_failed', { module: m.candidate.name, reason: describe(e) });
      return false;
    }
  });
}

function safe(fn: () => void, onError?: (e: unknown) => void): void {
  try {
    fn();
  } catch (e) {
    onError?.(e);
  }
}
