// One VNPT-compatible connection: function ids → kyso-agent JSON-RPC calls, answers in the plugin's formats.
// Transport-independent: a frame's text and the connection's origin in, the reply frame's text out. The wss listener
// and the browser extension's relay both drive it the same way (docs/vnpt-compat.md "Driving a session").
import type { Cert, ConnectionContext, Dispatcher, MessageText } from '../../core/index.js';
import { decodeBase64 } from '../../core/index.js';
import { decodeBase64Sliced } from '../../core/protocol/slices.js';
import { runCheck, checkTime, type CertificateChecks, type CheckKind } from './cert-checks.js';
import { CERT, VNPT, vnptCodeFor, vnptErrorText } from './codes.js';
import { formatVnptReply, parseVnptFrame, vnptResult, type VnptRequest } from './frames.js';
import { FN, NAMES } from './functions.js';
import { UnsupportedOption } from './options.js';
import { RpcFailure, rpcClient, type RpcCall } from './rpc.js';
import { signHandlers } from './sign.js';

/** One signature of a PDF as VerifyPdf reports it (docs/vnpt-compat.md). */
export interface VnptPdfSignature {
  signer: string | null;
  signingTime: string | null;
  /** The signed bytes are unchanged and the signature verifies with the signer's key. */
  valid: boolean;
  coversWholeDocument: boolean;
  /** Chain to the configured anchors: true/false, null when no anchors are configured. */
  trusted: boolean | null;
  /** The agent's verdict of this signature (docs/trust.md "Verification"): valid | invalid | indeterminate. */
  verdict?: string;
  reason?: string;
  level?: string;
}

export interface VnptSessionOptions {
  dispatcher: Dispatcher;
  /**
   * Decodes base64 to UTF-8 text (injected: core-free adapters avoid assuming Buffer); a 64 MiB XML in slices with
   * turns of the event loop between them (docs/security.md T22).
   */
  decodeBase64Text: (b64: string) => Promise<string>;
  /** Certificate checks 14–22; absent → those functions answer the plugin's "unknown error" code. */
  checks?: CertificateChecks;
  /** VerifyPdf (42); absent → not supported. */
  verifyPdf?: (pdf: Uint8Array, checkRevocation: boolean) => Promise<VnptPdfSignature[]>;
  /** Logs token sessions out (all tokens when no id): ClearPinCache and signArrDataAdvanced's clearPINCache. */
  logout?: (tokenId?: string) => Promise<void>;
  /** GetComputerInfo: OS family ("Windows", "macOS", "Linux") and the agent's version, nothing identifying. */
  computer?: { os: string; version: string };
  now?: () => Date;
}


export type Handler = (args: string[]) => Promise<MessageText>;

/** What the handler files share about one connection. */
export interface SessionCore {
  rpc: RpcCall;
  opts: VnptSessionOptions;
  now(): Date;
  ensureAccess(): Promise<void>;
  chooseCertificate(serial?: string): Promise<Cert>;
  /** Every certificate of the present tokens, expired and key-less ones included. */
  allCertificates(): Promise<Cert[]>;
  /** A failure as the plugin's `{code, data, error}` object (bilingual error text). */
  failure(e: unknown): { code: number; data: string; error: string };
}

/** The plugin's certificate object, as GetCertInfo returns it. */
export function certInfo(c: Cert): Record<string, string> {
  return { serial: c.serialNumber.toUpperCase(), subjectCN: c.subject.commonName, issuerCN: c.issuer.commonName, notBefore: c.notBefore, notAfter: c.notAfter, base64: c.der };
}

/** Longest base64/PEM certificate a page may give the checks: real ones are a few KiB. */
const MAX_CERTIFICATE_CHARS = 1024 * 1024;

const sameSerial = (a: string, b: string): boolean => a.replace(/^0+/, '').toLowerCase() === b.replace(/^0+/, '').toLowerCase();

/** The plugin's language names ("vi_vn", "en_US", "la_lao"); Lao dialogs do not exist, so Lao reads Vietnamese. */
function languageOf(name: string): 'vi' | 'en' | undefined {
  const n = name.toLowerCase();
  if (n.startsWith('en')) return 'en';
  if (n.startsWith('vi') || n.startsWith('la')) return 'vi';
  return undefined;
}

