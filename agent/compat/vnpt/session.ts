// One VNPT-compatible connection: function ids → kyso-agent JSON-RPC calls, answers in the plugin's formats.
import type { Cert, ConnectionContext, Dispatcher, Reason } from '../../core/index.js';
import { VNPT, vnptCodeFor } from './codes.js';
import { formatVnptReply, parseVnptFrame, vnptResult, type VnptRequest } from './frames.js';
import { hashAlgorithm, parseOptions, pdfParams, pick, xmlParams } from './options.js';
import { RpcFailure, rpcClient, type RpcCall } from './rpc.js';

export interface VnptSessionOptions {
  dispatcher: Dispatcher;
  /** Decodes base64 to UTF-8 text (injected: core-free adapters avoid assuming Buffer). */
  decodeBase64Text: (b64: string) => string;
}

/** Function ids of docs/protocol.md, VNPT-CA Plugin compatibility that kyso-agent answers. Others get code 5 naming the function. */
export const FN = {
  GetCertInfo: 0, SignXML: 1, SignPDF: 2, SignOFFICE: 3, SignCMS: 4, setLicenseKey: 6, checkPlugin: 7,
  signHash: 9, signArrDataAdvanced: 10, getVersion: 11, checkPluginAdvanced: 13, SetLanguage: 23, CheckToken: 34,
  SetGetCertFromUsbToken: 35, SetGetCertByPkcs11: 36, SetShowCertListDialog: 37, GetAllCertificates: 45,
  GetAllCertificatesBase64: 47,
} as const;
const NAMES = new Map<number, string>(Object.entries(FN).map(([k, v]) => [v, k]));

type Handler = (args: string[]) => Promise<string>;

/** The plugin's certificate object, as GetCertInfo returns it. */
function certInfo(c: Cert): Record<string, string> {
  return { serial: c.serialNumber.toUpperCase(), subjectCN: c.subject.commonName, issuerCN: c.issuer.commonName, notBefore: c.notBefore, notAfter: c.notAfter, base64: c.der };
}

const sameSerial = (a: string, b: string): boolean => a.replace(/^0+/, '').toLowerCase() === b.replace(/^0+/, '').toLowerCase();
const hashByLength: Record<number, 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512'> = { 20: 'SHA-1', 32: 'SHA-256', 48: 'SHA-384', 64: 'SHA-512' };

/**
 * Creates the per-connection handler. The origin in `ctx` comes from the WebSocket handshake; the frame's `domain`
 * field is ignored. Access approval, dialogs, limits and PIN handling are the core's, reached through JSON-RPC.
 */
