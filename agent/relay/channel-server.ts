// The agent's end of the relay: a per-user local channel (Unix socket / named pipe) where the native host brings
// page channels from the extension. Each stream is a connection of its own to the SAME dispatcher (JSON-RPC) or
// VNPT session logic, with the origin the browser gave the extension — same policy, dialogs, limits and log.
import { createServer, type Server, type Socket } from 'node:net';
import { AgentError, toWireError, type ConnectionContext, type Logger } from '../core/index.js';
import {
  MAX_RELAY_STREAMS, MAX_RELAY_TEXT_BYTES, MAX_STREAM_INFLIGHT, RELAY_PROTOCOL, readRelayMessage, versionMismatchText,
  type RelayMessage, type RelayReason, type StreamKind,
} from '../core/protocol/relay.js';
import { channelLocation, type ChannelLocation } from './channel-path.js';
import { FrameDecoder, FrameTooLarge, encodeFrame } from './framing.js';
import { sameKey } from './private-dir.js';
import { claimChannel, closeChannel, listenPrivate } from './private-channel.js';

/** The origin policy as the relay needs it (the composition root passes the transport's gate). */
export interface RelayOriginGate {
  normalise(raw: string): string | null;
  classify(origin: string): 'blocked' | 'approved' | 'pairable' | 'unknown';
}

export interface RelayStreamHandler {
  handle(text: string): Promise<string | null>;
}

export interface RelayChannelOptions {
  dataDir: string;
  version: string;
  logger: Logger;
  origins: RelayOriginGate;
  /** A new connection of `kind` for `ctx` (JSON-RPC over the dispatcher, or a VNPT session). */
  open(kind: StreamKind, ctx: ConnectionContext): RelayStreamHandler;
  /** tokens.changed for JSON-RPC streams (the dispatcher's attach). Returns detach. */
  attach?(ctx: ConnectionContext): () => void;
  /** Kinds served (default both). VNPT streams are off with policy `compat.vnpt: false`, as the listener is. */
  kinds?: ReadonlySet<StreamKind>;
  /** Open streams one origin may hold across all relay connections. */
  maxStreamsPerOrigin?: number;
  location?: ChannelLocation;
}

export interface RelayChannel {
  location: ChannelLocation;
  close(): Promise<void>;
}

interface Stream {
  ctx: ConnectionContext;
  controller: AbortController;
  handler: RelayStreamHandler;
  detach: () => void;
  inflight: number;
  origin: string;
}

const rateLimited = JSON.stringify({ jsonrpc: '2.0', id: null, error: toWireError(new AgentError('RATE_LIMITED')) });

