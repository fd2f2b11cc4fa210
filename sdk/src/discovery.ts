// Finds the agent: CORS probes of /.well-known/kyso-agent on the TLS and plain ports, and, when they fail,
// works out why (not installed, local network permission, untrusted certificate, origin refused).
import { AgentUnavailableError, errorFor } from './errors.js';
import type { KysoError, UnavailableHint } from './errors.js';
import type { FetchFunction } from './transport.js';

/** What `/.well-known/kyso-agent` answers. */
export interface WellKnown {
  name: 'kyso-agent';
  protocol: number;
  version?: string;
}

/** Where the agent was found. */
export interface Endpoint {
  port: number;
  secure: boolean;
  /** `https://127.0.0.1:14433` or `http://127.0.0.1:14434`. */
  base: string;
  wellKnown: WellKnown;
  /** The TLS port failed but the plain port answered (usually: the per-machine CA is not trusted by this browser). */
  tlsFailed: boolean;
}

export interface DiscoveryOptions {
  tlsPort: number | null;
  plainPort: number | null;
  /** Budget for the whole presence check when nothing answers (default 1200 ms). */
  probeTimeoutMs: number;
  /** Budget when the browser is showing its Local Network Access prompt (default 60 s). */
  promptTimeoutMs: number;
  allowPlain: boolean;
  /**
   * A port that accepted the connection but did not answer within the budget is something listening, maybe an
   * agent on a busy machine: probe it again with this longer budget (0: don't, as in `detect()`).
   */
  slowRetryMs: number;
  fetch: FetchFunction;
}

type Probe =
  | { kind: 'ok'; wellKnown: WellKnown }
  | { kind: 'status'; status: number }
  | { kind: 'network'; error: unknown }
  | { kind: 'timeout' }
  | { kind: 'skipped' };

const LNA_PERMISSIONS = ['local-network-access', 'loopback-network', 'local-network'];

/** The browser's Local Network Access permission state, when it has one ('granted' | 'denied' | 'prompt'). */
async function lnaState(): Promise<string | undefined> {
  const perms = (globalThis as { navigator?: { permissions?: { query(d: { name: string }): Promise<{ state: string }> } } }).navigator?.permissions;
  if (!perms) return undefined;
  const states = await Promise.all(LNA_PERMISSIONS.map((name) => perms.query({ name }).then((s) => s.state, () => undefined)));
  return states.find((s) => s === 'denied') ?? states.find((s) => s === 'prompt') ?? states.find((s) => s !== undefined);
}

function withTimeout<T>(p: Promise<T>, ms: number, fallback: T): Promise<T> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(fallback), ms);
    p.then((v) => {
      clearTimeout(t);
      resolve(v);
    }, () => {
      clearTimeout(t);
      resolve(fallback);
    });
  });
}

async function probe(fetchFn: FetchFunction, url: string | null, timeoutMs: number, mode: RequestMode): Promise<Probe> {
  if (url === null) return { kind: 'skipped' };
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), Math.max(1, timeoutMs));
  try {
    const res = await fetchFn(url, { mode, credentials: 'omit', cache: 'no-store', signal: controller.signal });
    if (mode === 'no-cors') return { kind: 'status', status: res.status };
    if (!res.ok) return { kind: 'status', status: res.status };
    const body = (await res.json()) as Partial<WellKnown>;
    if (body.name !== 'kyso-agent' || typeof body.protocol !== 'number') return { kind: 'status', status: 0 };
    return { kind: 'ok', wellKnown: body as WellKnown };
  } catch (error) {
    return controller.signal.aborted ? { kind: 'timeout' } : { kind: 'network', error };
  } finally {
    clearTimeout(timer);
  }
}

/** A browser's error text or name that points at Local Network Access / Private Network Access blocking. */
function looksLikeLnaBlock(p: Probe): boolean {
  if (p.kind !== 'network') return false;
  const e = p.error as { name?: unknown; message?: unknown } | null;
  const text = `${String(e?.name ?? '')} ${String(e?.message ?? '')}`;
  return /NotAllowedError|SecurityError|local network|private network|address space|loopback|permission/i.test(text);
}

/**
 * Probes both ports in parallel and returns where the agent is. Throws AgentUnavailableError (with a hint) or
 * OriginNotAllowedError when the agent is there but refuses this page's origin.
 */