/**
 * Creates the per-connection handler. The origin in `ctx` comes from the WebSocket handshake (or the browser's
 * sender.origin when the extension relays); the frame's `domain` field is ignored. Access approval, dialogs,
 * limits and PIN handling are the core's, reached through JSON-RPC.
 */
export function createVnptSession(opts: VnptSessionOptions, ctx: ConnectionContext): { handle(text: string): Promise<MessageText | null> } {
  const rpc: RpcCall = rpcClient(opts.dispatcher, ctx);
  const now = opts.now ?? (() => new Date());
  let accessGranted = false;
  /** The certificate the page chose with GetCertInfo: later Sign* calls of the connection use it, like the plugin. */
  let chosen: Cert | undefined;

  const core: SessionCore = {
    rpc,
    opts,
    now,
    async ensureAccess() {
      if (accessGranted) return;
      await rpc('session.requestAccess');
      accessGranted = true;
    },
    async allCertificates() {
      await core.ensureAccess();
      return (await rpc<{ certificates: Cert[] }>('certificates.list', { filter: { onlyValid: false, onlyWithPrivateKey: false } })).certificates;
    },
    async chooseCertificate(serial?: string) {
      await core.ensureAccess();
      if (serial) {
        const { certificates } = await rpc<{ certificates: Cert[] }>('certificates.list', {});
        const found = certificates.find((c) => sameSerial(c.serialNumber, serial));
        if (found) return (chosen = found);
      }
      if (chosen) return chosen;
      const { certificate } = await rpc<{ certificate: Cert }>('certificates.select', {});
      return (chosen = certificate);
    },
    failure(e: unknown) {
      if (e instanceof RpcFailure) return { code: vnptCodeFor(e.reason), data: '', error: vnptErrorText(e.reason, e.detail) };
      if (e instanceof UnsupportedOption) return { code: e.code, data: '', error: e.message };
      return { code: VNPT.UNKNOWN, data: '', error: vnptErrorText('INTERNAL') };
    },
  };
  const fail = (e: unknown): string => JSON.stringify(core.failure(e));

  /**
   * A certificate named by serial (one of the tokens') or given as base64 DER (PEM armour and spaces allowed); null
   * when neither works. A "certificate" longer than any real one is unreadable, not scanned (T22).
   */
  async function certificateArg(value: string | undefined, base64: boolean): Promise<Uint8Array | null> {
    if (!value) return null;
    if (base64) return value.length > MAX_CERTIFICATE_CHARS ? null : decodeBase64Sliced(value.replace(/-----[^-]+-----|\s/g, ''));
    const found = (await core.allCertificates()).find((c) => sameSerial(c.serialNumber, value));
    return found ? decodeBase64(found.der) : null;
  }

  const check = (kind: CheckKind, base64: boolean): Handler => async (args) => {
    // The checks answer bare numbers only: without a checker, the plugin's "unknown error".
    if (!opts.checks) return String(CERT.ERROR);
    try {
      await core.ensureAccess();
      const der = await certificateArg(args[0], base64);
      // CheckCRL's 4th argument: a CRL the page already has (data, never a URL to fetch).
      const crl = kind === 'crl' && args[3] ? (await decodeBase64Sliced(args[3])) ?? undefined : undefined;
      return await runCheck(opts.checks, kind, der, checkTime(args[1], now()), base64 ? 'document' : 'token', crl);
    } catch {
      // Not approved, cancelled…: the checks answer numbers only.
      return String(CERT.ERROR);
    }
  };

  const simple = (fn: () => Promise<MessageText>): Handler => async () => {
    try {
      return await fn();
    } catch (e) {
      return fail(e);
    }
  };

  const handlers = new Map<number, Handler>([
    [FN.checkPlugin, async () => '1'],
    // kyso-agent does not check VNPT licences: its own origin policy decides who may sign.
    [FN.setLicenseKey, async () => vnptResult(1)],
    // The agent's version only for approved origins (agent.info decides, docs/security.md T4); others get the protocol line.
    [FN.getVersion, async () => (await rpc<{ version?: string }>('agent.info').catch(() => ({ version: undefined }))).version ?? '1.0'],
    // Where the plugin finds certificates and whether it shows its list: the agent always uses its own tokens and picker.
    [FN.SetGetCertFromUsbToken, async () => vnptResult(VNPT.OK)],
    [FN.SetGetCertByPkcs11, async () => vnptResult(VNPT.OK)],
    [FN.SetShowCertListDialog, async () => vnptResult(VNPT.OK)],
    [FN.SetLanguage, async (args) => {
      const lang = languageOf(args[0] ?? '');
      if (!lang) return vnptResult(VNPT.BAD_INPUT, '', 'Ngôn ngữ không được hỗ trợ / Language not supported');
      ctx.lang = lang;
      return vnptResult(VNPT.OK);
    }],
    [FN.GetCertInfo, async (args) => {
      try {
        return JSON.stringify(certInfo(await core.chooseCertificate(args[1] || undefined)));
      } catch (e) {
        if (e instanceof RpcFailure && (e.reason === 'USER_CANCELLED' || e.reason === 'USER_TIMEOUT')) return '';
        return fail(e);
      }
    }],
    [FN.CheckToken, simple(async () => {
      await core.ensureAccess();
      const { tokens } = await rpc<{ tokens: unknown[] }>('tokens.list');
      return tokens.length > 0 ? vnptResult(VNPT.OK, '1') : vnptResult(VNPT.NO_CERTIFICATE, '0', vnptErrorText('TOKEN_NOT_PRESENT'));
    })],
    [FN.GetAllCertificates, simple(async () => vnptResult(VNPT.OK, JSON.stringify((await core.allCertificates()).map((c) => ({ ...certInfo(c), base64: undefined })))))],
    [FN.GetAllCertificatesBase64, simple(async () => vnptResult(VNPT.OK, JSON.stringify((await core.allCertificates()).map(certInfo))))],
    [FN.GetComputerInfo, simple(async () => {
      await core.ensureAccess();
      return vnptResult(VNPT.OK, JSON.stringify({ os: opts.computer?.os ?? 'unknown', version: opts.computer?.version ?? '' }));
    })],
    [FN.ClearPinCache, simple(async () => {
      await core.ensureAccess();
      if (!opts.logout) return vnptResult(VNPT.UNKNOWN, '', vnptErrorText('METHOD_NOT_FOUND'));
      await opts.logout();
      return vnptResult(VNPT.OK);
    })],
    [FN.VerifyPdf, async (args) => {
      try {
        if (!opts.verifyPdf) return vnptResult(VNPT.UNKNOWN, '', vnptErrorText('METHOD_NOT_FOUND'));
        await core.ensureAccess();
        const pdf = await decodeBase64Sliced(args[0] ?? '');
        if (!pdf) return vnptResult(VNPT.BAD_INPUT, '', vnptErrorText('DOCUMENT_INVALID'));
        return vnptResult(VNPT.OK, JSON.stringify(await opts.verifyPdf(pdf, args[1] === '1')));
      } catch (e) {
        return fail(e);
      }
    }],
    [FN.ValidateCertificate, check('validate', false)],
    [FN.ValidateCertificateBase64, check('validate', true)],
    [FN.CheckValidTime, check('validity', false)],
    [FN.CheckValidTimeBase64, check('validity', true)],
    [FN.CheckOCSP, check('ocsp', false)],
    [FN.CheckOCSPBase64, check('ocsp', true)],
    [FN.CheckCRL, check('crl', false)],
    [FN.CheckCRLBase64, check('crl', true)],
    ...signHandlers(core),
  ]);

  return {
    async handle(text: string): Promise<MessageText | null> {
      const req: VnptRequest | null = await parseVnptFrame(text);
      if (!req) return null;
      const handler = handlers.get(req.functionID);
      const result = handler
        ? await handler(req.args)
        : await vnptResult(VNPT.UNKNOWN, '', `${NAMES.get(req.functionID) ?? `function ${req.functionID}`} không được hỗ trợ / not supported by kyso-agent`);
      return formatVnptReply(result, req.funcCallback);
    },
  };
}
