// MAIN-world shim, injected at document_start: `new WebSocket('wss://localhost:4433/plugin')` (ports 4433–4435,
// also 127.0.0.1) — what the VNPT-CA Plugin page script opens — becomes a socket relayed through the extension to
// the agent's VNPT session logic. Every other URL gets the browser's own WebSocket, untouched (docs/security.md T18).
import { EXTENSION, PAGE } from './page-channel.js';

/** The only URLs the shim takes: the plugin's own endpoints on loopback. */
export function isPluginUrl(raw: unknown, base: string): boolean {
  let u: URL;
  try {
    u = new URL(String(raw), base);
  } catch {
    return false;
  }
  return u.protocol === 'wss:' && (u.hostname === 'localhost' || u.hostname === '127.0.0.1') && ['4433', '4434', '4435'].includes(u.port)
    && u.pathname === '/plugin' && u.search === '' && u.username === '' && u.password === '';
}

(() => {
  const Native = window.WebSocket;
  if (!Native || (Native as unknown as { __kysoShim?: boolean }).__kysoShim) return;
  const post = (m: object): void => window.postMessage({ kysoAgent: PAGE, ...m }, window.location.origin === 'null' ? '*' : window.location.origin);
  let seq = 0;

  /** The relayed socket: same constants, events, handlers and readyState steps as a WebSocket. */
  class RelayedSocket extends EventTarget {
    static readonly CONNECTING = 0;
    static readonly OPEN = 1;
    static readonly CLOSING = 2;
    static readonly CLOSED = 3;
    readonly CONNECTING = 0;
    readonly OPEN = 1;
    readonly CLOSING = 2;
    readonly CLOSED = 3;
    readonly url: string;
    readonly protocol = '';
    readonly extensions = '';
    readonly bufferedAmount = 0;
    binaryType: BinaryType = 'blob';
    readyState = 0;
    onopen: ((ev: Event) => unknown) | null = null;
    onmessage: ((ev: MessageEvent) => unknown) | null = null;
    onerror: ((ev: Event) => unknown) | null = null;
    onclose: ((ev: CloseEvent) => unknown) | null = null;
    private readonly ch = `vnpt${Date.now().toString(36)}${(seq++).toString(36)}`;
    private fallback: WebSocket | null = null;

    constructor(url: string, private readonly protocols?: string | string[]) {
      super();
      this.url = new URL(url, window.location.href).href;
      const onMessage = (event: MessageEvent): void => {
        if (event.source !== window) return;
        const m = event.data as { kysoAgent?: string; op?: string; ch?: string; text?: string; reason?: string };
        if (m?.kysoAgent !== EXTENSION || m.ch !== this.ch) return;
        if (m.op === 'opened' && this.readyState === 0) {
          this.readyState = 1;
          this.fire(new Event('open'));
        } else if (m.op === 'message' && this.readyState === 1 && typeof m.text === 'string') {
          this.fire(new MessageEvent('message', { data: m.text, origin: new URL(this.url).origin }));
        } else if (m.op === 'closed') {
          window.removeEventListener('message', onMessage);
          // No agent through the extension (host not registered): let the browser try the real plugin, as
          // it would without the extension.
          if (this.readyState === 0 && m.reason === 'AGENT_UNAVAILABLE') return this.useNative();
          this.finish(this.readyState === 0 ? 1006 : 1000, this.readyState === 0);
        }
      };
      window.addEventListener('message', onMessage);
      post({ op: 'open', ch: this.ch, kind: 'vnpt' });
    }

    send(data: unknown): void {
      if (this.fallback) return this.fallback.send(data as string);
      if (this.readyState === 0) throw new DOMException("Failed to execute 'send' on 'WebSocket': Still in CONNECTING state.", 'InvalidStateError');
      if (this.readyState !== 1) return;
      post({ op: 'send', ch: this.ch, text: typeof data === 'string' ? data : String(data) });
    }

    close(code = 1000, reason = ''): void {
      if (this.fallback) return this.fallback.close(code, reason);
      if (this.readyState >= 2) return;
      post({ op: 'close', ch: this.ch });
      this.readyState = 2;
      setTimeout(() => this.finish(code, false, reason), 0);
    }

    private useNative(): void {
      const ws = this.protocols === undefined ? new Native(this.url) : new Native(this.url, this.protocols);
      this.fallback = ws;
      const relay = (type: string) => ws.addEventListener(type, (ev) => {
        this.readyState = ws.readyState;
        const copy = type === 'message' ? new MessageEvent('message', { data: (ev as MessageEvent).data, origin: (ev as MessageEvent).origin })
          : type === 'close' ? new CloseEvent('close', { code: (ev as CloseEvent).code, reason: (ev as CloseEvent).reason, wasClean: (ev as CloseEvent).wasClean })
            : new Event(type);
        this.fire(copy);
      });
      ['open', 'message', 'error', 'close'].forEach(relay);
    }

    private finish(code: number, failed: boolean, reason = ''): void {
      if (this.readyState === 3) return;
      this.readyState = 3;
      if (failed) this.fire(new Event('error'));
      this.fire(new CloseEvent('close', { code, reason, wasClean: !failed }));
    }

    private fire(ev: Event): void {
      const handler = (this as unknown as Record<string, unknown>)[`on${ev.type}`];
      if (typeof handler === 'function') {
        try {
          (handler as (e: Event) => unknown).call(this, ev);
        } catch (e) {
          setTimeout(() => {
            throw e;
          });
        }
      }
      this.dispatchEvent(ev);
    }
  }
  // `instanceof WebSocket` holds for relayed sockets too (portals sometimes check it).
  Object.setPrototypeOf(RelayedSocket.prototype, Native.prototype);

  // A Proxy keeps the browser's constructor itself for every other URL: same prototype, statics, name and
  // native toString; the objects it returns are the browser's own.
  const Shimmed: typeof WebSocket = new Proxy(Native, {
    construct(target, args: unknown[], newTarget): object {
      if (isPluginUrl(args[0], window.location.href)) return new RelayedSocket(String(args[0]), args[1] as string | string[] | undefined);
      return Reflect.construct(target, args, newTarget === Shimmed ? target : newTarget) as object;
    },
    get(target, key, receiver) {
      if (key === '__kysoShim') return true;
      return Reflect.get(target, key, receiver === Shimmed ? target : receiver) as unknown;
    },
  });
  Object.defineProperty(window, 'WebSocket', { value: Shimmed, writable: true, configurable: true, enumerable: false });
})();
