// What the transport needs from the rest of the agent: origin gate, dispatcher, mounts, limits, listeners.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConnectionContext, Dispatcher, Logger, MessageText } from '../core/index.js';
import type { InflightBudget } from './budget.js';
import type { PeerUserCheck } from './peer-user/index.js';
import { MAX_CONNECTIONS_PER_ORIGIN, MAX_FRAME_BYTES, MAX_INFLIGHT_BYTES, MAX_UNAPPROVED_MESSAGE_BYTES, MESSAGE_TIMEOUT_MS } from '../core/protocol/limits.js';

/** How the origin policy sees a normalised origin (core's `classify`). */
export type OriginClass = 'blocked' | 'approved' | 'pairable' | 'unknown';

/** The origin policy as the transport uses it; wired by the composition root to agent/core. */
export interface OriginGate {
  /** Normalised `scheme://host[:port]`, or null when the header is not a usable origin (then refused). */
  normalise(raw: string): string | null;
  /**
   * Re-evaluated on every request and every WebSocket frame header: approvals and blocks take effect without a
   * restart. `connection` lets an "allow once" grant of that WebSocket count.
   */
  classify(origin: string, connection?: ConnectionContext): OriginClass;
  /**
   * false: no origin can be approved from here on (policy `allowPairing: false`), so an `unknown` origin is
   * refused at the door like a blocked one (docs/security.md T4). Absent: pairing is allowed.
   */
  pairingAllowed?(): boolean;
}

/** A sub-tree of paths served by another part of the agent (the browser-hosted dialogs under '/ui/'). */
export interface Mount {
  /** Path prefix, e.g. '/ui/'. Requests whose path starts with it go to `handle`. */
  prefix: string;
  handle(req: IncomingMessage, res: ServerResponse): void;
}

/** Lets the core push notifications (tokens.changed) to a WebSocket connection. Returns a detach function. */
export interface NotificationAttach {
  attach(connection: ConnectionContext): () => void;
}

/** What one WebSocket connection's text frames go to. */
export interface FrameHandler {
  /**
   * One text frame in, one text message out (null: no reply; pieces: written as fragments of one message).
   * `parsed`: see Dispatcher.handle; a handler that does not call it keeps the frame counted until its answer.
   */
  handle(text: string, parsed?: () => void): Promise<MessageText | null>;
  /**
   * When present, a message of BYTES_FROM bytes or more comes here as its UTF-8 bytes (checked) instead of as text
   * (docs/security.md "Large messages"): the JSON-RPC dispatcher parses them without making one large string.
   */
  handleBytes?(bytes: Uint8Array, parsed?: () => void): Promise<MessageText | null>;
}

/**
 * A WebSocket endpoint: the default `/v1/ws` speaks JSON-RPC to the dispatcher; the VNPT-compatible listener
 * mounts `/plugin` with its own frame format. Host and Origin checks and limits are the same for every endpoint.
 */
export interface SocketEndpoint {
  transport: ConnectionContext['transport'];
  open(ctx: ConnectionContext): FrameHandler;
  /** Push tokens.changed notifications to this endpoint's connections. Default false. */
  notifications?: boolean;
  /**
   * Largest message from an origin that is not approved yet, when this endpoint's protocol needs more than the
   * server's `maxUnapprovedPayloadBytes` (the VNPT plugin protocol's first call may carry the document).
   */
  maxUnapprovedPayloadBytes?: number;
}

export interface ServerLimits {
  /** Largest WebSocket message and HTTP body in bytes from an approved origin (64 MiB documents in base64 fit). */
  maxPayloadBytes: number;
  /** Largest message from an origin that is not approved, decided before anything is buffered (docs/security.md T22). */
  maxUnapprovedPayloadBytes: number;
  /** Bytes of unfinished messages and bodies across every connection and listener (docs/security.md T23). */
  maxInflightBytes: number;
  /** An unfinished WebSocket message or HTTP body older than this is dropped with its connection. */
  messageTimeoutMs: number;
  /** Open WebSocket connections one origin may hold at a time. */
  maxConnectionsPerOrigin: number;
  /** How long `close()` waits for in-flight requests before aborting them. */
  shutdownGraceMs: number;
}

/** Core's protocol limits: 64 MiB of document is ~85.4 MiB of base64, the frame cap leaves room for the JSON. */
export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  maxPayloadBytes: MAX_FRAME_BYTES,
  maxUnapprovedPayloadBytes: MAX_UNAPPROVED_MESSAGE_BYTES,
  maxInflightBytes: MAX_INFLIGHT_BYTES,
  messageTimeoutMs: MESSAGE_TIMEOUT_MS,
  maxConnectionsPerOrigin: MAX_CONNECTIONS_PER_ORIGIN,
  shutdownGraceMs: 5_000,
};

export interface TlsCredentials {
  /** PEM private key of the leaf. */
  key: string;
  /** PEM leaf certificate (optionally followed by the CA). */
  cert: string;
}

export interface AgentServerOptions {
  dispatcher: Dispatcher;
  origins: OriginGate;
  logger: Logger;
  /** Agent version, shown only to approved origins. */
  version: string;
  /** TLS listener (wss + https): port (0 = free port) and credentials. Null: no TLS listener. */
  tls: { port: number; credentials: TlsCredentials } | null;
  /** Plain listener (ws + http), only in --dev or by policy. Null: off. */
  plain: { port: number } | null;
  /** Also listen on [::1] (same port) when the machine has it. Default true. */
  ipv6?: boolean;
  limits?: Partial<ServerLimits>;
  mounts?: Mount[];
  notifications?: NotificationAttach;
  /** WebSocket endpoints by exact path. Default: `{'/v1/ws': JSON-RPC over the dispatcher}`. */
  sockets?: Record<string, SocketEndpoint>;
  /** Serve the HTTP API (discovery, /v1/rpc, mounts). Default true; the VNPT-compatible listener has none. */
  httpApi?: boolean;
  /** In-flight byte budget to share with other servers of this agent (one per agent); default: one of its own. */
  budget?: InflightBudget;
  /** Who may connect (docs/security.md T25); default: only the agent's own OS user, by the check for this OS. */
  peerUser?: PeerUserCheck;
}

/** Where the server ended up listening. */
export interface ListeningPorts {
  tlsPort: number | null;
  plainPort: number | null;
}

export interface AgentServer {
  start(): Promise<ListeningPorts>;
  /** Swap the leaf (renewal) without dropping connections. */
  setTlsCredentials(credentials: TlsCredentials): void;
  /** Stop accepting, answer or abort in-flight requests, close connections. */
  close(): Promise<void>;
  /** Open WebSocket connections (for diagnostics and tests). */
  connectionCount(): number;
}
