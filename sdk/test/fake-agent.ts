// A fake kyso-agent for SDK unit tests: node:http + ws on 127.0.0.1:0 speaking JSON-RPC like CONTRACT.md.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';

export type Handler = (method: string, params: unknown) => unknown | Promise<unknown>;

/** Thrown by a handler to answer with a JSON-RPC error. */
export class RpcFailure {
  constructor(readonly error: { code: number; message: string; data: Record<string, unknown> }) {}
}

export interface FakeAgentOptions {
  handler: Handler;
  /** Refuse every WebSocket upgrade with 403 (like a browser/agent that blocks WebSockets). */
  refuseWs?: boolean;
  /** Answer the well-known with 403 (origin refused). */
  refuseOrigin?: boolean;
  port?: number;
}

export interface FakeAgent {
  port: number;
  calls: Array<{ method: string; params: unknown; via: 'ws' | 'http' }>;
  sockets: Set<WebSocket>;
  notify(method: string, params: unknown): void;
  close(): Promise<void>;
}

async function answer(handler: Handler, raw: string, via: 'ws' | 'http', calls: FakeAgent['calls']): Promise<string> {
  const req = JSON.parse(raw) as { id: number; method: string; params: unknown };
  calls.push({ method: req.method, params: req.params, via });
  try {
    const result = await handler(req.method, req.params);
    return JSON.stringify({ jsonrpc: '2.0', id: req.id, result });
  } catch (e) {
    if (e instanceof RpcFailure) return JSON.stringify({ jsonrpc: '2.0', id: req.id, error: e.error });
    return JSON.stringify({ jsonrpc: '2.0', id: req.id, error: { code: -32603, message: 'INTERNAL', data: { reason: 'INTERNAL', retriable: false } } });
  }
}

/** Starts the fake agent; `port` 0 picks a free one (pass a previous port to "restart" on it). */
export async function startFakeAgent(o: FakeAgentOptions): Promise<FakeAgent> {
  const calls: FakeAgent['calls'] = [];
  const sockets = new Set<WebSocket>();
  const cors = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': 'Content-Type', 'Access-Control-Allow-Private-Network': 'true' };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'OPTIONS') return void res.writeHead(204, cors).end();
    if (req.method === 'GET' && req.url === '/.well-known/kyso-agent') {
      if (o.refuseOrigin) return void res.writeHead(403).end();
      return void res.writeHead(200, { ...cors, 'Content-Type': 'application/json' }).end(JSON.stringify({ name: 'kyso-agent', protocol: 1, version: '0.1.0-fake' }));
    }
    if (req.method === 'POST' && req.url === '/v1/rpc') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void answer(o.handler, Buffer.concat(chunks).toString('utf8'), 'http', calls).then((body) =>
          res.writeHead(200, { ...cors, 'Content-Type': 'application/json' }).end(body));
      });
      return;
    }
    res.writeHead(404).end();
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    if (o.refuseWs || req.url !== '/v1/ws') {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (data) => {
        void answer(o.handler, data.toString(), 'ws', calls).then((body) => ws.send(body));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(o.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    calls,
    sockets,
    notify(method, params) {
      for (const ws of sockets) ws.send(JSON.stringify({ jsonrpc: '2.0', method, params }));
    },
    async close() {
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
