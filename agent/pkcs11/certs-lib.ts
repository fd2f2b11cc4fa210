// agent/certs (and @peculiar/x509 + reflect-metadata behind it), loaded when the first token is read, not at start.
import type * as CertsLib from '../certs/index.js';

export type Certs = typeof CertsLib;

let lib: Certs | undefined;
let loading: Promise<Certs> | undefined;

/**
 * Loads the certificate parser once. Scans await it before reading tokens, so an agent with no request yet
 * (and `kyso-agent start` before its ready line) does not pay ~100 ms and several MB for the X.509 library.
 */
export function loadCertsLib(): Promise<Certs> {
  if (lib) return Promise.resolve(lib);
  loading ??= import('../certs/index.js').then((m) => (lib = m));
  return loading;
}

/** True once loaded (lets hot paths skip an await). */
export function certsLibLoaded(): boolean {
  return lib !== undefined;
}

/** The loaded parser. Only called on paths that run after {@link loadCertsLib} resolved (inside a scan). */
export function certsLib(): Certs {
  if (!lib) throw new Error('agent/certs used before loadCertsLib()');
  return lib;
}
