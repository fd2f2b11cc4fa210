// The agent's end of the relay: a per-user local channel (Unix socket / named pipe) where the native host brings
// page channels from the extension. Each stream is a connection of its own to the SAME dispatcher (JSON-RPC) or
// VNPT session logic, with the origin the browser gave the extension — same policy, dialogs, limits and log.
import { createServer, type Server, type Socket } from 'node:net';
import { AgentError, doorRefusal, toWireError, type ConnectionContext, type Logger, type MessageText } from '../core/index.js';
import { BYTES_FROM } from '../core/protocol/json-bytes.js';
import { MAX_FRAME_BYTES, MAX_UNAPPROVED_MESSAGE_BYTES, MAX_VNPT_UNAPPROVED_MESSAGE_BYTES, MESSAGE_TIMEOUT_MS } from '../core/protocol/limits.js';
import {
  CHANNEL_PROTOCOL, MAX_RELAY_STREAMS, MAX_RELAY_TEXT_BYTES, MAX_STREAM_INFLIGHT, readRelayMessage, versionMismatchText,
  type RelayMessage, type RelayReason, type StreamKind,
} from '../core/protocol/relay.js';
import { channelNonce, channelProof, proofMatches } from './channel-auth.js';
import { ChannelDecoder, ChannelFrameError, controlFrame, type ChannelEvent } from './channel-frames.js';
import { ChannelWriter } from './channel-writer.js';
import { channelLocation, type ChannelLocation } from './channel-path.js';
import { channelPlatform, type ChannelPlatform } from './channel-platform.js';
import { claimChannel, closeChannel, listenPrivate } from './private-channel.js';

/** The origin policy as the relay needs it (the composition root passes the transport's gate). */
export interface RelayOriginGate {
  normalise(raw: string): string | null;
  /** `connection`: the stream, so an "allow once" grant given to it counts (as for a WebSocket). */
  classify(origin: string, connection?: ConnectionContext): 'blocked' | 'approved' | 'pairable' | 'unknown';
  /** false: policy `allowPairing: false`; an `unknown` origin is refused at the stream's open, as at the wss door. */
  pairingAllowed?(): boolean;
}

export interface RelayStreamHandler {
  /** A page's message in, the answer out (null: none; pieces: written as one data frame without being joined). */
  handle(text: string): Promise<MessageText | null>;
  /**
   * When present, a message of BYTES_FROM bytes or more comes here as its UTF-8 bytes, malformed sequences to be
   * replaced as decodeText does (the JSON-RPC dispatcher: docs/security.md "Large messages").
   */
  handleBytes?(bytes: Uint8Array): Promise<MessageText | null>;
}

/** The agent's one in-flight byte budget (docs/security.md T23), shared with the wss/https listeners. */
export interface RelayInflightBudget {
  tryTake(bytes: number): boolean;
  give(bytes: number): void;
  inUse(): number;
}

/** Message caps, the same as the WebSocket routes (docs/security.md, T22). */
export interface RelayLimits {
  /** An approved origin's largest message. */
  maxPayloadBytes: number;
  /** Before approval, JSON-RPC streams (as /v1/ws) … */
  maxUnapprovedPayloadBytes: number;
  /** … and VNPT streams (as the compatible listener's /plugin). */
  maxVnptUnapprovedPayloadBytes: number;
  /** A data frame still unfinished this long after its header ends the connection, releasing its budget (T23). */
  messageTimeoutMs: number;
}

export const DEFAULT_RELAY_LIMITS: RelayLimits = {
  maxPayloadBytes: MAX_FRAME_BYTES,
  maxUnapprovedPayloadBytes: MAX_UNAPPROVED_MESSAGE_BYTES,
  maxVnptUnapprovedPayloadBytes: MAX_VNPT_UNAPPROVED_MESSAGE_BYTES,
  messageTimeoutMs: MESSAGE_TIMEOUT_MS,
};

/** Largest control message (hello, auth, open with its ≤ 2048-char origin, close). */
const MAX_CONTROL_BYTES = 16 * 1024;
/** The host must finish the handshake within this (it is our own program on the same machine). */
const HANDSHAKE_MS = 10_000;

export interface RelayChannelOptions {
  dataDir: string;
  version: string;
  logger: Logger;
  origins: RelayOriginGate;
  /** A new connection of `kind` for `ctx` (JSON-RPC over the dispatcher, or a VNPT session). */
  open(kind: StreamKind, ctx: ConnectionContext): RelayStreamHandler;
  /**
   * A data frame's UTF-8 → text, malformed sequences replaced (the transport's decoder: a large message in slices
   * with turns between them, docs/security.md T22).
   */
  decodeText(bytes: Uint8Array): Promise<string>;
  /** tokens.changed for JSON-RPC streams (the dispatcher's attach). Returns detach. */
  attach?(ctx: ConnectionContext): () => void;
  /** Kinds served (default both). VNPT streams are off with policy `compat.vnpt: false`, as the listener is. */
  kinds?: ReadonlySet<StreamKind>;
  /** Open streams one origin may hold across all relay connections. */
  maxStreamsPerOrigin?: number;
  /** The agent's in-flight budget, the same object its wss/https listeners use. */
  budget: RelayInflightBudget;
  limits?: Partial<RelayLimits>;
  location?: ChannelLocation;
  platform?: ChannelPlatform;
}

