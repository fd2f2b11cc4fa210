// Module discovery: the driver catalog, p11-kit registrations, policy modules and KYSO_PKCS11_MODULES → candidates.
import fs from 'node:fs';
import path from 'node:path';
import catalogData from '../../installer/driver-catalog.json' with { type: 'json' };
import type { ModuleReport } from '../core/ports.js';

/** One PKCS#11 module the agent may try, and where discovery found it. */
export interface ModuleCandidate {
  /** Display name (catalog display name, p11-kit file name, policy name…). Never shown as a path. */
  name: string;
  /** Absolute path (the loader refuses anything else). */
  path: string;
  source: ModuleReport['source'];
  /** NSS softokn only: its `configdir=… certPrefix=…` parameters, passed to C_Initialize. */
  libraryParameters?: string;
}

/** A module an administrator names in policy. */
export interface PolicyModule {
  name: string;
  path: string;
  libraryParameters?: string;
}

export interface CatalogVendor {
  vendor: string;
  displayName: string;
  generic: boolean;
  files: { win32: string[]; darwin: string[]; linux: string[] };
  aliases: Record<string, string>;
  note: string;
}

export interface DriverCatalog {
  version: number;
  windowsDefaultDir: string;
  p11kitModuleDirs: string[];
  p11kitLibraryDir: string;
  vendors: CatalogVendor[];
}

/** The shipped catalog (installer/driver-catalog.json). */
export const DRIVER_CATALOG = catalogData as DriverCatalog;

/** The file system calls discovery needs: injectable so tests run without touching the machine. */
export interface DiscoveryFs {
  existsSync(p: string): boolean;
  readdirSync(p: string): string[];
  readFileSync(p: string, encoding: 'utf8'): string;
}

export interface DiscoveryOptions {
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  fs: DiscoveryFs;
  policyModules?: PolicyModule[];
  catalog?: DriverCatalog;
  /** Include p11-kit registered modules (Linux). Default true. */
  p11kit?: boolean;
}

/** Environment variable: extra absolute module paths, separated by the platform's path delimiter. */
export const MODULES_ENV = 'KYSO_PKCS11_MODULES';

function pathApi(platform: NodeJS.Platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

/** Expands %VAR% (Windows style) from env; unknown variables stay as they are (and the file will not exist). */
export function expandWindowsVars(p: string, env: Record<string, string | undefined>): string {
  return p.replace(/%([A-Za-z0-9_()]+)%/g, (whole, name: string) => {
    const hit = Object.keys(env).find((k) => k.toLowerCase() === name.toLowerCase());
    return hit !== undefined && env[hit] !== undefined ? (env[hit] as string) : whole;
  });
}

function catalogKey(platform: NodeJS.Platform): keyof CatalogVendor['files'] | undefined {
  if (platform === 'win32' || platform === 'darwin' || platform === 'linux') return platform;
  return undefined;
}

/** Catalog files present on this machine. Missing catalog files are not candidates (they would only be noise). */
function fromCatalog(o: DiscoveryOptions, catalog: DriverCatalog): ModuleCandidate[] {
  const key = catalogKey(o.platform);
  if (!key) return [];
  const p = pathApi(o.platform);
  const out: ModuleCandidate[] = [];
  for (const v of catalog.vendors) {
    for (const file of v.files[key]) {
      let full = file;
      if (o.platform === 'win32') {
        full = expandWindowsVars(p.isAbsolute(file) || file.includes('\\') ? file : p.join(catalog.windowsDefaultDir, file), o.env);
      }
      if (p.isAbsolute(full) && o.fs.existsSync(full)) out.push({ name: v.displayName, path: full, source: 'catalog' });
    }
  }
  return out;
}

/**
 * p11-kit registrations: each `*.module` file names its library on a `module:` line; a relative name lives in the
 * p11-kit module directory. Trust-policy modules (p11-kit-trust: the system CA store) hold no keys and are skipped,
 * as are modules disabled for every program (`enable-in:` lists nothing we are).
 */
export function parseP11KitModule(text: string): { module?: string; skip: boolean } {
  let module: string | undefined;
  let skip = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('#') || !line.includes(':')) continue;
    const i = line.indexOf(':');
    const key = line.slice(0, i).trim().toLowerCase();
    const value = line.slice(i + 1).trim();
    if (key === 'module') module = value;
    else if (key === 'trust-policy' && /^(yes|true)$/i.test(value)) skip = true;
    else if (key === 'enable-in' && !/\bkyso-agent\b/.test(value)) skip = true;
    else if (key === 'disable-in' && /\bkyso-agent\b/.test(value)) skip = true;
  }
  return module !== undefined ? { module, skip } : { skip };
}

function fromP11Kit(o: DiscoveryOptions, catalog: DriverCatalog): ModuleCandidate[] {
  if (o.platform !== 'linux' || o.p11kit === false) return [];
  const out: ModuleCandidate[] = [];
  for (const dir of catalog.p11kitModuleDirs) {
    if (!o.fs.existsSync(dir)) continue;
    let names: string[];
    try {
      names = o.fs.readdirSync(dir).filter((n) => n.endsWith('.module')).sort();
    } catch {
      continue;
    }
    for (const n of names) {
      let parsed: ReturnType<typeof parseP11KitModule>;
      try {
        parsed = parseP11KitModule(o.fs.readFileSync(path.posix.join(dir, n), 'utf8'));
      } catch {
        continue;
      }
      if (parsed.module === undefined || parsed.skip) continue;
      const lib = path.posix.isAbsolute(parsed.module) ? parsed.module : path.posix.join(catalog.p11kitLibraryDir, parsed.module);
      out.push({ name: n.slice(0, -'.module'.length), path: lib, source: 'p11-kit' });
    }
  }
  return out;
}

function fromEnv(o: DiscoveryOptions): ModuleCandidate[] {
  const raw = o.env[MODULES_ENV];
  if (!raw) return [];
  const p = pathApi(o.platform);
  const delimiter = o.platform === 'win32' ? ';' : ':';
  return raw
    .split(delimiter)
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    // Relative entries are kept: the loader refuses them and doctor shows why.
    .map((s) => ({ name: p.basename(s), path: s, source: 'env' as const }));
}

/**
 * Every module the agent should try, in priority order (policy, environment, catalog, p11-kit), one per path.
 * Pure apart from the injected fs: unit tests pass a fake file system, env and platform.
 */
export function discoverModules(o: DiscoveryOptions): ModuleCandidate[] {
  const catalog = o.catalog ?? DRIVER_CATALOG;
  const policy: ModuleCandidate[] = (o.policyModules ?? []).map((m) => ({
    name: m.name, path: m.path, source: 'policy' as const, ...(m.libraryParameters !== undefined ? { libraryParameters: m.libraryParameters } : {}),
  }));
  const all = [...policy, ...fromEnv(o), ...fromCatalog(o, catalog), ...fromP11Kit(o, catalog)];
  const seen = new Set<string>();
  const caseInsensitive = o.platform === 'win32' || o.platform === 'darwin';
  return all.filter((c) => {
    const key = caseInsensitive ? c.path.toLowerCase() : c.path;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Discovery on this machine (real fs, process.env, process.platform): what the composition roots call. */
export function discoverLocalModules(policyModules: PolicyModule[] = []): ModuleCandidate[] {
  return discoverModules({ platform: process.platform, env: process.env, fs, policyModules });
}
