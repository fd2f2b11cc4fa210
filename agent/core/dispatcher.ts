// The transport-independent front door: JSON-RPC 2.0 parsing, origin gate, command table, errors, log, notifications.
import { AgentError, isAgentError, toWireError, type WireError } from './errors.js';
import { agentInfo, type AgentInfo } from './commands/agent-info.js';
import type { Call, CommandDeps } from './commands/command.js';
import { commands } from './commands/index.js';
import { DEFAULT_PROMPT_LIMITS, PromptLimiter, type LimitOptions, type OriginSlot } from './policy/limits.js';
import { normaliseOrigin, type OriginAccess } from './policy/origins.js';
import type { Policy } from './policy/policy.js';
import { originNotAllowed } from './commands/session-request-access.js';
import { parseJsonBytesSliced } from './protocol/json-bytes.js';
import { parseJsonSliced, serializeError, serializeNotification, serializeResultSliced, type RpcId } from './protocol/json.js';
import { MAX_FRAME_BYTES, MAX_ID_LENGTH } from './protocol/limits.js';
import type { MessageText } from './protocol/pieces.js';
import { isMethod, PUBLIC_METHODS, TOKENS_CHANGED, type Method } from './protocol/methods.js';
import { parseParams } from './protocol/schemas.js';
import { DocumentBudget, documentClaim } from './protocol/document-budget.js';
import type { Clock, ConnectionContext, Dispatcher, DocumentSigners, Logger, TokenService, UserPrompt } from './ports.js';
import type { SettingsCell } from './settings.js';
import type { CertificateStatus } from './status/port.js';
import type { DocumentVerifier } from './verify/report.js';
import type { Token } from './types.js';

export interface DispatcherDeps {
  tokens: TokenService;
  prompt: UserPrompt;
  documents: DocumentSigners;
  access: OriginAccess;
  /** Defaults to `access.settings` (they must be the same cell). */
  settings?: SettingsCell;
  policy: Policy;
  clock: Clock;
  logger: Logger;
  /** The agent's version, shown to approved origins only. */
  version: string;
  /** Shown to approved origins in agent.info; default: the sign methods and `tokens.changed`. */
  features?: string[];
  /** Working memory all document calls may claim at once (tests); default MAX_DOCUMENT_WORK_BYTES. */
  documentBudgetBytes?: number;
  /** Override the prompt rates (benchmarks, tests). Default 10 prompts per origin and 30 overall per minute. */
  limits?: Partial<LimitOptions>;
  /** Certificate status service (agent/certs); absent: every status is unknown and policy decides. */
  status?: CertificateStatus;
  /** The verification service (agent/signing/verify); absent: document.verify is not offered. */
  verifier?: DocumentVerifier;
}

/**
 * The Dispatcher port plus what the transport needs besides `handle`:
 * - `attach(connection)`: call once per WebSocket after the upgrade (with `connection.notify` set); the connection
 *   then receives `tokens.changed` notifications while its origin is approved. Returns `detach`; detaching also
 *   happens by itself when `connection.signal` aborts. HTTP requests are never attached.
 * - `info(connection)`: the body of `GET /.well-known/kyso-agent` (same as agent.info for that origin).
 * - `close()`: stops listening to token changes (agent shutdown).
 */
export interface AgentDispatcher extends Dispatcher {
  attach(connection: ConnectionContext): () => void;
  info(connection: ConnectionContext): AgentInfo;
  close(): void;
}

const DEFAULT_FEATURES = ['sign.hash', 'sign.cms', 'sign.pdf', 'sign.xml', 'sign.office', 'sign.batch', 'tokens.changed'];
/**
 * Methods that hold the origin's operation slot from before their params are decoded to the end: every sign.*
 * (docs/security.md T6). The dispatcher is the only place a slot is taken.
 */
const holdsSlot = (method: Method): boolean => method.startsWith('sign.');
const ENVELOPE_KEYS = new Set(['jsonrpc', 'id', 'method', 'params']);

type Envelope =
  | { kind: 'invalid'; id: RpcId; detail: string }
  | { kind: 'notification'; method: string }
  | { kind: 'request'; id: RpcId; method: string; params: unknown };

