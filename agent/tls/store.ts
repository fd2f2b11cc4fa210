// The TLS material on disk under <data>/tls: CA certificate (public), leaf certificate and leaf key (0600), state.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../core/index.js';
import { ensurePrivateDir, writeFileAtomic } from './atomic-file.js';
import { needsRenewal, pemSha256 } from './renewal.js';

export interface TlsPaths {
  dir: string;
  caCert: string;
  leafCert: string;
  leafKey: string;
  state: string;
}

export function tlsPaths(dataDir: string): TlsPaths {
  const dir = join(dataDir, 'tls');
  return { dir, caCert: join(dir, 'ca.pem'), leafCert: join(dir, 'leaf.pem'), leafKey: join(dir, 'leaf-key.pem'), state: join(dir, 'state.json') };
}

/** What we remember about trust installs: which stores hold which of our CAs (by SHA-256 and SHA-1). */
export interface TlsState {
  caSha256: string;
  caSha1: string;
  /** Store ids (see trust.ts) the current CA was installed into. */
  installedIn: string[];
  /** Earlier CAs still possibly present somewhere, for uninstall (SHA-1 hex, as Windows/macOS identify them). */
  previousSha1: string[];
}

export interface LocalTls {
  paths: TlsPaths;
  key: string;
  cert: string;
  caPem: string;
  state: TlsState;
  /** True when this call made a new CA + leaf (first run or renewal). */
  issued: boolean;
  /** The state before a renewal (its installedIn says which stores need the new CA). */
  previousState: TlsState | null;
}

async function readText(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return null;
  }
}

export async function readTlsState(paths: TlsPaths): Promise<TlsState | null> {
  const text = await readText(paths.state);
  if (text === null) return null;
  try {
    const v = JSON.parse(text) as Partial<TlsState>;
    if (typeof v.caSha256 !== 'string' || typeof v.caSha1 !== 'string') return null;
    return { caSha256: v.caSha256, caSha1: v.caSha1, installedIn: Array.isArray(v.installedIn) ? v.installedIn.filter((s) => typeof s === 'string') : [], previousSha1: Array.isArray(v.previousSha1) ? v.previousSha1.filter((s) => typeof s === 'string') : [] };
  } catch {
    return null;
  }
}

export async function writeTlsState(paths: TlsPaths, state: TlsState): Promise<void> {
  await writeFileAtomic(paths.state, JSON.stringify(state, null, 2) + '\n', 0o600);
}

/**
 * Loads the leaf, or issues a new CA + leaf when it is missing, unreadable or past 80% of its life.
 * A renewal always means a new CA (its key was discarded), so the caller must re-install trust where
 * `previousState.installedIn` says the old one was.
 */
export async function ensureLocalTls(dataDir: string, logger: Logger, now: Date = new Date()): Promise<LocalTls> {
  const paths = tlsPaths(dataDir);
  await ensurePrivateDir(dataDir);
  await ensurePrivateDir(paths.dir);
  const [key, cert, caPem, state] = await Promise.all([readText(paths.leafKey), readText(paths.leafCert), readText(paths.caCert), readTlsState(paths)]);
  if (key && cert && caPem && state && !needsRenewal(cert, now) && state.caSha256 === pemSha256(caPem)) {
    return { paths, key, cert, caPem, state, issued: false, previousState: null };
  }
  // @peculiar/x509 is only needed to issue: loaded on demand to keep start-up fast.
  const { issueLocalTls } = await import('./ca.js');
  const fresh = await issueLocalTls(now);
  const { createHash, X509Certificate } = await import('node:crypto');
  const caSha1 = createHash('sha1').update(new X509Certificate(fresh.caPem).raw).digest('hex');
  const previousSha1 = state ? [...new Set([...state.previousSha1, state.caSha1])].filter((s) => s !== caSha1) : [];
  const next: TlsState = { caSha256: fresh.caSha256, caSha1, installedIn: [], previousSha1 };
  // Key first, then certificates, then state: a crash in between leaves a mismatch that the next start re-issues.
  await writeFileAtomic(paths.leafKey, fresh.leafKeyPem, 0o600);
  await writeFileAtomic(paths.leafCert, fresh.leafPem, 0o644);
  await writeFileAtomic(paths.caCert, fresh.caPem, 0o644);
  await writeTlsState(paths, next);
  logger.info('tls.issued', { caSha256: fresh.caSha256, leafNotAfter: fresh.leafNotAfter.toISOString(), renewal: state !== null });
  return { paths, key: fresh.leafKeyPem, cert: fresh.leafPem, caPem: fresh.caPem, state: next, issued: true, previousState: state };
}
