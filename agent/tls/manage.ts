// `ca install | uninstall | status` and the automatic re-install after a renewal, over the stores of trust.ts.
import { rm } from 'node:fs/promises';
import type { Logger } from '../core/index.js';
import { ensureLocalTls, readTlsState, tlsPaths, writeTlsState, type LocalTls } from './store.js';
import { trustStores, type TrustStatus, type TrustStore } from './trust.js';

export interface StoreReport {
  id: string;
  label: string;
  status: TrustStatus;
  error?: string;
}

export interface CaReport {
  caSha256: string | null;
  stores: StoreReport[];
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Installs the current CA (issuing CA + leaf first if needed) into every store of this OS. */
export async function installCa(dataDir: string, home: string, logger: Logger, stores: TrustStore[] = trustStores(home)): Promise<CaReport> {
  const tls = await ensureLocalTls(dataDir, logger);
  return installInto(tls, stores, logger);
}

async function installInto(tls: LocalTls, stores: TrustStore[], logger: Logger): Promise<CaReport> {
  const reports: StoreReport[] = [];
  const installed = new Set(tls.state.installedIn);
  for (const store of stores) {
    try {
      await store.install(tls.paths.caCert);
      installed.add(store.id);
      reports.push({ id: store.id, label: store.label, status: await store.status(tls.caPem) });
      logger.info('tls.ca-installed', { store: store.id });
    } catch (e) {
      reports.push({ id: store.id, label: store.label, status: 'unavailable', error: errText(e) });
      logger.warn('tls.ca-install-failed', { store: store.id, error: errText(e) });
    }
  }
  await writeTlsState(tls.paths, { ...tls.state, installedIn: [...installed] });
  return { caSha256: tls.state.caSha256, stores: reports };
}

/** Removes every kyso-agent CA from every store, and deletes the local CA certificate and leaf (next start makes new ones). */
export async function uninstallCa(dataDir: string, home: string, logger: Logger, stores: TrustStore[] = trustStores(home)): Promise<CaReport> {
  const paths = tlsPaths(dataDir);
  const state = await readTlsState(paths);
  const sha1s = state ? [state.caSha1, ...state.previousSha1] : [];
  const reports: StoreReport[] = [];
  for (const store of stores) {
    try {
      await store.uninstall(paths.caCert, sha1s);
      reports.push({ id: store.id, label: store.label, status: 'absent' });
      logger.info('tls.ca-uninstalled', { store: store.id });
    } catch (e) {
      reports.push({ id: store.id, label: store.label, status: 'unavailable', error: errText(e) });
    }
  }
  for (const f of [paths.caCert, paths.leafCert, paths.leafKey, paths.state]) await rm(f, { force: true });
  return { caSha256: null, stores: reports };
}

/** Per-store status of the current CA (no CA yet: every store reports absent/unavailable). */
export async function caStatus(dataDir: string, home: string, stores: TrustStore[] = trustStores(home)): Promise<CaReport> {
  const paths = tlsPaths(dataDir);
  const state = await readTlsState(paths);
  let caPem: string | null = null;
  try {
    const { readFile } = await import('node:fs/promises');
    caPem = await readFile(paths.caCert, 'utf8');
  } catch {
    caPem = null;
  }
  const reports: StoreReport[] = [];
  for (const store of stores) {
    try {
      reports.push({ id: store.id, label: store.label, status: caPem ? await store.status(caPem) : 'absent' });
    } catch (e) {
      reports.push({ id: store.id, label: store.label, status: 'unavailable', error: errText(e) });
    }
  }
  return { caSha256: state?.caSha256 ?? null, stores: reports };
}

/**
 * Called by `start`: loads or renews the TLS material; after a renewal the new CA is installed automatically
 * into exactly the stores that held the old one (and nowhere if the CA had never been installed).
 */
export async function prepareTls(dataDir: string, home: string, logger: Logger, stores?: TrustStore[], now: Date = new Date()): Promise<LocalTls> {
  const tls = await ensureLocalTls(dataDir, logger, now);
  const before = tls.previousState?.installedIn ?? [];
  if (tls.issued && before.length > 0) {
    const targets = (stores ?? trustStores(home)).filter((s) => before.includes(s.id));
    logger.info('tls.reinstalling-ca', { stores: targets.length });
    await installInto(tls, targets, logger);
    return { ...tls, state: (await readTlsState(tls.paths)) ?? tls.state };
  }
  return tls;
}