export function createVnptSession(opts: VnptSessionOptions, ctx: ConnectionContext): { handle(text: string): Promise<string | null> } {
  const rpc: RpcCall = rpcClient(opts.dispatcher, ctx);
  let accessGranted = false;
  /** The certificate the page chose with GetCertInfo: later Sign* calls of the connection use it, like the plugin. */
  let chosen: Cert | undefined;

  async function ensureAccess(): Promise<void> {
    if (accessGranted) return;
    await rpc('session.requestAccess');
    accessGranted = true;
  }

  async function chooseCertificate(serial?: string): Promise<Cert> {
    await ensureAccess();
    if (serial) {
      const { certificates } = await rpc<{ certificates: Cert[] }>('certificates.list', {});
      const found = certificates.find((c) => sameSerial(c.serialNumber, serial));
      if (found) return (chosen = found);
    }
    if (chosen) return chosen;
    const { certificate } = await rpc<{ certificate: Cert }>('certificates.select', {});
    return (chosen = certificate);
  }

  const fail = (e: unknown): string => {
    if (e instanceof RpcFailure) return vnptResult(vnptCodeFor(e.reason), '', e.message);
    return vnptResult(VNPT.UNKNOWN, '', 'internal error');
  };

  const handlers = new Map<number, Handler>([
    [FN.checkPlugin, async () => '1'],
    // kyso-agent does not check VNPT licences: its own origin policy decides who may sign.
    [FN.setLicenseKey, async () => vnptResult(1)],
    // The agent's version only for approved origins (agent.info decides, THREATS T4); others get the protocol line.
    [FN.getVersion, async () => (await rpc<{ version?: string }>('agent.info').catch(() => ({ version: undefined }))).version ?? '1.0'],
    [FN.SetGetCertFromUsbToken, async () => vnptResult(VNPT.OK)],
    [FN.SetGetCertByPkcs11, async () => vnptResult(VNPT.OK)],
    [FN.SetShowCertListDialog, async () => vnptResult(VNPT.OK)],
    [FN.GetCertInfo, async (args) => {
      try {
        return JSON.stringify(certInfo(await chooseCertificate(args[1] || undefined)));
      } catch (e) {
        if (e instanceof RpcFailure && (e.reason === 'USER_CANCELLED' || e.reason === 'USER_TIMEOUT')) return '';
        return fail(e);
      }
    }],
    [FN.CheckToken, async () => {
      try {
        await ensureAccess();
        const { tokens } = await rpc<{ tokens: unknown[] }>('tokens.list');
        return tokens.length > 0 ? vnptResult(VNPT.OK, '1') : vnptResult(VNPT.NO_CERTIFICATE, '0', 'no token');
      } catch (e) { return fail(e); }
    }],
    [FN.GetAllCertificates, (args) => allCertificates(args, false)],
    [FN.GetAllCertificatesBase64, (args) => allCertificates(args, true)],
    [FN.SignXML, async (args) => {
      try {
        const xml = args[0] ?? '';
        const cert = await chooseCertificate();
        const params = xmlParams(parseOptions(args[1]), opts.decodeBase64Text(xml));
        const { xml: out } = await rpc<{ xml: string }>('sign.xml', { certId: cert.certId, xml, ...params });
        return vnptResult(VNPT.OK, out);
      } catch (e) { return fail(e); }
    }],
    [FN.SignPDF, async (args) => {
      try {
        const cert = await chooseCertificate();
        const params = pdfParams(parseOptions(args[1]));
        const { pdf } = await rpc<{ pdf: string }>('sign.pdf', { certId: cert.certId, pdf: args[0] ?? '', fileName: 'document.pdf', ...params });
        return vnptResult(VNPT.OK, pdf);
      } catch (e) { return fail(e); }
    }],
    // SignCMS returns the signed document: an attached SignedData.
    [FN.SignCMS, async (args) => {
      try {
        const cert = await chooseCertificate();
        const { cms } = await rpc<{ cms: string }>('sign.cms', { certId: cert.certId, data: args[0] ?? '', detached: false });
        return vnptResult(VNPT.OK, cms);
      } catch (e) { return fail(e); }
    }],
    [FN.signHash, async (args) => {
      try {
        const o = parseOptions(args[0]);
        const given = pick(o, 'hash', 'data');
        const hash = typeof given === 'string' ? given : (args[0] ?? '');
        const named = pick(o, 'DigestAlgorithm', 'HashAlgorithm');
        const alg = named ? hashAlgorithm(named, 'SHA-256') : hashByLength[Math.floor((hash.replace(/=+$/, '').length * 3) / 4)] ?? 'SHA-256';
        const cert = await chooseCertificate();
        const { signature } = await rpc<{ signature: string }>('sign.hash', { certId: cert.certId, hash, hashAlgorithm: alg });
        return vnptResult(VNPT.OK, signature);
      } catch (e) { return fail(e); }
    }],
    [FN.signArrDataAdvanced, (args) => signArray(args)],
  ]);

  async function allCertificates(_args: string[], base64: boolean): Promise<string> {
    try {
      await ensureAccess();
      const { certificates } = await rpc<{ certificates: Cert[] }>('certificates.list', { filter: { onlyValid: false } });
      const list = certificates.map((c) => (base64 ? certInfo(c) : { ...certInfo(c), base64: undefined }));
      return vnptResult(VNPT.OK, JSON.stringify(list));
    } catch (e) { return fail(e); }
  }

  /** signArrDataAdvanced: one confirmation for the array through sign.batch; the result is a JSON string literal. */
  async function signArray(args: string[]): Promise<string> {
    try {
      const raw: unknown = JSON.parse(args[0] ?? '[]');
      const entries = (Array.isArray(raw) ? raw : [raw]).map((e) => (typeof e === 'string' ? parseOptions(e) : (e as Record<string, unknown>)));
      const cert = await chooseCertificate(args[1] || undefined);
      const items = entries.map((e) => batchItem(e));
      const { results } = await rpc<{ results: Array<{ ok: boolean; result?: Record<string, string>; error?: { message: string; data: { reason: Reason } } }> }>(
        'sign.batch', { certId: cert.certId, label: `${items.length} tài liệu / documents`, items: items.filter((i) => i !== null) });
      let k = 0;
      const out = items.map((item) => {
        if (item === null) return { code: VNPT.BAD_INPUT, data: '', serial: cert.serialNumber.toUpperCase(), error: 'type not supported' };
        const r = results[k++];
        if (!r?.ok || !r.result) return { code: r?.error ? vnptCodeFor(r.error.data.reason) : VNPT.UNKNOWN, data: '', serial: cert.serialNumber.toUpperCase(), error: r?.error?.message ?? '' };
        const data = r.result.pdf ?? r.result.xml ?? r.result.cms ?? r.result.signature ?? '';
        return { code: VNPT.OK, data, serial: cert.serialNumber.toUpperCase(), error: '' };
      });
      return JSON.stringify(JSON.stringify(out.length === 1 ? out[0] : out));
    } catch (e) {
      return JSON.stringify(fail(e));
    }
  }

  function batchItem(e: Record<string, unknown>): { kind: string; params: Record<string, unknown> } | null {
    const data = typeof e.data === 'string' ? e.data : '';
    const type = typeof e.type === 'string' ? e.type.toLowerCase() : '';
    const o = typeof e.sigOptions === 'string' ? parseOptions(e.sigOptions) : (e.sigOptions as Record<string, unknown> | undefined) ?? {};
    switch (type) {
      case 'pdf': return { kind: 'pdf', params: { pdf: data, fileName: 'document.pdf', ...pdfParams(o) } };
      case 'xml': return { kind: 'xml', params: { xml: data, ...xmlParams(o, opts.decodeBase64Text(data)) } };
      case 'cmsdetached': return { kind: 'cms', params: { data, detached: true } };
      case 'txt': return { kind: 'cms', params: { data, detached: false } };
      case 'hash': return { kind: 'hash', params: { hash: data, hashAlgorithm: hashAlgorithm(pick(o, 'DigestAlgorithm', 'HashAlgorithm'), 'SHA-256') } };
      default: return null; // docx/xlsx/pptx: OOXML signing is not implemented
    }
  }

  return {
    async handle(text: string): Promise<string | null> {
      const req: VnptRequest | null = parseVnptFrame(text);
      if (!req) return null;
      const handler = handlers.get(req.functionID);
      const result = handler
        ? await handler(req.args)
        : vnptResult(VNPT.UNKNOWN, '', `${NAMES.get(req.functionID) ?? `function ${req.functionID}`} không được hỗ trợ / not supported by kyso-agent`);
      return formatVnptReply(result, req.funcCallback);
    },
  };
}
