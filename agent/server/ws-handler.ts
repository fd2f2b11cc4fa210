// WebSocket side of a listener: checks during the upgrade (before accepting), per-origin cap, messages, notifications.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { ConnectionContext } from '../core/index.js';
import { BudgetClaim } from './budget.js';
import { MAX_HELD } from './refusal-pace.js';
import { gatherLargeFrames } from './frame-gather.js';
import { MessageQueue, handOn, messageOf } from './large-text.js';
import { REFUSAL_BODY, checkOrigin, hostAllowed, printable, rawResponse, transportError } from './guard.js';
import type { ServerRuntime } from './runtime.js';
import type { SocketEndpoint } from './types.js';

/** The JSON-RPC WebSocket of docs/protocol.md. */
export const WS_PATH = '/v1/ws';
const REFUSED = rawResponse(403, REFUSAL_BODY);
const NOT_FOUND = rawResponse(404, '{"error":"not found"}');
const TOO_MANY = rawResponse(429, transportError('RATE_LIMITED'));
const UNAVAILABLE = rawResponse(503, transportError('INTERNAL'));

/** Close code for "message too big" (RFC 6455) and the reason the peer sees with it. */
export const CLOSE_TOO_LARGE = 1009;
export const CLOSE_TOO_LARGE_REASON = 'PAYLOAD_TOO_LARGE';
/** Close code "try again later" (RFC 6455) when the server-wide in-flight budget is full. */
export const CLOSE_BUSY = 1013;
export const CLOSE_BUSY_REASON = 'BUSY';
/** Close code "policy violation": an unfinished message outlived the timeout. */
const CLOSE_POLICY = 1008;

/** Ends the socket under `ws` after its close frame is flushed, and destroys it at once after that. */
function dropAfterClose(ws: WebSocket): void {
  const sock = (ws as unknown as { _socket?: Duplex })._socket;
  if (!sock || sock.destroyed) return;
  sock.once('finish', () => sock.destroy());
  sock.end();
  setTimeout(() => sock.destroy(), 1_000).unref();
}

/**
 * Per connection: whether the budget refused the message being received, how to release its claim (`done`), and
 * how to keep a complete message counted until the dispatcher has parsed it (`handOver`).
 */
const FRAME_STATE = new WeakMap<WebSocket, { busy: boolean; done(): void; handOver(): () => void }>();

function reject(socket: Duplex, bytes: Buffer): void {
  socket.on('error', () => undefined);
  socket.end(bytes);
  setTimeout(() => socket.destroy(), 1_000).unref();
}

/** Owns the ws server (noServer mode) shared by the TLS and plain listeners. */
export class WsGateway {
  readonly wss: WebSocketServer;

