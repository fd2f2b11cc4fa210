// startAgent: the composition root for plain Node — policy, settings, log, TLS, modules, dispatcher, listeners.
import type { DocumentVerifier } from '../core/verify/report.js';
import type { DocumentVerifierOptions } from '../signing/verify/document.js';
import type { DocumentWorker } from '../signing/worker/index.js';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { type Clock, type DocumentSigners, type Logger, type TokenService, type UserPrompt } from '../core/index.js';
import { createCertificateStatus } from '../certs/status/index.js';
import { createDispatcher, type AgentDispatcher } from '../core/dispatcher.js';
import type { LimitOptions } from '../core/policy/limits.js';
import { OriginAccess, originGate } from '../core/policy/origins.js';
import { SettingsCell } from '../core/settings.js';
import { createPkcs11TokenService, type ModuleCandidate } from '../pkcs11/index.js';
import { InflightBudget, createAgentServer, type AgentServer, type Mount, type OriginGate, type ServerLimits } from '../server/index.js';
import { MAX_INFLIGHT_BYTES } from '../core/protocol/limits.js';
import { sha256Hex } from '../core/protocol/encoding.js';
import { startVnptListener, VNPT_PORTS } from './vnpt-listener.js';
import { osFamily, statusCertificateChecks, vnptPdfVerifier } from './vnpt-ports.js';
import { createVnptSession } from '../compat/vnpt/index.js';
import { decodeBase64TextSliced, decodeUtf8Sliced } from '../server/large-text.js';
import { startRelayChannel, type RelayChannel } from '../relay/index.js';
// Not '../tls/index.js': it re-exports the CA issuer and with it @peculiar/x509, which only a first start (or a
// renewal) needs; tls/store loads it on demand. Keeps ~100 ms and several MB out of every start.
import { ensurePrivateDir } from '../tls/atomic-file.js';
import { caStatus, prepareTls } from '../tls/manage.js';
import type { LocalTls } from '../tls/store.js';
import { resolveDataDir, resolvePolicyPath } from './data-dir.js';
import { createFileLogger, type FileLogger } from './file-logger.js';
import { planModules } from './modules.js';
import { noUiPrompt } from './no-ui-prompt.js';
import { loadPolicy, type LoadedPolicy } from './policy-file.js';
import { fileSettingsStore } from './settings-file.js';
import { agentVersion } from './version.js';
import { locateDocumentWorker } from '../signing/worker/locate.js';
import { startUiControl, type PanelOpener, type UiControl } from './ui-control.js';

export const DEFAULT_TLS_PORT = 14433;
export const DEFAULT_PLAIN_PORT = 14434;

export interface StartOptions {
  dataDir?: string;
  policyPath?: string;
  /** TLS port; 0 = any free port. Default 14433. */
  port?: number;
  /** Plain port when enabled; 0 = any free port. Default 14434. */
  plainPort?: number;
  /** Development mode: the plain ws/http port is on. */
  dev?: boolean;
  lang?: 'vi' | 'en';
  env?: NodeJS.ProcessEnv;
  /** Home directory whose trust stores are updated after a CA renewal. */
  home?: string;
  /** Dialog host. Default: none (every question → USER_CANCELLED). Tests inject the scripted prompt here only. */
  prompt?: UserPrompt;
  /** 'browser': dialogs are pages under /ui/ opened in the user's browser (ignored when `prompt` is given). */
  ui?: 'browser' | 'none';
  /** Folder of the renderer bundle for `ui: 'browser'` (tests build a private one). Default: dist/renderer-bundle. */
  uiBundleDir?: string;
  /** Replace discovery with exactly these modules (tests, benchmarks). */
  modules?: ModuleCandidate[];
  /** Replace the token layer entirely (unit-style tests). */
  tokens?: TokenService;
  documents?: DocumentSigners;
  /**
   * The document worker's script (large XML and Office documents are worked off the event loop, docs/security.md
   * T22); null: everything in the agent's thread. Default: the script beside the compiled code (locate.ts).
   */
  documentWorker?: URL | null;
  /** Prompt rate override (benchmarks). */
  promptLimits?: Partial<LimitOptions>;
  serverLimits?: Partial<ServerLimits>;
  mounts?: Mount[];
  /**
   * Ports for the VNPT-CA Plugin compatible listener, tried in order (default 4433, 4434, 4435 when policy
   * `compat.vnpt` is on); an empty list turns it off.
   */
  vnptPorts?: number[];
  /** The local channel the browser extension's native host relays to (default on; docs/extension.md). */
  relay?: boolean;
  /**
   * How `kyso-agent ui <page>` gets a page shown (the Electron shell shows a window). Default with `ui: 'browser'`:
   * a launcher file the command opens in its own session. The control channel is off when there is neither.
   */
  panelOpener?: PanelOpener;
  /** The control channel of `kyso-agent ui` (default on). */
  uiControl?: boolean;
  /** Echo log lines on stderr. */
  logEcho?: boolean;
  clock?: Clock;
}

