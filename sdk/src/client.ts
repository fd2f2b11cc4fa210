// The connected client: discovery + transport choice, reconnect on the next call, and one method per RPC.
import { SignedData, inputToBase64, toBase64 } from './bytes.js';
import type { BinaryInput } from './bytes.js';
import { discover } from './discovery.js';
import { ExtensionTransport, detectExtension } from './extension.js';
import type { Endpoint } from './discovery.js';
import { AgentUnavailableError, ConnectionLostError, KysoError, fromWireError } from './errors.js';
import { HttpTransport, WsTransport } from './transport.js';
import type { CallOptions, FetchFunction, RpcNotification, RpcTransport, WebSocketConstructor } from './transport.js';
import type {
  AgentInfo, BatchItem, BatchResult, Cert, CertFilter, ClientEvents, HashSignature, SignBatchParams, SignCmsParams,
  SignHashParams, SignOfficeParams, SignPdfParams, SignXmlParams, Token, VerificationReport, VerifyParams,
} from './types.js';

export interface ConnectOptions {
  /** Ports to probe; `null` skips one. Default `{tls: 14433, plain: 14434}`. */
  ports?: { tls?: number | null; plain?: number | null };
  /** Timeout of calls that do not wait for the user (default 30 s). */
  timeoutMs?: number;
  /** Timeout of calls that wait for the user: access, picker, PIN, confirmation (default 5 min). */
  userTimeoutMs?: number;
  /** 'auto' (default): WebSocket, falling back to POST /v1/rpc. 'ws' or 'http' force one. */
  transport?: 'auto' | 'ws' | 'http';
  /** Budget of the presence check when nothing answers (default 1200 ms). */
  probeTimeoutMs?: number;
  /** How long to wait while the browser shows its Local Network Access prompt (default 60 s). */
  promptTimeoutMs?: number;
  /** Budget of the WebSocket handshake before falling back to HTTP (default 3 s). */
  handshakeTimeoutMs?: number;
  /** Use the plain port when TLS fails (default true; browsers treat 127.0.0.1 as a secure context). */
  allowPlain?: boolean;
  /**
   * Use the kyso-agent browser extension when the page has it (default true): its relay is not subject to Local
   * Network Access. wss and POST /v1/rpc remain the fallbacks.
   */
  extension?: boolean;
  /** How long the extension may take to open its channel (it may be starting the agent; default 35 s). */
  extensionTimeoutMs?: number;
  /** Injected implementations (tests, non-browser hosts). Default: the global ones. */
  fetch?: FetchFunction;
  WebSocket?: WebSocketConstructor;
}

/** How the client currently talks to the agent. */
export interface ConnectionInfo {
  /** 'extension': through the companion extension (secure, no port of its own: `port` is 0). */
  transport: 'ws' | 'http' | 'extension';
  secure: boolean;
  port: number;
  /** TLS failed and the plain port is used: the per-machine CA is probably not trusted by this browser. */
  tlsFailed: boolean;
  agentVersion?: string;
}

type Listener<K extends keyof ClientEvents> = (payload: ClientEvents[K]) => void;

/** Methods safe to resend after a dropped connection (they change nothing). */
const IDEMPOTENT = new Set(['agent.info', 'tokens.list', 'tokens.refresh', 'certificates.list']);

function resolvedOptions(o: ConnectOptions) {
  const fetchFn = o.fetch ?? (globalThis.fetch ? globalThis.fetch.bind(globalThis) : undefined);
  if (!fetchFn) throw new TypeError('kyso-agent SDK: no fetch implementation');
  return {
    tlsPort: o.ports?.tls === undefined ? 14433 : o.ports.tls,
    plainPort: o.ports?.plain === undefined ? 14434 : o.ports.plain,
    timeoutMs: o.timeoutMs ?? 30_000,
    userTimeoutMs: o.userTimeoutMs ?? 300_000,
    transport: o.transport ?? 'auto',
    probeTimeoutMs: o.probeTimeoutMs ?? 1200,
    promptTimeoutMs: o.promptTimeoutMs ?? 60_000,
    handshakeTimeoutMs: o.handshakeTimeoutMs ?? 3000,
    allowPlain: o.allowPlain ?? true,
    extension: o.extension ?? true,
    extensionTimeoutMs: o.extensionTimeoutMs ?? 35_000,
    slowRetryMs: 5000,
    fetch: fetchFn as FetchFunction,
    WebSocket: o.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket,
  };
}
type Resolved = ReturnType<typeof resolvedOptions>;

