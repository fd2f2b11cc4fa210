// The two ways to carry JSON-RPC to the agent: a WebSocket (with notifications) and POST /v1/rpc (fallback).
import { AbortedError, ConnectionLostError, KysoError, TimeoutError, errorFor, fromWireError } from './errors.js';

/** The part of the DOM WebSocket the SDK uses (the `ws` package's class fits too). */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;
export type FetchFunction = (input: string, init?: RequestInit) => Promise<Response>;

/** A JSON-RPC notification (no id) from the agent. */
export interface RpcNotification {
  method: string;
  params: unknown;
}

export interface CallOptions {
  /** Reject with TimeoutError after this many milliseconds. */
  timeoutMs?: number;
  /** Reject with AbortedError when this fires (the agent may still finish the operation). */
  signal?: AbortSignal;
}

export interface RpcTransport {
  readonly kind: 'ws' | 'http' | 'extension';
  /** False once the connection is known to be gone; the client then reconnects on the next call. */
  readonly alive: boolean;
  call(method: string, params: unknown, options: Required<Pick<CallOptions, 'timeoutMs'>> & CallOptions): Promise<unknown>;
  close(): void;
}

/** Runs `start(done)` with a timeout and an optional AbortSignal; `cleanup` runs whichever way it ends. */
function guarded<T>(
  method: string,
  options: { timeoutMs: number; signal?: AbortSignal },
  start: (resolve: (v: T) => void, reject: (e: unknown) => void) => void,
  cleanup: () => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      cleanup();
      fn();
    };
    const onAbort = (): void => finish(() => reject(new AbortedError('ABORTED', `${method} aborted`)));
    const timer = setTimeout(
      () => finish(() => reject(new TimeoutError('TIMEOUT', `${method} timed out after ${options.timeoutMs} ms`, 0, true))),
      options.timeoutMs,
    );
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort);
    start((v) => finish(() => resolve(v)), (e) => finish(() => reject(e)));
  });
}

let nextId = 1;

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/** JSON-RPC over one WebSocket. Open it with `WsTransport.open`. */
export class WsTransport implements RpcTransport {
  readonly kind = 'ws';
  private readonly socket: WebSocketLike;
  private readonly pending = new Map<number, Pending>();
  private closed = false;
  private ended = false;

  private constructor(socket: WebSocketLike, private readonly onNotification: (n: RpcNotification) => void, private readonly onClose: () => void) {
    this.socket = socket;
    socket.onmessage = (ev) => this.receive(ev.data);
    socket.onerror = () => undefined; // the close event that follows does the work
    socket.onclose = () => this.lost();
  }

  /**
   * Opens the socket; rejects if the upgrade is refused, the socket closes during the handshake or nothing
   * happens within `timeoutMs` (the caller then falls back to HTTP).
   */
  static open(url: string, Ctor: WebSocketConstructor, timeoutMs: number, onNotification: (n: RpcNotification) => void, onClose: () => void): Promise<WsTransport> {
    return new Promise((resolve, reject) => {
      let socket: WebSocketLike;
      try {
        socket = new Ctor(url);
      } catch (e) {
        reject(e);
        return;
      }
      const fail = (why: string): void => {
        clearTimeout(timer);
        socket.onopen = socket.onerror = socket.onclose = null;
        try {
          socket.close();
        } catch {
          // already closed
        }
        reject(new ConnectionLostError('CONNECTION_LOST', `WebSocket handshake failed (${why})`, 0, true));
      };
      const timer = setTimeout(() => fail('timeout'), timeoutMs);
      socket.onopen = () => {
        clearTimeout(timer);
        resolve(new WsTransport(socket, onNotification, onClose));
      };
      socket.onerror = () => fail('error');
      socket.onclose = () => fail('closed');
    });
  }

  get alive(): boolean {
    return !this.closed && this.socket.readyState === 1;
  }

  call(method: string, params: unknown, options: { timeoutMs: number; signal?: AbortSignal }): Promise<unknown> {
    const id = nextId++;
    return guarded(method, options, (resolve, reject) => {
      if (!this.alive) return reject(new ConnectionLostError('CONNECTION_LOST', 'connection to kyso-agent lost', 0, true));
      this.pending.set(id, { resolve, reject });
      this.socket.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    }, () => this.pending.delete(id));
  }

  close(): void {
    this.closed = true;
    try {
      this.socket.close(1000);
    } catch {
      // already closed
    }
    this.lost();
  }

  private receive(data: unknown): void {
    let msg: { id?: unknown; method?: unknown; params?: unknown; result?: unknown; error?: unknown };
    try {
      const text = typeof data === 'string' ? data : new TextDecoder().decode(data as Uint8Array);
      msg = JSON.parse(text) as typeof msg;
    } catch {
      return; // not JSON: ignore, the agent never sends that
    }
    if (typeof msg.id === 'number') {
      const p = this.pending.get(msg.id);
      if (!p) return;
      if (msg.error !== undefined) p.reject(fromWireError(msg.error));
      else p.resolve(msg.result);
    } else if (typeof msg.method === 'string') {
      this.onNotification({ method: msg.method, params: msg.params });
    }
  }

  private lost(): void {
    if (this.ended) return;
    this.ended = true;
    this.closed = true;
    for (const p of this.pending.values()) p.reject(new ConnectionLostError('CONNECTION_LOST', 'connection to kyso-agent lost', 0, true));
    this.pending.clear();
    this.socket.onclose = this.socket.onmessage = null;
    this.onClose();
  }
}

/** One POST /v1/rpc per call; no notifications. */
export class HttpTransport implements RpcTransport {
  readonly kind = 'http';
  private dead = false;

  constructor(private readonly url: string, private readonly fetchFn: FetchFunction) {}

  get alive(): boolean {
    return !this.dead;
  }

  call(method: string, params: unknown, options: { timeoutMs: number; signal?: AbortSignal }): Promise<unknown> {
    const controller = new AbortController();
    return guarded(method, options, (resolve, reject) => {
      const body = JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params });
      this.fetchFn(this.url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body, signal: controller.signal, credentials: 'omit' })
        .then(async (res) => {
          const text = await res.text();
          let msg: { result?: unknown; error?: unknown } | undefined;
          try {
            msg = JSON.parse(text) as typeof msg;
          } catch {
            msg = undefined;
          }
          if (msg && msg.error !== undefined) return reject(fromWireError(msg.error));
          if (msg && 'result' in msg && res.ok) return resolve(msg.result);
          reject(httpStatusError(res.status));
        })
        .catch((e: unknown) => {
          if (e instanceof KysoError) return reject(e);
          this.dead = true;
          reject(new ConnectionLostError('CONNECTION_LOST', 'connection to kyso-agent lost', 0, true));
        });
    }, () => controller.abort());
  }

  close(): void {
    this.dead = true;
  }
}

function httpStatusError(status: number): KysoError {
  if (status === 403) return errorFor('ORIGIN_NOT_ALLOWED', 'this origin is not allowed by kyso-agent', -32000, false);
  if (status === 413) return errorFor('PAYLOAD_TOO_LARGE', 'payload too large', -32000, false);
  if (status === 429) return errorFor('RATE_LIMITED', 'rate limited', -32000, true);
  return errorFor('INTERNAL', `unexpected HTTP ${status}`, -32603, false);
}