export interface RunningAgent {
  tlsPort: number;
  plainPort: number | null;
  vnptPort: number | null;
  /** The relay channel (socket path / pipe name) or null when off or owned by another agent of this user. */
  relayPath: string | null;
  dataDir: string;
  version: string;
  policy: LoadedPolicy;
  tls: LocalTls;
  logger: FileLogger;
  tokens: TokenService;
  dispatcher: AgentDispatcher;
  server: AgentServer;
  access: OriginAccess;
  /** The user's settings (language, PIN session minutes, site decisions): the settings page reads and updates it. */
  settings: SettingsCell;
  /** The verification service (document.verify and the "Kiểm tra chữ ký" page). */
  verifier: DocumentVerifier;
  /** The ready line of docs/protocol.md (without newline). */
  readyLine(): string;
  /** Stops accepting, answers in-flight requests, logs out of tokens, finalises modules. Idempotent. */
  stop(): Promise<void>;
}

/** The document worker, made on first use by the signing formats or the verifier (docs/architecture.md). */
interface LazyWorker {
  get(): Promise<DocumentWorker | null>;
  stop(): Promise<void>;
}

function lazyWorker(script: URL | null, logger: Logger): LazyWorker {
  let made: Promise<DocumentWorker> | undefined;
  return {
    get: () => (script ? (made ??= import('../signing/worker/index.js').then((m) => new m.DocumentWorker({ script, logger }))) : Promise.resolve(null)),
    stop: async () => {
      if (made) await (await made).stop();
    },
  };
}

/**
 * The signing formats, loaded on first use: most sessions sign a hash or nothing, and the PDF/XML/CMS code and
 * its libraries would otherwise cost start-up time and idle memory. Large XML and Office documents go to the
 * document worker when there is one.
 */
function lazyDocumentSigners(worker: LazyWorker, logger: Logger): DocumentSigners {
  let loaded: Promise<DocumentSigners> | undefined;
  const load = async (): Promise<DocumentSigners> => {
    const local = (await import('../signing/index.js')).createDocumentSigners();
    const w = await worker.get();
    return w ? (await import('../signing/worker/index.js')).offloadLargeDocuments(local, w, logger) : local;
  };
  const get = (): Promise<DocumentSigners> => (loaded ??= load());
  return {
    describePdf: async (...a) => (await get()).describePdf(...a),
    signPdf: async (...a) => (await get()).signPdf(...a),
    describeXml: async (...a) => (await get()).describeXml(...a),
    signXml: async (...a) => (await get()).signXml(...a),
    signCms: async (...a) => (await get()).signCms(...a),
    describeOffice: async (...a) => (await get()).describeOffice(...a),
    signOffice: async (...a) => (await get()).signOffice(...a),
    sha256Hex: async (data) => {
      const signers = await get();
      return signers.sha256Hex ? signers.sha256Hex(data) : sha256Hex(data);
    },
    // B-LT/B-LTA (core/status/long-term.ts) need it; without it sign.pdf at those levels answered INTERNAL.
    extendPdf: async (...a) => (await get()).extendPdf!(...a),
  };
}