export async function discover(o: DiscoveryOptions): Promise<Endpoint> {
  const started = Date.now();
  const state = await withTimeout(lnaState(), 150, undefined);
  // While the permission prompt is up, the browser holds the request until the user answers.
  const budget = state === 'prompt' ? o.promptTimeoutMs : o.probeTimeoutMs;
  const tlsBase = o.tlsPort === null ? null : `https://127.0.0.1:${o.tlsPort}`;
  const plainBase = o.plainPort === null ? null : `http://127.0.0.1:${o.plainPort}`;
  const path = '/.well-known/kyso-agent';
  let [tls, plain] = await Promise.all([
    probe(o.fetch, tlsBase && tlsBase + path, budget, 'cors'),
    probe(o.fetch, plainBase && plainBase + path, budget, 'cors'),
  ]);
  if (o.slowRetryMs > 0 && tls.kind !== 'ok' && plain.kind !== 'ok' && (tls.kind === 'timeout' || plain.kind === 'timeout')) {
    // Refused ports fail at once, so an absent agent never gets here: only a slow listener does.
    [tls, plain] = await Promise.all([
      tls.kind === 'timeout' ? probe(o.fetch, tlsBase && tlsBase + path, o.slowRetryMs, 'cors') : Promise.resolve(tls),
      plain.kind === 'timeout' ? probe(o.fetch, plainBase && plainBase + path, o.slowRetryMs, 'cors') : Promise.resolve(plain),
    ]);
  }
  if (tls.kind === 'ok') return { port: o.tlsPort!, secure: true, base: tlsBase!, wellKnown: tls.wellKnown, tlsFailed: false };
  if (plain.kind === 'ok' && o.allowPlain) return { port: o.plainPort!, secure: false, base: plainBase!, wellKnown: plain.wellKnown, tlsFailed: tls.kind !== 'skipped' };
  if (tls.kind === 'status' && tls.status === 403) throw originRefused();
  if (plain.kind === 'status' && plain.status === 403) throw originRefused();

  // A CORS failure and a refused connection look the same to a page; a no-cors request tells them apart.
  const left = Math.max(100, budget - (Date.now() - started));
  const [tlsOpaque, plainOpaque] = await Promise.all([
    tls.kind === 'network' ? probe(o.fetch, tlsBase && tlsBase + path, left, 'no-cors') : Promise.resolve<Probe>({ kind: 'skipped' }),
    plain.kind === 'network' ? probe(o.fetch, plainBase && plainBase + path, left, 'no-cors') : Promise.resolve<Probe>({ kind: 'skipped' }),
  ]);
  if (tlsOpaque.kind === 'status') throw originRefused();
  if (plain.kind === 'ok' || plainOpaque.kind === 'status') {
    // The agent answers on the plain port but not over TLS: the browser does not trust its certificate
    // (or the page disallowed plain). Either way the fix is `kyso-agent ca install`.
    if (tls.kind === 'network' || !o.allowPlain) throw unavailable('certificateNotTrusted');
    throw originRefused();
  }
  // Chrome reports 'prompt' until it has asked; a denial (by the user, or automatically where no prompt can be
  // shown) turns it into 'denied' only after our probes, and the fetch error itself says nothing. So ask again.
  const after = state === 'denied' ? state : await withTimeout(lnaState(), 150, undefined);
  if (after === 'denied' || looksLikeLnaBlock(tls) || looksLikeLnaBlock(plain)) throw unavailable('localNetworkBlocked');
  throw unavailable('notInstalled');
}

function unavailable(hint: UnavailableHint): AgentUnavailableError {
  const messages: Record<UnavailableHint, string> = {
    notInstalled: 'kyso-agent is not running on this computer',
    localNetworkBlocked: 'the browser blocked access to the local network (Local Network Access permission)',
    certificateNotTrusted: 'the browser does not trust the kyso-agent certificate (run: kyso-agent ca install)',
  };
  return new AgentUnavailableError(hint, messages[hint]);
}

function originRefused(): KysoError {
  return errorFor('ORIGIN_NOT_ALLOWED', 'kyso-agent does not accept requests from this origin', -32000, false);
}