/** Starts listening. Resolves null (and logs why) when another agent of this user already owns the channel. */
export async function startRelayChannel(o: RelayChannelOptions): Promise<RelayChannel | null> {
  const location = o.location ?? channelLocation(o.dataDir, process.platform, { uid: process.getuid?.() ?? -1, name: process.env.USERNAME ?? process.env.USER ?? '' });
  const claimed = await claimChannel(location, o.logger, 'relay.channel-taken');
  if (claimed === null) return null;
  const key: string = claimed;
  const perOrigin = new Map<string, number>();
  const maxPerOrigin = o.maxStreamsPerOrigin ?? 16;
  const sockets = new Set<Socket>();

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    serve(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  function serve(socket: Socket): void {
    const decoder = new FrameDecoder(MAX_RELAY_TEXT_BYTES + 4096);
    const streams = new Map<number, Stream>();
    let ready = false;
    const send = (m: RelayMessage): void => {
      if (!socket.destroyed) socket.write(encodeFrame(JSON.stringify(m)));
    };
    const fail = (reason: RelayReason, message: string): void => {
      o.logger.warn('relay.refused', { reason });
      send({ t: 'error', reason, message });
      socket.end();
    };
    const closeStream = (s: number, reason?: RelayReason): void => {
      const st = streams.get(s);
      if (!st) return;
      streams.delete(s);
      st.controller.abort();
      try {
        st.detach();
      } catch {
        /* a failing detach must not keep the stream counted */
      }
      const n = (perOrigin.get(st.origin) ?? 1) - 1;
      if (n <= 0) perOrigin.delete(st.origin);
      else perOrigin.set(st.origin, n);
      o.logger.info('relay.stream-close', { origin: st.origin, ...(reason ? { reason } : {}) });
    };

    function onMessage(m: RelayMessage): void {
      if (!ready) {
        if (m.t !== 'hello' || m.role !== 'host') return fail('PROTOCOL_ERROR', 'hello expected');
        if (m.relay !== RELAY_PROTOCOL) return fail('VERSION_MISMATCH', versionMismatchText({ role: 'agent', relay: RELAY_PROTOCOL }, { role: m.role, relay: m.relay }));
        if (!m.key || !sameKey(m.key, key)) return fail('PROTOCOL_ERROR', 'bad channel key');
        ready = true;
        send({ t: 'hello', relay: RELAY_PROTOCOL, version: o.version, role: 'agent' });
        return;
      }
      switch (m.t) {
        case 'open': return openStream(m.s, m.kind, m.origin);
        case 'data': return data(m.s, m.text);
        case 'close': return closeStream(m.s);
        default: return fail('PROTOCOL_ERROR', `unexpected ${m.t}`);
      }
    }

    function openStream(s: number, kind: StreamKind, rawOrigin: string): void {
      if (streams.has(s)) return fail('PROTOCOL_ERROR', 'stream id in use');
      // Treated like an absent agent: the shim then leaves the page to the browser's own WebSocket.
      if (o.kinds && !o.kinds.has(kind)) return send({ t: 'closed', s, reason: 'AGENT_UNAVAILABLE' });
      let origin: string | null = null;
      try {
        origin = o.origins.normalise(rawOrigin);
      } catch {
        origin = null;
      }
      if (origin === null || o.origins.classify(origin) === 'blocked') {
        o.logger.warn('relay.refused', { why: origin === null ? 'invalid' : 'blocked', origin: rawOrigin.slice(0, 200).replace(/[^\x20-\x7e]/g, '?') });
        return send({ t: 'closed', s, reason: 'ORIGIN_NOT_ALLOWED' });
      }
      if (streams.size >= MAX_RELAY_STREAMS || (perOrigin.get(origin) ?? 0) >= maxPerOrigin) {
        o.logger.warn('relay.refused', { why: 'streams', origin });
        return send({ t: 'closed', s, reason: 'TOO_MANY_STREAMS' });
      }
      const controller = new AbortController();
      const ctx: ConnectionContext = {
        origin,
        transport: kind === 'rpc' ? 'extension' : 'extension-vnpt',
        signal: controller.signal,
        notify: (text: string) => {
          if (streams.has(s)) send({ t: 'data', s, text });
        },
      };
      const handler = o.open(kind, ctx);
      let detach: () => void = () => undefined;
      if (kind === 'rpc' && o.attach) detach = o.attach(ctx);
      streams.set(s, { ctx, controller, handler, detach, inflight: 0, origin });
      perOrigin.set(origin, (perOrigin.get(origin) ?? 0) + 1);
      o.logger.info('relay.stream-open', { origin, kind });
      send({ t: 'opened', s });
    }

    function data(s: number, text: string): void {
      const st = streams.get(s);
      if (!st) return send({ t: 'closed', s });
      if (st.inflight >= MAX_STREAM_INFLIGHT) {
        o.logger.warn('relay.flood', { origin: st.origin });
        if (st.ctx.transport === 'extension') send({ t: 'data', s, text: rateLimited });
        return;
      }
      st.inflight++;
      st.handler.handle(text).then(
        (reply) => {
          if (reply !== null && streams.get(s) === st) send({ t: 'data', s, text: reply });
        },
        (err: unknown) => o.logger.error('relay.dispatch-failed', { origin: st.origin, error: err instanceof Error ? err.name : 'unknown' }),
      ).finally(() => void st.inflight--);
    }

    socket.on('data', (chunk: Buffer) => {
      let texts: string[];
      try {
        texts = decoder.push(chunk);
      } catch (e) {
        if (e instanceof FrameTooLarge) return fail('PAYLOAD_TOO_LARGE', 'message too large');
        throw e;
      }
      for (const text of texts) {
        let m: RelayMessage | null = null;
        try {
          m = readRelayMessage(JSON.parse(text));
        } catch {
          m = null;
        }
        if (!m) return fail('PROTOCOL_ERROR', 'not a relay message');
        onMessage(m);
        if (socket.destroyed || socket.writableEnded) return;
      }
    });
    socket.on('error', () => undefined);
    socket.once('close', () => {
      for (const s of [...streams.keys()]) closeStream(s);
    });
  }

  await listenPrivate(server, location);
  o.logger.info('relay.ready', { path: location.path });
  return {
    location,
    close: () => closeChannel(server, sockets, location),
  };
}
