// HTTP side of a listener: discovery endpoint, POST /v1/rpc, CORS and preflight, mounts, body cap.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { piecesOf, utf8Length, type ConnectionContext, type MessageText } from '../core/index.js';
import { REFUSAL_BODY, SECURITY_HEADERS, checkOrigin, corsAllowed, hostAllowed, printable, selfOrigins, transportError } from './guard.js';
import { BudgetClaim } from './budget.js';
import { TEXT_SLICE, messageOf } from './large-text.js';
import type { ServerRuntime } from './runtime.js';

const RPC_PATH = '/v1/rpc';
const DISCOVERY_PATH = '/.well-known/kyso-agent';

function pathOf(url: string | undefined): string {
  const u = url ?? '/';
  const q = u.indexOf('?');
  return q === -1 ? u : u.slice(0, q);
}

function baseHeaders(res: ServerResponse): void {
  res.sendDate = false;
  for (const [k, v] of SECURITY_HEADERS) res.setHeader(k, v);
}

function sendJson(res: ServerResponse, status: number, body: string, close = false): void {
  const bytes = Buffer.from(body, 'utf8');
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', bytes.length);
  if (close) res.shouldKeepAlive = false;
  res.end(bytes);
}

/**
 * sendJson for an answer that may be large: written piece by piece (a string: slice by slice), each in its own
 * turn, its Content-Length counted without joining it (T22).
 */
async function sendJsonSliced(res: ServerResponse, body: MessageText): Promise<void> {
  if (typeof body === 'string' && body.length <= TEXT_SLICE) return sendJson(res, 200, body);
  res.statusCode = 200;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', await utf8Length(body, (piece) => Buffer.byteLength(piece, 'utf8')));
  for (const piece of piecesOf(body)) {
    if (res.destroyed) return;
    await new Promise<void>((resolve) => res.write(piece, 'utf8', () => resolve()));
  }
  res.end();
}

/** 403 with the same bytes for every refused origin and host (docs/security.md T4). No CORS header: the page cannot read it. */
function refuse(res: ServerResponse): void {
  sendJson(res, 403, REFUSAL_BODY, true);
}

/** Builds the request listener of one listener (TLS or plain) on `port()`. */
export function createHttpHandler(rt: ServerRuntime, scheme: 'https' | 'http', port: () => number) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    baseHeaders(res);
    // The discovery answer is public (name + protocol, or the one refusal): a page's no-cors probe may load it
    // opaquely, which is how the SDK tells "agent there but refusing this origin" from "nothing listening".
    // Set before any check, so every refusal on this path stays byte-identical (docs/security.md T4).
    if (pathOf(req.url) === DISCOVERY_PATH) res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    const p = port();
    if (!hostAllowed(req.headers.host, p)) {
      rt.logger.warn('http.refused', { why: 'host', host: printable(req.headers.host), origin: printable(req.headers.origin) });
      refuse(res);
      return;
    }
    if (rt.closing) {
      sendJson(res, 503, transportError('INTERNAL'), true);
      return;
    }
    const path = pathOf(req.url);
    if (!rt.httpApi) {
      sendJson(res, 404, '{"error":"not found"}');
      return;
    }
    const mount = rt.mounts.find((m) => path.startsWith(m.prefix));
    if (mount) {
      // The agent's own dialog pages: top-level navigations carry no Origin; anything that does must be the agent itself.
      const origin = req.headers.origin;
      if (origin !== undefined && !selfOrigins(scheme, p).has(origin.toLowerCase())) {
        rt.logger.warn('http.refused', { why: 'mount-origin', origin: printable(origin) });
        refuse(res);
        return;
      }
      mount.handle(req, res);
      return;
    }
    const verdict = checkOrigin(req.headers, rt.origins);
    if (!verdict.ok) {
      rt.logger.warn('http.refused', { why: verdict.why, origin: printable(req.headers.origin), path: printable(path) });
      refuse(res);
      return;
    }
    const { origin, cls } = verdict;
    if (corsAllowed(cls)) res.setHeader('Access-Control-Allow-Origin', origin);

    if (path !== RPC_PATH && path !== DISCOVERY_PATH) {
      sendJson(res, 404, '{"error":"not found"}');
      return;
    }
    if (req.method === 'OPTIONS') {
      res.statusCode = 204;
      res.setHeader('Access-Control-Allow-Methods', path === RPC_PATH ? 'POST, OPTIONS' : 'GET, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type');
      // Chrome's Private Network Access / Local Network Access preflight for a public page reaching loopback.
      res.setHeader('Access-Control-Allow-Private-Network', 'true');
      res.setHeader('Access-Control-Max-Age', '600');
      res.end();
      return;
    }
    if (path === DISCOVERY_PATH) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('Allow', 'GET, HEAD, OPTIONS');
        sendJson(res, 405, '{"error":"method not allowed"}');
        return;
      }
      const info: { name: string; protocol: number; version?: string } = { name: 'kyso-agent', protocol: 1 };
      if (cls === 'approved') info.version = rt.version;
      sendJson(res, 200, JSON.stringify(info));
      return;
    }
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST, OPTIONS');
      sendJson(res, 405, '{"error":"method not allowed"}');
      return;
    }
    handleRpc(rt, req, res, origin);
  };
}