function xmlToBase64(xml: BinaryInput): Promise<string> {
  if (typeof xml === 'string' && /^\uFEFF?\s*</.test(xml)) return Promise.resolve(toBase64(new TextEncoder().encode(xml)));
  return inputToBase64(xml);
}

function fileNameOf(input: BinaryInput, fallback: string): string {
  const name = (input as { name?: unknown }).name;
  return typeof name === 'string' && name ? name : fallback;
}

/** Wire params of one signing kind (binary inputs → base64), shared by the single calls and sign.batch. */
async function wireParams(kind: BatchItem['kind'], p: Record<string, unknown>): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = { ...p };
  if (kind === 'hash') {
    out.hash = await inputToBase64(p.hash as BinaryInput);
    out.hashAlgorithm = p.hashAlgorithm ?? 'SHA-256';
  }
  if (kind === 'cms') {
    if (p.data !== undefined) out.data = await inputToBase64(p.data as BinaryInput);
    if (p.hash !== undefined) out.hash = await inputToBase64(p.hash as BinaryInput);
  }
  if (kind === 'pdf') {
    out.pdf = await inputToBase64(p.pdf as BinaryInput);
    out.fileName = p.fileName ?? fileNameOf(p.pdf as BinaryInput, 'document.pdf');
    const app = p.appearance as { image?: BinaryInput } | undefined;
    if (app?.image !== undefined) out.appearance = { ...app, image: await inputToBase64(app.image) };
  }
  if (kind === 'xml') {
    out.xml = await xmlToBase64(p.xml as BinaryInput);
  }
  if (kind === 'office') {
    out.document = await inputToBase64(p.document as BinaryInput);
    out.fileName = p.fileName ?? fileNameOf(p.document as BinaryInput, '');
  }
  return out;
}

/** Wire result of one signing kind → SDK output. */
function readResult(kind: BatchItem['kind'], r: unknown): SignedData | HashSignature {
  const o = (r ?? {}) as Record<string, string>;
  switch (kind) {
    case 'hash': {
      const h = r as Omit<HashSignature, 'signature'> & { signature: string };
      return { ...h, signature: SignedData.fromBase64(h.signature) };
    }
    case 'cms':
      return SignedData.fromBase64(o.cms ?? '', 'application/pkcs7-signature');
    case 'pdf':
      return SignedData.fromBase64(o.pdf ?? '', 'application/pdf');
    case 'xml':
      return SignedData.fromBase64(o.xml ?? '', 'application/xml');
    case 'office':
      return SignedData.fromBase64(o.document ?? '', 'application/vnd.openxmlformats-officedocument');
  }
}

/** A connection to the local kyso-agent. Get one with `KysoAgent.connect()`. */
export class KysoAgentClient {
  private transport: RpcTransport | null = null;
  private endpoint: Endpoint | null = null;
  private connecting: Promise<RpcTransport> | null = null;
  private readonly listeners = new Map<keyof ClientEvents, Set<(p: unknown) => void>>();

  /** @internal use `KysoAgent.connect()`. */
  constructor(private readonly opts: Resolved) {}

  /** Discovers the agent and opens the connection (WebSocket, else POST /v1/rpc). */
  static async connect(options: ConnectOptions = {}): Promise<KysoAgentClient> {
    const client = new KysoAgentClient(resolvedOptions(options));
    await client.ensure();
    return client;
  }