export interface RelayChannel {
  location: ChannelLocation;
  /** The socket path or (Windows) the full pipe name listened on. */
  path: string;
  close(): Promise<void>;
}

interface Stream {
  ctx: ConnectionContext;
  controller: AbortController;
  handler: RelayStreamHandler;
  detach: () => void;
  inflight: number;
  origin: string;
  kind: StreamKind;
}

const rateLimited = JSON.stringify({ jsonrpc: '2.0', id: null, error: toWireError(new AgentError('RATE_LIMITED')) });

/** Starts listening. Resolves null (and logs why) when another agent of this user already owns the channel. */
export async function startRelayChannel(o: RelayChannelOptions): Promise<RelayChannel | null> {
  const location = o.location ?? channelLocation(o.dataDir, process.platform, { uid: process.getuid?.() ?? -1, name: process.env.USERNAME ?? process.env.USER ?? '' });
  const platform = o.platform ?? channelPlatform();
  const limits: RelayLimits = { ...DEFAULT_RELAY_LIMITS, ...o.limits };
  const claimed = await claimChannel(location, o.logger, 'relay.channel-taken', platform);
  if (claimed === null) return null;
  const { path, key } = claimed;
  const perOrigin = new Map<string, number>();
  const maxPerOrigin = o.maxStreamsPerOrigin ?? 16;
  const sockets = new Set<Socket>();

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    serve(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  function serve(socket: Socket): void {
    const streams = new Map<number, Stream>();
    let state: 'hello' | 'auth' | 'ready' = 'hello';
    let hostNonce = '';
    let agentNonce = '';
    /** Budget bytes held for the data frame being received, and its deadline. */
    let held = 0;
    let unfinished: NodeJS.Timeout | undefined;
    const handshakeTimer = setTimeout(() => fail('PROTOCOL_ERROR', 'handshake timeout'), HANDSHAKE_MS);
    handshakeTimer.unref();
    // Every frame to the host in order; a large answer's text written slice by slice (T22).
    const writer = new ChannelWriter(socket);
    const send = (m: RelayMessage): void => writer.control(controlFrame(JSON.stringify(m)));
    const sendData = (s: number, text: MessageText): void => writer.data(s, text);
    const fail = (reason: RelayReason, message: string): void => {
      o.logger.warn('relay.refused', { reason, message });
      send({ t: 'error', reason, message });
      socket.end();
      setTimeout(() => socket.destroy(), 1_000).unref();
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
      // Closed by the agent (not at the host's request): the page learns why, as from a WebSocket close code.
      if (reason) send({ t: 'closed', s, reason });
    };

    /**
     * docs/security.md T22/T23 at each data frame's header, before its text is buffered: the stream's origin approval picks
     * the cap (8 KiB for JSON-RPC, 2 MiB for VNPT until approved, as on wss), and the declared size is taken from
     * the agent's one in-flight budget. Refused: that stream is closed with the reason, the bytes are skipped.
     */
    function admit(s: number, bytes: number): boolean {
      if (state !== 'ready') {
        fail('PROTOCOL_ERROR', 'data before the handshake');
        decoder.halt();
        return false;
      }
      const st = streams.get(s);
      if (!st) {
        send({ t: 'closed', s });
        return false;
      }
      const unapproved = st.kind === 'vnpt' ? limits.maxVnptUnapprovedPayloadBytes : limits.maxUnapprovedPayloadBytes;
      const cap = o.origins.classify(st.origin, st.ctx) === 'approved' ? limits.maxPayloadBytes : Math.min(unapproved, limits.maxPayloadBytes);
      if (bytes > cap) {
        o.logger.warn('relay.too-large', { origin: st.origin, bytes, cap });
        closeStream(s, 'PAYLOAD_TOO_LARGE');
        return false;
      }
      if (st.inflight >= MAX_STREAM_INFLIGHT) {
        o.logger.warn('relay.flood', { origin: st.origin });
        if (st.kind === 'rpc') sendData(s, rateLimited);
        return false;
      }
      if (!o.budget.tryTake(bytes)) {
        o.logger.warn('relay.inflight-budget', { origin: st.origin, inUse: o.budget.inUse() });
        closeStream(s, 'BUSY');
        return false;
      }
      held = bytes;
      unfinished = setTimeout(() => {
        o.logger.warn('relay.message-timeout', { origin: st.origin, bytes });
        o.budget.give(held);
        held = 0;
        decoder.halt();
        fail('PROTOCOL_ERROR', 'unfinished message');
      }, limits.messageTimeoutMs);
      unfinished.unref();
      return true;
    }
    const decoder = new ChannelDecoder({ maxControlBytes: MAX_CONTROL_BYTES, maxDataBytes: MAX_RELAY_TEXT_BYTES, admit, onEvent: (ev) => onEvent(ev) });

    function onControl(m: RelayMessage): void {
      if (state === 'hello') {
        if (m.t !== 'hello' || m.role !== 'host') return fail('PROTOCOL_ERROR', 'hello expected');
        if (m.relay !== CHANNEL_PROTOCOL) return fail('VERSION_MISMATCH', versionMismatchText({ role: 'agent', relay: CHANNEL_PROTOCOL }, { role: m.role, relay: m.relay }));
        if (!m.nonce || m.nonce.length !== 64) return fail('PROTOCOL_ERROR', 'nonce expected');
        hostNonce = m.nonce;
        agentNonce = channelNonce();
        state = 'auth';
        send({ t: 'hello', relay: CHANNEL_PROTOCOL, version: o.version, role: 'agent', nonce: agentNonce, proof: channelProof(key, 'agent', hostNonce, agentNonce) });
        return;
      }
      if (state === 'auth') {
        if (m.t !== 'auth' || !proofMatches(channelProof(key, 'host', hostNonce, agentNonce), m.proof)) return fail('PROTOCOL_ERROR', 'bad channel proof');
        state = 'ready';
        clearTimeout(handshakeTimer);
        return;
      }
      switch (m.t) {
        case 'open': return openStream(m.s, m.kind, m.origin);
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
      // The wss listener's door rule (docs/security.md T4): blocked, or not approvable while pairing is off →
      // refused before the stream exists, with the reason every refused origin gets.
      const refused = origin === null ? 'invalid' : doorRefusal(o.origins.classify(origin), o.origins.pairingAllowed?.());
      if (origin === null || refused) {
        o.logger.warn('relay.refused', { why: refused, origin: rawOrigin.slice(0, 200).replace(/[^\x20-\x7e]/g, '?') });
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
          if (streams.has(s)) sendData(s, text);
        },
      };
      const handler = o.open(kind, ctx);
      let detach: () => void = () => undefined;
      if (kind === 'rpc' && o.attach) detach = o.attach(ctx);
      streams.set(s, { ctx, controller, handler, detach, inflight: 0, origin, kind });
      perOrigin.set(origin, (perOrigin.get(origin) ?? 0) + 1);
      o.logger.info('relay.stream-open', { origin, kind });
      send({ t: 'opened', s });
    }

    function onData(s: number, bytes: Buffer): void {
      const st = streams.get(s);
      if (!st) return;
      st.inflight++;
      const { handler } = st;
      const reply = handler.handleBytes && bytes.length >= BYTES_FROM ? handler.handleBytes(bytes) : o.decodeText(bytes).then((text) => handler.handle(text));
      reply.then(
        (reply) => {
          if (reply !== null && streams.get(s) === st) sendData(s, reply);
        },
        (err: unknown) => o.logger.error('relay.dispatch-failed', { origin: st.origin, error: err instanceof Error ? err.name : 'unknown' }),
      ).finally(() => void st.inflight--);
    }

    function onEvent(ev: ChannelEvent): void {
      if (ev.kind === 'data') {
        // The frame is whole: the dispatcher's document budget takes over from here, as after a WebSocket message.
        o.budget.give(held);
        held = 0;
        clearTimeout(unfinished);
        onData(ev.s, ev.bytes);
      } else {
        let m: RelayMessage | null = null;
        try {
          m = readRelayMessage(JSON.parse(ev.text));
        } catch {
          m = null;
        }
        if (!m) fail('PROTOCOL_ERROR', 'not a relay message');
        else onControl(m);
      }
      if (socket.destroyed || socket.writableEnded) decoder.halt();
    }

    socket.on('data', (chunk: Buffer) => {
      try {
        decoder.push(chunk);
      } catch (e) {
        if (e instanceof ChannelFrameError) return fail(e.reason, e.message);
        throw e;
      }
    });
    socket.on('error', () => undefined);
    socket.once('close', () => {
      clearTimeout(handshakeTimer);
      clearTimeout(unfinished);
      o.budget.give(held);
      held = 0;
      for (const s of [...streams.keys()]) closeStream(s);
    });
  }

  await listenPrivate(server, location, path, platform);
  o.logger.info('relay.ready', { path });
  return {
    location,
    path,
    close: () => closeChannel(server, sockets, location, path, platform),
  };
}
