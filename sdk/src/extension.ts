// The companion extension's page channel (docs/extension.md): JSON-RPC relayed by the extension and its native
// host, untouched by Local Network Access. Preferred by connect() when the extension answers.
import { AbortedError, ConnectionLostError, TimeoutError, errorFor, fromWireError, type KysoError } from './errors.js';
import type { RpcNotification, RpcTransport } from './transport.js';

const PAGE = 'page';
const EXTENSION = 'extension';

/** What the extension's content script answers to hello. */
export interface ExtensionPresence {
  version: string;
  relay: number;
}

type Win = Pick<Window, 'postMessage' | 'addEventListener' | 'removeEventListener'> & { location: { origin: string } };
const win = (): Win | undefined => (typeof window === 'undefined' ? undefined : (window as Win));
const target = (w: Win): string => (w.location.origin === 'null' ? '*' : w.location.origin);

function listen(w: Win, fn: (m: Record<string, unknown>) => void): () => void {
  const h = (ev: Event): void => {
    const e = ev as MessageEvent;
    if (e.source !== w || typeof e.data !== 'object' || e.data === null || (e.data as { kysoAgent?: unknown }).kysoAgent !== EXTENSION) return;
    fn(e.data as Record<string, unknown>);
  };
  w.addEventListener('message', h);
  return () => w.removeEventListener('message', h);
}

/** Asks the content script whether the extension is installed; null when nothing answers within `timeoutMs`. */
export function detectExtension(timeoutMs = 250): Promise<ExtensionPresence | null> {
  const w = win();
  if (!w) return Promise.resolve(null);
  const nonce = Math.random().toString(36).slice(2);
  return new Promise((resolve) => {
    const stop = listen(w, (m) => {
      if (m.op !== 'hello' || m.nonce !== nonce) return;
      stop();
      clearTimeout(timer);
      resolve({ version: String(m.version), relay: Number(m.relay) });
    });
    const timer = setTimeout(() => {
      stop();
      resolve(null);
    }, timeoutMs);
    w.postMessage({ kysoAgent: PAGE, op: 'hello', nonce }, target(w));
  });
}

let nextId = 1;

/** JSON-RPC over one extension channel; notifications included, as on the WebSocket. */
export class ExtensionTransport implements RpcTransport {
  readonly kind = 'extension';
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  private ended = false;
  private stop: () => void = () => undefined;

  private constructor(private readonly w: Win, private readonly ch: string, readonly agentVersion: string, private readonly onNotification: (n: RpcNotification) => void, private readonly onClose: () => void) {}

  /** Opens a channel; rejects with the relay's reason (e.g. the host is not registered, or the agent is too old). */
  static open(timeoutMs: number, onNotification: (n: RpcNotification) => void, onClose: () => void): Promise<ExtensionTransport> {
    const w = win();
    if (!w) return Promise.reject(new ConnectionLostError('CONNECTION_LOST', 'no window'));
    const ch = `rpc${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    return new Promise((resolve, reject) => {
      let t: ExtensionTransport | null = null;
      const timer = setTimeout(() => {
        stop();
        reject(new ConnectionLostError('CONNECTION_LOST', 'the extension did not open a channel in time', 0, true));
      }, timeoutMs);
      const stop = listen(w, (m) => {
        if (m.ch !== ch) return;
        if (!t) {
          clearTimeout(timer);
          if (m.op === 'opened') {
            t = new ExtensionTransport(w, ch, String(m.agentVersion ?? ''), onNotification, onClose);
            t.stop = stop;
            resolve(t);
          } else {
            stop();
            reject(new ConnectionLostError('CONNECTION_LOST', `extension relay: ${String(m.reason ?? 'closed')} ${String(m.message ?? '')}`.trim(), 0, true));
          }
          return;
        }
        t.receive(m);
      });
      w.postMessage({ kysoAgent: PAGE, op: 'open', ch, kind: 'rpc' }, target(w));
    });
  }

  get alive(): boolean {
    return !this.ended;
  }

  call(method: string, params: unknown, options: { timeoutMs: number; signal?: AbortSignal }): Promise<unknown> {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      if (this.ended) return reject(new ConnectionLostError('CONNECTION_LOST', 'connection to kyso-agent lost', 0, true));
      const done = (): void => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        this.pending.delete(id);
      };
      const onAbort = (): void => {
        done();
        reject(new AbortedError('ABORTED', `${method} aborted`));
      };
      const timer = setTimeout(() => {
        done();
        reject(new TimeoutError('TIMEOUT', `${method} timed out after ${options.timeoutMs} ms`, 0, true));
      }, options.timeoutMs);
      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener('abort', onAbort);
      this.pending.set(id, { resolve: (v) => (done(), resolve(v)), reject: (e) => (done(), reject(e)) });
      this.w.postMessage({ kysoAgent: PAGE, op: 'send', ch: this.ch, text: JSON.stringify({ jsonrpc: '2.0', id, method, params }) }, target(this.w));
    });
  }

  close(): void {
    if (this.ended) return;
    this.w.postMessage({ kysoAgent: PAGE, op: 'close', ch: this.ch }, target(this.w));
    this.lost();
  }

  private receive(m: Record<string, unknown>): void {
    if (m.op === 'closed') return this.lost(typeof m.reason === 'string' ? m.reason : undefined, typeof m.message === 'string' ? m.message : undefined);
    if (m.op !== 'message' || typeof m.text !== 'string') return;
    let msg: { id?: unknown; method?: unknown; params?: unknown; result?: unknown; error?: unknown };
    try {
      msg = JSON.parse(m.text) as typeof msg;
    } catch {
      return;
    }
    if (typeof msg.id === 'number') {
      const p = this.pending.get(msg.id);
      if (!p) return;
      if (msg.error !== undefined) p.reject(fromWireError(msg.error));
      else p.resolve(msg.result);
    } else if (msg.id === null && msg.error !== undefined) {
      // A relay-level refusal (rate limit, size) without an id: it concerns the oldest call.
      const first = this.pending.values().next();
      if (!first.done) first.value.reject(fromWireError(msg.error));
    } else if (typeof msg.method === 'string') {
      this.onNotification({ method: msg.method, params: msg.params });
    }
  }

  /**
   * The channel ended. The agent closes a stream for a message too large for the origin (`PAYLOAD_TOO_LARGE`) or
   * when its in-flight budget is full (`BUSY`), as it closes a WebSocket with 1009 / 1013: pending calls get that
   * reason. Anything else (QUEUE_FULL, the host gone) is CONNECTION_LOST, with the relay's reason in the message.
   */
  private lost(reason?: string, message?: string): void {
    if (this.ended) return;
    this.ended = true;
    this.stop();
    const error = (): KysoError => (reason === 'PAYLOAD_TOO_LARGE' || reason === 'BUSY'
      ? errorFor(reason, reason === 'BUSY' ? 'kyso-agent is busy, try again' : 'payload too large', -32000, reason === 'BUSY')
      : new ConnectionLostError('CONNECTION_LOST', `connection to kyso-agent lost${reason ? ` (${reason}${message ? `: ${message}` : ''})` : ''}`, 0, true));
    for (const p of this.pending.values()) p.reject(error());
    this.pending.clear();
    this.onClose();
  }
}