  /** The current connection, or null while disconnected. */
  get connection(): ConnectionInfo | null {
    const t = this.transport;
    if (t instanceof ExtensionTransport && t.alive) return { transport: 'extension', secure: true, port: 0, tlsFailed: false, ...(t.agentVersion ? { agentVersion: t.agentVersion } : {}) };
    if (!this.transport?.alive || !this.endpoint) return null;
    const e = this.endpoint;
    const info: ConnectionInfo = { transport: this.transport.kind, secure: e.secure, port: e.port, tlsFailed: e.tlsFailed };
    if (e.wellKnown.version) info.agentVersion = e.wellKnown.version;
    return info;
  }

  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof ClientEvents>(event: K, listener: Listener<K>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as (p: unknown) => void);
    return () => this.off(event, listener);
  }

  off<K extends keyof ClientEvents>(event: K, listener: Listener<K>): void {
    this.listeners.get(event)?.delete(listener as (p: unknown) => void);
  }

  /** Closes the connection. A later call reconnects. */
  close(): void {
    this.transport?.close();
    this.transport = null;
  }

  // ───────────────────────── methods (docs/protocol.md) ─────────────────────────

  info(options?: CallOptions): Promise<AgentInfo> {
    return this.call('agent.info', {}, options) as Promise<AgentInfo>;
  }

  /** Asks the user (in the agent's dialog) to allow this origin. Resolves `{granted:true}` or throws AccessDeniedError. */
  requestAccess(options?: CallOptions): Promise<{ granted: boolean }> {
    return this.call('session.requestAccess', {}, options, true) as Promise<{ granted: boolean }>;
  }

  async listTokens(options?: CallOptions): Promise<Token[]> {
    return ((await this.call('tokens.list', {}, options)) as { tokens: Token[] }).tokens;
  }

  /** Re-scans the token modules (for tokens whose driver does not report insertion). */
  async refreshTokens(options?: CallOptions): Promise<Token[]> {
    return ((await this.call('tokens.refresh', {}, options)) as { tokens: Token[] }).tokens;
  }

  async listCertificates(filter?: CertFilter, options?: CallOptions): Promise<Cert[]> {
    return ((await this.call('certificates.list', filter ? { filter } : {}, options)) as { certificates: Cert[] }).certificates;
  }

  /** Lets the user pick a certificate in the agent's picker. Throws UserCancelledError if they close it. */
  async selectCertificate(filter?: CertFilter, title?: string, options?: CallOptions): Promise<Cert> {
    const params: Record<string, unknown> = {};
    if (filter) params.filter = filter;
    if (title) params.title = title;
    return ((await this.call('certificates.select', params, options, true)) as { certificate: Cert }).certificate;
  }

  /** Signs a digest computed elsewhere (e.g. a server-side PAdES flow). */
  async signHash(params: SignHashParams, options?: CallOptions): Promise<HashSignature> {
    return readResult('hash', await this.call('sign.hash', await wireParams('hash', { ...params }), options, true)) as HashSignature;
  }

  /** CMS / CAdES signature (DER). */
  async signCms(params: SignCmsParams, options?: CallOptions): Promise<SignedData> {
    return readResult('cms', await this.call('sign.cms', await wireParams('cms', { ...params }), options, true)) as SignedData;
  }

  /** PAdES signature as an incremental update: earlier signatures stay valid. */
  async signPdf(params: SignPdfParams, options?: CallOptions): Promise<SignedData> {
    return readResult('pdf', await this.call('sign.pdf', await wireParams('pdf', { ...params }), options, true)) as SignedData;
  }

  /** XMLDSig with a profile: 'enveloped', 'einvoice' (Circular 78/2021) or 'tax' (HTKK). */
  async signXml(params: SignXmlParams, options?: CallOptions): Promise<SignedData> {
    return readResult('xml', await this.call('sign.xml', await wireParams('xml', { ...params }), options, true)) as SignedData;
  }

  /** Signs a Word, Excel or PowerPoint file (.docx/.xlsx/.pptx) as Office does; earlier signatures stay valid. */
  async signOffice(params: SignOfficeParams, options?: CallOptions): Promise<SignedData> {
    return readResult('office', await this.call('sign.office', await wireParams('office', { ...params }), options, true)) as SignedData;
  }

  /**
   * The agent's verification report of a signed document (no dialog; the document is checked on this machine):
   * `report.verdict` is 'valid' | 'invalid' | 'indeterminate' with `report.reason`, and every signature's signer,
   * time, integrity, trust path, certificate status at signing time and now, and level. docs/trust.md.
   */
  async verify(params: VerifyParams, options?: CallOptions): Promise<VerificationReport> {
    const wire: Record<string, unknown> = { document: await inputToBase64(params.document) };
    const name = params.fileName ?? fileNameOf(params.document, '');
    if (name) wire.fileName = name;
    if (params.content !== undefined) wire.content = await inputToBase64(params.content);
    return ((await this.call('document.verify', wire, options)) as { report: VerificationReport }).report;
  }

  /** Several signatures with one confirmation and at most one PIN. Each item succeeds or fails on its own. */
  async signBatch(params: SignBatchParams, options?: CallOptions): Promise<BatchResult[]> {
    const items = await Promise.all(params.items.map(async (it) => ({ kind: it.kind, params: await wireParams(it.kind, { ...it.params }) })));
    const res = (await this.call('sign.batch', { certId: params.certId, label: params.label, items }, options, true)) as {
      results: Array<{ ok: boolean; result?: unknown; error?: unknown }>;
    };
    return res.results.map((r, i): BatchResult =>
      r.ok ? { ok: true, result: readResult(params.items[i]!.kind, r.result) } : { ok: false, error: fromWireError(r.error) });
  }

  // ───────────────────────── plumbing ─────────────────────────

  /** Sends one call, reconnecting first if the agent went away; read-only calls are resent once after a drop. */
  async call(method: string, params: unknown, options: CallOptions = {}, waitsForUser = false): Promise<unknown> {
    const timeoutMs = options.timeoutMs ?? (waitsForUser ? this.opts.userTimeoutMs : this.opts.timeoutMs);
    const transport = await this.ensure();
    try {
      return await transport.call(method, params, { ...options, timeoutMs });
    } catch (e) {
      if (e instanceof ConnectionLostError && IDEMPOTENT.has(method)) {
        const again = await this.ensure();
        return again.call(method, params, { ...options, timeoutMs });
      }
      throw e;
    }
  }

  private ensure(): Promise<RpcTransport> {
    if (this.transport?.alive) return Promise.resolve(this.transport);
    if (!this.connecting) {
      this.connecting = this.establish().finally(() => {
        this.connecting = null;
      });
    }
    return this.connecting;
  }

  private async establish(): Promise<RpcTransport> {
    const o = this.opts;
    let extension: 'absent' | 'noAgent' | undefined;
    if (o.extension && o.transport === 'auto' && typeof window !== 'undefined') {
      // The extension first: when it is there, nothing depends on the browser letting the page reach loopback.
      if (await detectExtension()) {
        try {
          const t = await ExtensionTransport.open(o.extensionTimeoutMs, (n) => this.notify(n), () => this.dropped());
          this.transport = t;
          this.emit('connected', { transport: 'extension', secure: true, port: 0 });
          return t;
        } catch {
          extension = 'noAgent';
        }
      } else extension = 'absent';
    }
    let endpoint: Endpoint;
    try {
      endpoint = await discover(o);
    } catch (e) {
      if (e instanceof AgentUnavailableError && extension) e.extension = extension;
      throw e;
    }
    this.endpoint = endpoint;
    let transport: RpcTransport | null = null;
    if (o.transport !== 'http' && o.WebSocket) {
      const wsUrl = `${endpoint.secure ? 'wss' : 'ws'}://127.0.0.1:${endpoint.port}/v1/ws`;
      try {
        transport = await WsTransport.open(wsUrl, o.WebSocket, o.handshakeTimeoutMs, (n) => this.notify(n), () => this.dropped());
      } catch (e) {
        if (o.transport === 'ws') throw e instanceof KysoError ? e : new ConnectionLostError('CONNECTION_LOST', 'WebSocket failed', 0, true);
      }
    }
    transport ??= new HttpTransport(`${endpoint.base}/v1/rpc`, o.fetch);
    this.transport = transport;
    this.emit('connected', { transport: transport.kind, secure: endpoint.secure, port: endpoint.port });
    return transport;
  }

  private dropped(): void {
    this.emit('disconnected', undefined);
  }

  private notify(n: RpcNotification): void {
    if (n.method === 'tokens.changed') this.emit('tokenschanged', ((n.params ?? {}) as { tokens?: Token[] }).tokens ?? []);
  }

  private emit<K extends keyof ClientEvents>(event: K, payload: ClientEvents[K]): void {
    for (const l of this.listeners.get(event) ?? []) {
      try {
        l(payload);
      } catch (e) {
        // A listener's bug must not break the connection; surface it asynchronously.
        setTimeout(() => {
          throw e;
        });
      }
    }
  }
}