function validId(v: unknown): v is RpcId {
  return v === null || (typeof v === 'string' && v.length <= MAX_ID_LENGTH) || (typeof v === 'number' && Number.isFinite(v));
}

/** Batch arrays are not supported (one request per message keeps limits and prompts per request simple). */
function readEnvelope(value: unknown): Envelope {
  if (Array.isArray(value)) return { kind: 'invalid', id: null, detail: 'batch requests are not supported' };
  if (typeof value !== 'object' || value === null) return { kind: 'invalid', id: null, detail: 'not a JSON-RPC request object' };
  const msg = value as Record<string, unknown>;
  const hasId = Object.prototype.hasOwnProperty.call(msg, 'id');
  if (hasId && !validId(msg.id)) return { kind: 'invalid', id: null, detail: 'id must be a string, a finite number or null' };
  const id: RpcId = hasId ? (msg.id as RpcId) : null;
  if (msg.jsonrpc !== '2.0') return { kind: 'invalid', id, detail: 'jsonrpc must be "2.0"' };
  if (typeof msg.method !== 'string') return { kind: 'invalid', id, detail: 'method must be a string' };
  if (Object.keys(msg).some((k) => !ENVELOPE_KEYS.has(k))) return { kind: 'invalid', id, detail: 'unknown member in the request' };
  if (msg.params !== undefined && (typeof msg.params !== 'object' || msg.params === null)) {
    return { kind: 'invalid', id, detail: 'params must be an object' };
  }
  if (!hasId) return { kind: 'notification', method: msg.method };
  return { kind: 'request', id, method: msg.method, params: msg.params };
}