/** One JSON-RPC request per POST; the request's AbortSignal follows the client connection. */
function handleRpc(rt: ServerRuntime, req: IncomingMessage, res: ServerResponse, origin: string): void {
  // docs/security.md T22: the origin's approval picks the cap before a byte of the body is read.
  const cap = rt.payloadCap(origin);
  const declared = Number(req.headers['content-length'] ?? '0');
  if (Number.isFinite(declared) && declared > cap) {
    tooLarge(rt, req, res, origin);
    return;
  }
  // docs/security.md T23: a declared body is claimed whole up front, a chunked one as it grows; both within a timeout.
  const claim = new BudgetClaim(rt.budget);
  if (Number.isFinite(declared) && declared > 0 && !claim.resize(declared)) {
    busy(rt, req, res, origin);
    return;
  }
  const timer = setTimeout(() => {
    rt.logger.warn('http.body-timeout', { origin });
    claim.release();
    req.socket.destroy();
  }, rt.limits.messageTimeoutMs);
  timer.unref();
  const finish = (): void => {
    clearTimeout(timer);
    claim.release();
  };
  req.once('close', finish);
  // A declared body is gathered into its own buffer as it arrives (T22: no copy of 85 MiB in one call at the end).
  let gathered = Number.isFinite(declared) && declared > 0 ? Buffer.allocUnsafe(declared) : null;
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  req.on('data', (chunk: Buffer) => {
    if (over) return;
    const at = size;
    size += chunk.length;
    const refuse = size > cap ? tooLarge : size > claim.bytes && !claim.resize(size) ? busy : null;
    if (refuse) {
      over = true;
      chunks.length = 0;
      gathered = null;
      finish();
      refuse(rt, req, res, origin);
      return;
    }
    if (gathered && size <= gathered.length) gathered.set(chunk, at);
    else {
      // More than declared (Node refuses that) or no length given: kept as chunks.
      if (gathered) chunks.push(gathered.subarray(0, at));
      gathered = null;
      chunks.push(chunk);
    }
  });
  req.on('error', () => undefined);
  req.on('end', () => {
    clearTimeout(timer);
    if (over) {
      claim.release();
      return;
    }
    // The body stays counted in flight until the dispatcher has parsed it (docs/security.md T23).
    const release = claim.handOver();
    const controller = rt.controller();
    res.on('close', () => controller.abort());
    const ctx: ConnectionContext = { origin, transport: 'http', signal: controller.signal };
    const body = gathered ? gathered.subarray(0, size) : Buffer.concat(chunks);
    gathered = null;
    chunks.length = 0;
    rt.track(
      // A large body goes to the dispatcher as its (checked) bytes: it is never made one string (T22).
      messageOf(body, true).then(
        (text) => rt.dispatcher.handle(text, ctx, release).finally(release),
        () => {
          release();
          return transportError('PARSE_ERROR');
        },
      ).then(
        (reply) => {
          if (res.writableEnded || res.destroyed) return;
          if (reply === null) {
            res.statusCode = 204;
            res.end();
          } else return sendJsonSliced(res, reply);
        },
        (err: unknown) => {
          rt.logger.error('http.dispatch-failed', { origin, error: err instanceof Error ? err.name : 'unknown' });
          if (!res.writableEnded && !res.destroyed) sendJson(res, 500, transportError('INTERNAL'));
        },
      ),
    );
  });
}

/** 503 with BUSY: the server-wide in-flight budget is full; the client may retry shortly. */
function busy(rt: ServerRuntime, req: IncomingMessage, res: ServerResponse, origin: string): void {
  rt.logger.warn('http.inflight-budget', { origin, inUse: rt.budget.inUse() });
  sendJson(res, 503, transportError('BUSY'), true);
  req.resume();
  const timer = setTimeout(() => req.socket.destroy(), 2_000);
  timer.unref();
  req.socket.once('close', () => clearTimeout(timer));
}

/** 413 with PAYLOAD_TOO_LARGE; the rest of the body is drained briefly so the client can read the answer. */
function tooLarge(rt: ServerRuntime, req: IncomingMessage, res: ServerResponse, origin: string): void {
  rt.logger.warn('http.payload-too-large', { origin });
  sendJson(res, 413, transportError('PAYLOAD_TOO_LARGE'), true);
  req.resume();
  const timer = setTimeout(() => req.socket.destroy(), 2_000);
  timer.unref();
  req.socket.once('close', () => clearTimeout(timer));
}
