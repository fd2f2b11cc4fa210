// Bounded http(s) fetches for OCSP, CRL and caIssuers: scheme, address, size and time checked (T19, docs/trust.md).
import { lookup as dnsLookup } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isNonPublicAddress } from './address.js';

export interface FetchLimits {
  /** Whole request, connect to last byte. */
  timeoutMs: number;
  maxBytes: number;
  /** Policy trust.fetchPrivateAddresses: loopback/private/link-local targets allowed (tests, closed networks). */
  allowPrivate: boolean;
}

export type FetchOutcome =
  | { ok: true; body: Uint8Array; contentType: string }
  | { ok: false; refused: boolean; why: string };

export interface FetchRequest {
  url: string;
  method: 'GET' | 'POST';
  body?: Uint8Array;
  contentType?: string;
  accept?: string;
  signal?: AbortSignal;
}

/** The network as the status service sees it (tests substitute counting fakes). */
export type Fetch = (request: FetchRequest, limits: FetchLimits) => Promise<FetchOutcome>;

/** Checks a URL before any socket: http(s) only, no credentials, no private address literal unless allowed. */
export function checkUrl(text: string, allowPrivate: boolean): { ok: true; url: URL } | { ok: false; why: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, why: 'not a URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, why: `scheme ${url.protocol} is not fetched (http and https only)` };
  if (url.username || url.password) return { ok: false, why: 'URLs with credentials are not fetched' };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && !allowPrivate && isNonPublicAddress(host)) return { ok: false, why: `${host} is a loopback, private or link-local address` };
  if (!allowPrivate && /^(localhost|.*\.localhost|.*\.local|.*\.internal)$/i.test(host)) return { ok: false, why: `${host} names a local host` };
  return { ok: true, url };
}

/** How names become addresses: node's resolver (getaddrinfo); tests give a fixed table. */
export type Resolve = (hostname: string, callback: (err: Error | null, addresses: Array<{ address: string; family: number }>) => void) => void;

const systemResolve: Resolve = (hostname, callback) => {
  dnsLookup(hostname, { all: true }, (err, addresses) => callback(err, addresses ?? []));
};

/**
 * DNS lookup that refuses a name when ANY address it resolves to is non-public (the socket then connects to the
 * checked address itself, so a second answer — DNS rebinding — cannot swap it).
 */
export function guardedLookup(allowPrivate: boolean, resolve: Resolve = systemResolve): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const list = addresses;
      const bad = list.find((a) => isNonPublicAddress(a.address));
      if (!allowPrivate && bad) return callback(Object.assign(new Error(`${hostname} resolves to ${bad.address}, a non-public address`), { code: 'KYSO_REFUSED' }), '', 0);
      const first = list[0];
      if (!first) return callback(new Error(`${hostname} has no address`), '', 0);
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: typeof list) => void)(null, list.slice(0, 1));
      callback(null, first.address, first.family);
    });
  };
}

/**
 * The real network: one request, no cookies, no proxy, and no redirects — a 3xx is an answer we do not use, so a
 * responder can never steer us to an address the guard would have refused.
 */
export const nodeFetch: Fetch = createNodeFetch();

export function createNodeFetch(resolve: Resolve = systemResolve): Fetch {
  return (req, limits) => fetchOnce(req, limits, resolve);
}

function fetchOnce(req: FetchRequest, limits: FetchLimits, resolveName: Resolve): Promise<FetchOutcome> {
  const checked = checkUrl(req.url, limits.allowPrivate);
  if (!checked.ok) return Promise.resolve({ ok: false, refused: true, why: checked.why });
  const url = checked.url;
  return new Promise<FetchOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: FetchOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
      resolve(outcome);
      if (!outcome.ok) client.destroy();
    };
    const headers: Record<string, string> = { 'user-agent': 'kyso-agent', accept: req.accept ?? '*/*', connection: 'close' };
    if (req.body) {
      headers['content-type'] = req.contentType ?? 'application/octet-stream';
      headers['content-length'] = String(req.body.length);
    }
    const make = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const client = make(url, { method: req.method, headers, lookup: guardedLookup(limits.allowPrivate, resolveName), agent: false }, (res: IncomingMessage) => {
      if (res.statusCode !== 200) return finish({ ok: false, refused: false, why: `HTTP ${res.statusCode ?? '?'}` });
      const declared = Number(res.headers['content-length'] ?? NaN);
      if (declared > limits.maxBytes) return finish({ ok: false, refused: false, why: `response larger than ${limits.maxBytes} bytes` });
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limits.maxBytes) return finish({ ok: false, refused: false, why: `response larger than ${limits.maxBytes} bytes` });
        chunks.push(chunk);
      });
      res.on('end', () => finish({ ok: true, body: new Uint8Array(Buffer.concat(chunks)), contentType: String(res.headers['content-type'] ?? '') }));
      res.on('error', (e) => finish({ ok: false, refused: false, why: e.message }));
    });
    client.on('error', (e: NodeJS.ErrnoException) => finish({ ok: false, refused: e.code === 'KYSO_REFUSED', why: e.code === 'KYSO_REFUSED' ? e.message : `unreachable (${e.code ?? e.message})` }));
    const timer = setTimeout(() => finish({ ok: false, refused: false, why: `no answer within ${limits.timeoutMs} ms` }), limits.timeoutMs);
    const onAbort = (): void => finish({ ok: false, refused: false, why: 'cancelled' });
    req.signal?.addEventListener('abort', onAbort, { once: true });
    client.end(req.body ? Buffer.from(req.body) : undefined);
  });
}