/** The verification service, loaded on first use like the signing formats; large XML/Office files in the worker. */
function lazyDocumentVerifier(options: DocumentVerifierOptions, worker: LazyWorker, logger: Logger): DocumentVerifier {
  let loaded: Promise<DocumentVerifier> | undefined;
  const load = async (): Promise<DocumentVerifier> => {
    const [{ createDocumentVerifier }, w] = await Promise.all([import('../signing/verify/document.js'), worker.get()]);
    if (!w) return createDocumentVerifier(options);
    const [{ offloadLargeVerifications }, { verifyXml }, { verifyOffice }] = await Promise.all([
      import('../signing/worker/index.js'), import('../signing/verify/xml.js'), import('../signing/ooxml/verify.js'),
    ]);
    return createDocumentVerifier({ ...options, formats: offloadLargeVerifications({ xml: verifyXml, office: verifyOffice }, w, logger) });
  };
  const get = (): Promise<DocumentVerifier> => (loaded ??= load());
  return { verify: async (...a) => (await get()).verify(...a) };
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export async function startAgent(options: StartOptions = {}): Promise<RunningAgent> {
  const env = options.env ?? process.env;
  const dataDir = resolveDataDir(options.dataDir, env);
  await ensurePrivateDir(dataDir);
  const logger = createFileLogger({ dir: join(dataDir, 'logs'), echo: options.logEcho });
  const clock: Clock = options.clock ?? { now: () => new Date() };
  const version = agentVersion();
  logger.info('agent.starting', { version, pid: process.pid, node: process.version });

  const cleanup: Array<() => Promise<void> | void> = [() => logger.close()];
  const unwind = async (): Promise<void> => {
    for (const f of cleanup.reverse()) await Promise.resolve(f()).catch(() => undefined);
  };
  try {
    const policy = await loadPolicy(resolvePolicyPath(options.policyPath, env));
    if (policy.source === 'safest') logger.warn('policy.broken', { path: policy.path, problems: policy.problems.join(' | ').slice(0, 400) });
    else logger.info('policy.loaded', { path: policy.path, source: policy.source });

    const settings = await SettingsCell.open(fileSettingsStore(dataDir, logger), logger);
    if (options.lang) await settings.update((s) => void (s.language = options.lang!));
    const tls = await prepareTls(dataDir, options.home ?? env.HOME ?? homedir(), logger);

    let tokens = options.tokens;
    if (!tokens) {
      const modules = options.modules ?? (await planModules(dataDir, policy.policy, logger, env)).modules;
      tokens = createPkcs11TokenService({
        modules,
        clock,
        logger,
        idleMinutes: policy.policy.signing.pinSessionMinutes,
        requirePinEveryTime: policy.policy.signing.requirePinEveryTime,
      });
    }
    const tokenService = tokens;
    cleanup.push(() => tokenService.close());

    const access = new OriginAccess(policy.policy, settings, clock);
    const plainOn = options.dev === true || policy.policy.plainPort;
    const mounts: Mount[] = [...(options.mounts ?? [])];
    let ports: { tlsPort: number | null; plainPort: number | null } = { tlsPort: null, plainPort: null };
    let vnptPort: number | null = null;
    let prompt = options.prompt;
    const status = await createCertificateStatus({ dataDir, policy: policy.policy, logger });
    const anchors = (): Uint8Array[] => status.anchors.map((a) => a.der);
    // document.verify and the "Kiểm tra chữ ký" page: the same anchors and status service as signing (docs/trust.md).
    const worker = lazyWorker(options.documentWorker === undefined ? locateDocumentWorker() : options.documentWorker, logger);
    cleanup.push(() => worker.stop());
    const verifier = lazyDocumentVerifier({ anchors, status: status.service }, worker, logger);
    let panelOpener = options.panelOpener;
    if (!prompt && options.ui === 'browser') {
      const { createBrowserPrompt, createUrlOpener, createAgentPanels, caTrustRows } = await import('../prompt/index.js');
      const home = options.home ?? env.HOME ?? homedir();
      const browser = createBrowserPrompt({
        // In --dev the dialogs use the plain port, so no certificate needs to be trusted to see them.
        baseUrl: () => (ports.plainPort !== null && options.dev ? `http://127.0.0.1:${ports.plainPort}` : `https://127.0.0.1:${ports.tlsPort}`),
        // $BROWSER from the environment the agent was started with (not necessarily this process's).
        open: createUrlOpener(env),
        // Dialog URLs go through private launcher files, never onto the opener's command line (docs/security.md T1/T10).
        launchDir: join(dataDir, 'ui-launch'),
        logger,
        lang: () => settings.get().language,
        dialogTimeoutMs: 5 * 60_000,
        ...(options.uiBundleDir ? { bundleDir: options.uiBundleDir } : {}),
        // Read late: the panels only open once the agent runs.
        panels: createAgentPanels({
          version,
          platform: `${process.platform} ${process.arch}`,
          access,
          settings,
          policy,
          tokens: tokenService,
          ports: () => ({ tls: ports.tlsPort, plain: ports.plainPort, vnpt: vnptPort }),
          caTrust: async () => caTrustRows(await caStatus(dataDir, home)),
          lang: () => settings.get().language,
          verifier,
        }),
        tokenLabels: async () => (await tokenService.listTokens()).map((t) => ({ tokenId: t.tokenId, label: t.label, manufacturer: t.manufacturer })),
        // The log has it (ui.unavailable); in --dev the person at the terminal sees why nothing opened.
        ...(options.dev ? { onUnavailable: (detail: string) => void process.stderr.write(`kyso-agent: no dialog window could be shown (UI_UNAVAILABLE): ${detail}\n`) } : {}),
      });
      mounts.push(browser.mount);
      cleanup.push(() => browser.closeAll());
      prompt = browser;
      panelOpener ??= async (page) => ({ kind: 'launcher', ...(await browser.preparePanel(page)) });
    }
    const documents = options.documents ?? lazyDocumentSigners(worker, logger);
    const dispatcher = createDispatcher({
      status: status.service,
      verifier,
      tokens: tokenService,
      prompt: prompt ?? noUiPrompt(logger),
      documents,
      access,
      settings,
      policy: policy.policy,
      clock,
      logger,
      version,
      ...(options.promptLimits ? { limits: options.promptLimits } : {}),
    });
    cleanup.push(() => dispatcher.close());

    // The handshake header must be exactly what a browser sends (docs/protocol.md "Origins").
    const origins: OriginGate = originGate(access, () => policy.policy.allowPairing);
    // One in-flight byte budget for every listener of this agent (docs/security.md T23).
    const budget = new InflightBudget(options.serverLimits?.maxInflightBytes ?? MAX_INFLIGHT_BYTES);
    const server = createAgentServer({
      budget,
      dispatcher,
      origins,
      logger,
      version,
      tls: { port: options.port ?? DEFAULT_TLS_PORT, credentials: { key: tls.key, cert: tls.cert } },
      plain: plainOn ? { port: options.plainPort ?? DEFAULT_PLAIN_PORT } : null,
      limits: options.serverLimits,
      mounts,
      notifications: { attach: (ctx) => dispatcher.attach(ctx) },
    });
    ports = await server.start();
    cleanup.push(() => server.close());

    const vnptPorts = policy.policy.compat.vnpt ? (options.vnptPorts ?? VNPT_PORTS) : [];
    // The VNPT session's ports, the same for the compat listener and the extension's VNPT channels.
    const vnptSession = {
      checks: statusCertificateChecks({ status: status.service, anchors, revocationCheck: () => policy.policy.signing.revocationCheck }),
      verifyPdf: vnptPdfVerifier(verifier),
      logout: (tokenId?: string) => tokenService.logout(tokenId),
      computer: { os: osFamily(process.platform), version },
    };
    const vnpt = vnptPorts.length > 0
      ? await startVnptListener({
        dispatcher, origins, logger, version, credentials: { key: tls.key, cert: tls.cert }, ports: vnptPorts, limits: options.serverLimits, budget,
        session: vnptSession,
      })
      : null;
    if (vnpt) cleanup.push(() => vnpt.server.close());
    vnptPort = vnpt?.port ?? null;

    // The extension route: page channels relayed by the native host reach the same dispatcher and VNPT sessions.
    let relay: RelayChannel | null = null;
    if (options.relay !== false) {
      relay = await startRelayChannel({
        dataDir,
        version,
        logger,
        origins,
        kinds: new Set(policy.policy.compat.vnpt ? ['rpc', 'vnpt'] : ['rpc']),
        open: (kind, ctx) => (kind === 'rpc' ? { handle: (text: string) => dispatcher.handle(text, ctx), handleBytes: (bytes: Uint8Array) => dispatcher.handle(bytes, ctx) } : createVnptSession({ ...vnptSession, dispatcher, decodeBase64Text: decodeBase64TextSliced }, ctx)),
        attach: (ctx) => dispatcher.attach(ctx),
        decodeText: (bytes) => decodeUtf8Sliced(bytes, false),
        // The same caps and the same in-flight budget as the wss/https listeners (THREATS T22/T23).
        budget,
        limits: {
          ...(options.serverLimits?.maxPayloadBytes !== undefined ? { maxPayloadBytes: options.serverLimits.maxPayloadBytes } : {}),
          ...(options.serverLimits?.maxUnapprovedPayloadBytes !== undefined ? { maxUnapprovedPayloadBytes: options.serverLimits.maxUnapprovedPayloadBytes } : {}),
          ...(options.serverLimits?.messageTimeoutMs !== undefined ? { messageTimeoutMs: options.serverLimits.messageTimeoutMs } : {}),
        },
      }).catch((e: unknown) => {
        logger.error('relay.failed', { detail: errorText(e) });
        return null;
      });
      if (relay) cleanup.push(() => relay!.close());
    }
    // `kyso-agent ui diagnostics|settings|about` reaches this agent here (docs/security.md "Pages opened from the command line").
    let control: UiControl | null = null;
    if (options.uiControl !== false && panelOpener) {
      control = await startUiControl({ dataDir, logger, open: panelOpener }).catch((e: unknown) => {
        logger.error('ui.control.start_failed', { detail: errorText(e) });
        return null;
      });
      if (control) cleanup.push(() => control!.close());
    }
    logger.info('agent.ready', { tlsPort: ports.tlsPort, plainPort: ports.plainPort, vnptPort: vnpt?.port ?? null });

    let stopping: Promise<void> | null = null;
    const agent: RunningAgent = {
      tlsPort: ports.tlsPort!,
      plainPort: ports.plainPort,
      vnptPort: vnpt?.port ?? null,
      relayPath: relay?.path ?? null,
      dataDir,
      version,
      policy,
      tls,
      logger,
      tokens: tokenService,
      dispatcher,
      server,
      access,
      settings,
      verifier,
      readyLine: () => JSON.stringify({ event: 'ready', tlsPort: agent.tlsPort, plainPort: agent.plainPort, vnptPort: agent.vnptPort }),
      stop: () => {
        stopping ??= (async () => {
          logger.info('agent.stopping', {});
          await server.close().catch((e) => logger.error('agent.stop-server', { detail: errorText(e) }));
          await vnpt?.server.close().catch((e) => logger.error('agent.stop-vnpt', { detail: errorText(e) }));
          await relay?.close().catch((e) => logger.error('agent.stop-relay', { detail: errorText(e) }));
          await control?.close().catch((e) => logger.error('agent.stop-control', { detail: errorText(e) }));
          dispatcher.close();
          await tokenService.logout().catch(() => undefined);
          await tokenService.close().catch((e) => logger.error('agent.stop-tokens', { detail: errorText(e) }));
          logger.info('agent.stopped', {});
          logger.close();
        })();
        return stopping;
      },
    };
    return agent;
  } catch (e) {
    logger.error('agent.start-failed', { detail: errorText(e) });
    await unwind();
    throw e;
  }
}

export type { Logger };
