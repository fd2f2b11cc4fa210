// Test harness for the transport: a real server on loopback with real TLS, the core's origin policy, a stub dispatcher.
import { request as httpsRequest } from 'node:https';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect as tlsConnect } from 'node:tls';
import { connect as netConnect } from 'node:net';
import WebSocket from 'ws';
import type { ConnectionContext, Dispatcher, LogFields, Logger } from '../../agent/core/index.js';
import { OriginAccess, originGate } from '../../agent/core/policy/origins.js';
import { DEFAULT_POLICY, type Policy } from '../../agent/core/policy/policy.js';
import { SettingsCell } from '../../agent/core/settings.js';
import { createAgentServer, type AgentServer, type AgentServerOptions, type ServerLimits } from '../../agent/server/index.js';
import { issueLocalTls } from '../../agent/tls/index.js';

export interface LogLine {
  level: string;
  event: string;
  fields?: LogFields;
}

export function memoryLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const push = (level: string) => (event: string, fields?: LogFields) => void lines.push({ level, event, fields });
  return { lines, info: push('info'), warn: push('warn'), error: push('error') };
}

/** A message as the dispatcher got it, as text (a large one comes as its UTF-8 bytes). */
export const textOf = (raw: string | Uint8Array): string => (typeof raw === 'string' ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.length).toString('utf8'));

/**
 * Answers every request with the origin and transport it came from (and `as: 'bytes'` for a message handed over as
 * its bytes); "slow" waits for the abort signal.
 */
export const echoDispatcher: Dispatcher = {
  async handle(raw: string | Uint8Array, ctx: ConnectionContext): Promise<string | null> {
    let msg: { id?: unknown; method?: unknown };
    try {
      msg = JSON.parse(textOf(raw)) as typeof msg;
    } catch {
      return JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'PARSE_ERROR', data: { reason: 'PARSE_ERROR', retriable: false } } });
    }
    if (msg.method === 'slow') {
      await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
      return JSON.stringify({ jsonrpc: '2.0', id: msg.id ?? null, result: { aborted: ctx.signal.aborted } });
    }
    if (msg.id === undefined) return null;
    return JSON.stringify({ jsonrpc: '2.0', id: msg.id, result: { origin: ctx.origin, transport: ctx.transport, ...(typeof raw === 'string' ? {} : { as: 'bytes' }) } });
  },
};

export const ALLOWED = 'https://portal.example.vn';
export const BLOCKED = 'https://blocked.example.vn';

export interface Harness {
  server: AgentServer;
  tlsPort: number;
  plainPort: number;
  caPem: string;
  logger: ReturnType<typeof memoryLogger>;
  access: OriginAccess;
}

export async function startHarness(opts: { dispatcher?: Dispatcher; policy?: Partial<Policy>; limits?: Partial<ServerLimits>; sockets?: AgentServerOptions['sockets'] } = {}): Promise<Harness> {
  const tls = await issueLocalTls();
  const logger = memoryLogger();
  const policy: Policy = { ...structuredClone(DEFAULT_POLICY) as Policy, allowedOrigins: [ALLOWED], blockedOrigins: [BLOCKED], ...opts.policy };
  const access = new OriginAccess(policy, SettingsCell.inMemory(), { now: () => new Date() });
  const server = createAgentServer({
    dispatcher: opts.dispatcher ?? echoDispatcher,
    origins: originGate(access, () => policy.allowPairing),
    logger,
    version: '0.0.0-test',
    tls: { port: 0, credentials: { key: tls.leafKeyPem, cert: tls.leafPem } },
    plain: { port: 0 },
    limits: opts.limits,
    ...(opts.sockets ? { sockets: opts.sockets } : {}),
  });
  const ports = await server.start();
  return { server, tlsPort: ports.tlsPort!, plainPort: ports.plainPort!, caPem: tls.caPem, logger, access };
}

export interface HttpReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One HTTP(S) request with exactly the headers given (no automatic Host beyond what we set). */
export function httpCall(h: Harness, scheme: 'https' | 'http', method: string, path: string, headers: Record<string, string>, body?: string | Buffer): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const port = scheme === 'https' ? h.tlsPort : h.plainPort;
    const fn = scheme === 'https' ? httpsRequest : httpRequest;
    const req = fn({ host: '127.0.0.1', port, method, path, headers, ca: h.caPem, servername: 'localhost', agent: false, setHost: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Sends raw bytes and returns every byte the server sent before closing (to compare refusals byte for byte). */
export function rawExchange(h: Harness, scheme: 'https' | 'http', text: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const port = scheme === 'https' ? h.tlsPort : h.plainPort;
    const chunks: Buffer[] = [];
    const sock = scheme === 'https' ? tlsConnect({ host: '127.0.0.1', port, ca: h.caPem, servername: 'localhost' }) : netConnect({ host: '127.0.0.1', port });
    sock.once(scheme === 'https' ? 'secureConnect' : 'connect', () => sock.write(text));
    sock.on('data', (c: Buffer) => chunks.push(c));
    sock.on('close', () => resolve(Buffer.concat(chunks)));
    sock.on('error', reject);
    setTimeout(() => sock.destroy(), 3_000).unref();
  });
}

export type WsOutcome = { opened: true; ws: WebSocket } | { opened: false; status: number; body: string };

/** Tries a WebSocket upgrade with the given headers; resolves with the open socket or the refusal. */
export function wsTry(h: Harness, scheme: 'wss' | 'ws', headers: Record<string, string>, path = '/v1/ws'): Promise<WsOutcome> {
  const port = scheme === 'wss' ? h.tlsPort : h.plainPort;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${scheme}://127.0.0.1:${port}${path}`, {
      headers,
      ca: h.caPem,
      perMessageDeflate: false,
    });
    ws.on('open', () => resolve({ opened: true, ws }));
    ws.on('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ opened: false, status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    ws.on('error', (e) => reject(e));
  });
}

/** Sends one JSON-RPC text and waits for the reply with that id. */
export function wsCall(ws: WebSocket, message: string, id: unknown): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const onMessage = (data: WebSocket.RawData): void => {
      const msg = JSON.parse(data.toString()) as Record<string, unknown>;
      if (msg.id === id) {
        ws.off('message', onMessage);
        resolve(msg);
      }
    };
    ws.on('message', onMessage);
    ws.once('close', () => reject(new Error('closed')));
    ws.send(message);
  });
}