const clip = (s: string) => (s.length > 64 ? `${s.slice(0, 64)}…` : s);
const errorMessage = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Builds the dispatcher. Subscribes to token changes lazily, when the first connection attaches. */
export function createDispatcher(input: DispatcherDeps): AgentDispatcher {
  const deps: CommandDeps = {
    tokens: input.tokens,
    prompt: input.prompt,
    documents: input.documents,
    access: input.access,
    settings: input.settings ?? input.access.settings,
    policy: input.policy,
    clock: input.clock,
    logger: input.logger,
    version: input.version,
    features: input.features ?? (input.verifier ? [...DEFAULT_FEATURES, 'document.verify'] : DEFAULT_FEATURES),
    limiter: new PromptLimiter(input.clock, { ...DEFAULT_PROMPT_LIMITS, ...input.limits }),
  };
  if (input.status) deps.status = input.status;
  if (input.verifier) deps.verifier = input.verifier;
  const { logger } = deps;
  const documentBudget = new DocumentBudget(input.documentBudgetBytes);
  const attached = new Set<ConnectionContext>();
  let unsubscribe: (() => void) | undefined;

  function onTokensChanged(tokens: Token[]): void {
    const message = serializeNotification(TOKENS_CHANGED, { tokens });
    for (const connection of attached) {
      if (!connection.notify || !deps.access.isApproved(connection.origin, connection)) continue;
      try {
        connection.notify(message);
      } catch (e) {
        logger.warn('notify.failed', { origin: connection.origin, detail: errorMessage(e) });
      }
    }
  }

  async function run(method: Method, params: unknown, connection: ConnectionContext, origin: string, parsedParams: () => void): Promise<unknown> {
    const cls = deps.access.classify(origin, connection);
    if (cls === 'blocked') throw originNotAllowed();
    if (cls !== 'approved' && !PUBLIC_METHODS.has(method)) {
      throw new AgentError('ACCESS_DENIED', 'This site has not been allowed yet: call session.requestAccess');
    }
    const invoke = async (slot: OriginSlot | undefined): Promise<unknown> => {
      let parsed: unknown;
      try {
        parsed = await parseParams(method, params);
      } finally {
        parsedParams();
      }
      const call: Call = {
        deps, connection, origin,
        promptContext: { origin, signal: connection.signal, lang: connection.lang ?? deps.settings.get().language },
        ...(slot ? { slot } : {}),
      };
      const handler = commands[method] as (p: unknown, c: Call) => Promise<unknown>;
      // docs/security.md T23: decoded documents claim their working memory before any of them is parsed.
      return documentBudget.hold(documentClaim(method, parsed), () => handler(parsed, call));
    };
    // A sign.* call takes its origin's slot before its documents are parsed, or decoded from text (BUSY first); a large
    // message's base64 was decoded with the message (parseJsonBytesSliced), inside the transport's in-flight count.
    return holdsSlot(method) ? deps.limiter.withSlot(origin, invoke) : invoke(undefined);
  }

  async function handle(raw: string | Uint8Array, connection: ConnectionContext, parsed?: () => void): Promise<MessageText | null> {
    const started = performance.now();
    let told = false;
    const done = (): void => {
      if (told) return;
      told = true;
      parsed?.();
    };
    const origin = normaliseOrigin(connection.origin);
    let method = '-';
    let outcome = 'ok';
    let id: RpcId = null;
    const fail = (e: unknown): string => {
      let wire: WireError = toWireError(e);
      if (!isAgentError(e)) {
        logger.error('rpc.internal', { method, origin, detail: errorMessage(e) });
      } else if (e.logDetail) {
        logger.warn('rpc.detail', { method, origin, reason: e.reason, detail: e.logDetail });
      }
      outcome = wire.data.reason;
      try {
        return serializeError(id, wire);
      } catch {
        wire = toWireError(undefined);
        return serializeError(null, wire);
      }
    };
    try {
      if (typeof raw !== 'string' && !(raw instanceof Uint8Array)) throw new AgentError('INVALID_REQUEST', 'Invalid request', { detail: 'not a text message' });
      if (raw.length > MAX_FRAME_BYTES) throw new AgentError('PAYLOAD_TOO_LARGE', 'Payload too large');
      // A large message arrives as its UTF-8 bytes: its documents are decoded from them, never made one string (T22).
      const parsed = typeof raw === 'string' ? await parseJsonSliced(raw) : await parseJsonBytesSliced(raw);
      // The message is not needed any more: a suspended handle keeps its parameters, which would hold all of it
      // through the dialog and the signing (T23).
      raw = '';
      if (!parsed.ok) throw new AgentError(parsed.reason, parsed.reason === 'PARSE_ERROR' ? 'Parse error' : 'Invalid request', { detail: parsed.detail });
      const envelope = readEnvelope(parsed.value);
      if (envelope.kind === 'invalid') {
        id = envelope.id;
        throw new AgentError('INVALID_REQUEST', 'Invalid request', { detail: envelope.detail });
      }
      method = clip(envelope.method);
      if (envelope.kind === 'notification') {
        // JSON-RPC forbids answering a notification; executing one would let a page act without seeing errors.
        outcome = 'ignored-notification';
        return null;
      }
      id = envelope.id;
      if (!isMethod(envelope.method) || !Object.prototype.hasOwnProperty.call(commands, envelope.method)) {
        // No list of methods: a caller learns what exists from agent.info's features and docs/protocol.md, not from
        // probing (docs/security.md T26).
        throw new AgentError('METHOD_NOT_FOUND', 'Method not found');
      }
      if (origin === null) throw originNotAllowed();
      const result = await run(envelope.method, envelope.params, connection, origin, done);
      try {
        return await serializeResultSliced(id, result);
      } catch (e) {
        return fail(e);
      }
    } catch (e) {
      return fail(e);
    } finally {
      done();
      logger.info('rpc', { method, origin: origin ?? 'refused', transport: connection.transport, outcome, ms: Math.round((performance.now() - started) * 100) / 100 });
    }
  }

  return {
    handle,
    info(connection) {
      return agentInfo({ deps, connection });
    },
    attach(connection) {
      attached.add(connection);
      unsubscribe ??= deps.tokens.onTokensChanged(onTokensChanged);
      const detach = () => {
        attached.delete(connection);
        connection.signal.removeEventListener('abort', detach);
        if (attached.size === 0 && unsubscribe) {
          unsubscribe();
          unsubscribe = undefined;
        }
      };
      if (connection.signal.aborted) detach();
      else connection.signal.addEventListener('abort', detach, { once: true });
      return detach;
    },
    close() {
      attached.clear();
      unsubscribe?.();
      unsubscribe = undefined;
    },
  };
}