  constructor(private readonly rt: ServerRuntime) {
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: rt.limits.maxPayloadBytes,
      perMessageDeflate: false,
      clientTracking: true,
    });
  }

  /** The 'upgrade' listener of one listener on `port()`. Nothing is accepted before Host and Origin pass. */
  upgradeHandler(port: () => number) {
    return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
      const rt = this.rt;
      if (!hostAllowed(req.headers.host, port())) {
        rt.logger.warn('ws.refused', { why: 'host', host: printable(req.headers.host), origin: printable(req.headers.origin) });
        reject(socket, REFUSED);
        return;
      }
      const verdict = checkOrigin(req.headers, rt.origins);
      if (!verdict.ok) {
        rt.logger.warn('ws.refused', { why: verdict.why, origin: printable(req.headers.origin) });
        reject(socket, REFUSED);
        return;
      }
      const url = req.url ?? '/';
      const path = url.includes('?') ? url.slice(0, url.indexOf('?')) : url;
      const endpoint = Object.hasOwn(rt.sockets, path) ? rt.sockets[path] : undefined;
      if (!endpoint) {
        reject(socket, NOT_FOUND);
        return;
      }
      if (rt.closing) {
        reject(socket, UNAVAILABLE);
        return;
      }
      const origin = verdict.origin;
      if ((rt.perOrigin.get(origin) ?? 0) >= rt.limits.maxConnectionsPerOrigin) {
        rt.logger.warn('ws.refused', { why: 'connections-per-origin', origin });
        reject(socket, TOO_MANY);
        return;
      }
      const wait = rt.origins.classify(origin) === 'approved' ? 0 : rt.refusals.delayMs();
      if (wait > 0) {
        if (rt.refusals.held >= MAX_HELD) {
          reject(socket, TOO_MANY);
          return;
        }
        rt.refusals.held++;
        rt.logger.warn('ws.held', { origin, ms: wait });
        setTimeout(() => {
          rt.refusals.held--;
          if (socket.destroyed || rt.closing) {
            socket.destroy();
            return;
          }
          this.accept(req, socket, head, origin, endpoint);
        }, wait).unref();
        return;
      }
      this.accept(req, socket, head, origin, endpoint);
    };
  }

  private accept(req: IncomingMessage, socket: Duplex, head: Buffer, origin: string, endpoint: SocketEndpoint): void {
    const rt = this.rt;
    rt.connectionOpened(origin);
    let counted = true;
    socket.once('close', () => {
      // Covers a handshake that fails inside ws (bad key/version) before 'connection'.
      if (counted) rt.connectionClosed(origin);
      counted = false;
    });
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      ws.once('close', () => {
        if (counted) rt.connectionClosed(origin);
        counted = false;
      });
      this.onConnection(ws, origin, endpoint);
    });
  }

  private onConnection(ws: WebSocket, origin: string, endpoint: SocketEndpoint): void {
    const rt = this.rt;
    const controller = rt.controller();
    // ws closes oversize frames with 1009 and no reason text: give the peer the stable reason too.
    // When the in-flight budget (not the message's own size) refused it, the peer sees 1013 BUSY instead.
    const close = ws.close.bind(ws);
    ws.close = (code?: number, reason?: string | Buffer): void => {
      const state = FRAME_STATE.get(ws);
      if (code === CLOSE_TOO_LARGE && state?.busy) close(CLOSE_BUSY, CLOSE_BUSY_REASON);
      else close(code, code === CLOSE_TOO_LARGE && (reason === undefined || reason.length === 0) ? CLOSE_TOO_LARGE_REASON : reason);
      // A refused message: do not keep reading (and decrypting) the rest of it while waiting for the peer's close
      // frame, which sits behind those megabytes: send ours, end, and drop the socket once it is flushed.
      if (code === CLOSE_TOO_LARGE) dropAfterClose(ws);
    };
    const isOpen = (): boolean => ws.readyState === WebSocket.OPEN;
    // Every message of this connection goes through one queue: a large answer leaves as fragments (T22).
    const out = new MessageQueue((data, fin, done) => ws.send(data, { binary: false, fin }, done), isOpen);
    const ctx: ConnectionContext = {
      origin,
      transport: endpoint.transport,
      signal: controller.signal,
      notify: (message: string) => {
        void out.send(message);
      },
    };
    if (!this.capFrames(ws, origin, ctx, endpoint.maxUnapprovedPayloadBytes) || !gatherLargeFrames((ws as unknown as { _receiver?: unknown })._receiver)) {
      rt.logger.error('ws.receiver-unsupported', { origin });
      ws.terminate();
      return;
    }
    const frames = endpoint.open(ctx);
    let detach: () => void = () => undefined;
    try {
      if (rt.notifications && endpoint.notifications) detach = rt.notifications.attach(ctx);
    } catch (err) {
      rt.logger.error('ws.attach-failed', { origin, error: err instanceof Error ? err.name : 'unknown' });
    }
    rt.logger.info('ws.open', { origin });

    ws.on('message', (data: RawData, isBinary: boolean) => {
      // docs/security.md T23: the message stays counted in flight while it is decoded and parsed, so many large
      // messages sent at once (on one connection or many) are refused BUSY at their header instead of all being worked together.
      const release = FRAME_STATE.get(ws)?.handOver() ?? ((): void => undefined);
      // ws hands over a Buffer (binaryType 'nodebuffer'): use it as is, no copy of a frame of up to 64 MiB.
      const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      // Text frames were UTF-8-checked by ws; binary frames are decoded strictly here. Large ones in slices, or
      // handed over as bytes where the endpoint parses them so (T22).
      rt.track(
        messageOf(buf, isBinary, frames.handleBytes !== undefined).then(
          (message) => handOn(frames, message, release).finally(release).then(
            (reply) => {
              if (reply !== null) return out.send(reply);
            },
            (err: unknown) => {
              rt.logger.error('ws.dispatch-failed', { origin, error: err instanceof Error ? err.name : 'unknown' });
              return out.send(transportError('INTERNAL'));
            },
          ),
          () => {
            release();
            return out.send(transportError('PARSE_ERROR'));
          },
        ),
      );
    });
    ws.on('error', (err: Error & { code?: string }) => {
      rt.logger.warn('ws.error', { origin, code: err.code ?? err.name });
    });
    ws.once('close', (code: number) => {
      FRAME_STATE.get(ws)?.done();
      controller.abort();
      try {
        detach();
      } catch {
        /* a failing detach must not keep the connection counted */
      }
      rt.logger.info('ws.close', { origin, code });
    });
  }

  /**
   * docs/security.md T22/T23: the size a message may reach is decided at each frame header, before its payload is buffered:
   * the origin's current approval picks the cap (tiny until approved), and the declared size is claimed from the
   * server-wide in-flight budget. ws checks `receiver._maxPayload` against the message's declared total at every
   * data frame header; it is replaced here by a getter that makes that decision (ws pinned; the native tests
   * fail if its receiver changes). An unfinished message older than `messageTimeoutMs` closes the connection.
   */
  private capFrames(ws: WebSocket, origin: string, ctx: ConnectionContext, unapprovedCap?: number): boolean {
    const rt = this.rt;
    const receiver = (ws as unknown as { _receiver?: { _maxPayload?: unknown; _totalPayloadLength?: unknown } })._receiver;
    if (!receiver || typeof receiver._maxPayload !== 'number' || typeof receiver._totalPayloadLength !== 'number') return false;
    const claim = new BudgetClaim(rt.budget);
    let timer: NodeJS.Timeout | undefined;
    // ws reads the cap twice when it refuses (`total > max && max > 0`): one decision per frame header, so a refusal
    // is noted once and the budget asked once. Forgotten when the message ends (the next may declare the same size).
    let decided: { declared: number; cap: number } | null = null;
    const state = {
      busy: false,
      handOver: () => {
        decided = null;
        if (timer) clearTimeout(timer);
        timer = undefined;
        return claim.handOver();
      },
      done: () => state.handOver()(),
    };
    FRAME_STATE.set(ws, state);
    Object.defineProperty(receiver, '_maxPayload', {
      configurable: true,
      get(this: { _totalPayloadLength: number }): number {
        const declared = this._totalPayloadLength;
        if (decided?.declared === declared) return decided.cap;
        const cap = rt.payloadCap(origin, ctx, unapprovedCap);
        decided = { declared, cap };
        if (declared > cap) {
          if (cap < rt.limits.maxPayloadBytes) rt.refusals.note();
          return cap;
        }
        // A one-byte message cannot be refused through this cap (0 means "no limit" to ws), nor is it worth it.
        if (!claim.resize(declared) && declared > 1) {
          state.busy = true;
          rt.logger.warn('ws.inflight-budget', { origin, inUse: rt.budget.inUse() });
          decided.cap = declared - 1;
          return decided.cap;
        }
        timer ??= setTimeout(() => {
          rt.logger.warn('ws.message-timeout', { origin });
          ws.close(CLOSE_POLICY, 'TIMEOUT');
          setTimeout(() => ws.terminate(), 1_000).unref();
        }, rt.limits.messageTimeoutMs);
        timer.unref();
        return cap;
      },
    });
    return true;
  }

  /** Close every connection with 1001 (going away). */
  closeAll(): void {
    for (const ws of this.wss.clients) ws.close(1001, 'SHUTDOWN');
  }

  terminateAll(): void {
    for (const ws of this.wss.clients) ws.terminate();
  }
}
