// The plugin's signing functions: SignXML, SignPDF, SignOFFICE, SignCMS, signHash and signArrDataAdvanced.
import type { Cert, MessageText, Reason } from '../../core/index.js';
import { decodeBase64, isMethod } from '../../core/index.js';
import { VNPT, vnptCodeFor, vnptErrorText } from './codes.js';
import { vnptResult } from './frames.js';
import { certCode } from './cert-checks.js';
import { UnsupportedOption, digestOf, flag, hashAlgorithm, parseOptions, parseOptionsSliced, pick, xmlParams } from './options.js';
import { pdfParams, type SignerFacts } from './pdf-options.js';
import { FN } from './functions.js';
import { parseJsonSliced, stringifyPieces, stringifyTexts } from '../../core/protocol/json.js';
import type { Handler, SessionCore } from './session.js';

type Item = { kind: string; params: Record<string, unknown> };
type ItemResult = { code: number; data: string; error: string; serial: string };
type BatchResult = { ok: boolean; result?: Record<string, string>; error?: { message: string; data: { reason: Reason; detail?: string } } };

const hashByLength: Record<number, 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512'> = { 20: 'SHA-1', 32: 'SHA-256', 48: 'SHA-384', 64: 'SHA-512' };

/** Base64 characters of the first 64 KiB (and a little more) of a document: a multiple of 4, so it decodes alone. */
const HEAD_CHARS = 4 * Math.ceil((64 * 1024) / 3);

/** The OOXML part names tell Word, Excel and PowerPoint files apart (the file name is not sent). */
function officeFileName(b64: string): string {
  // Only the head is looked at, so only the head is decoded (not a 64 MiB document in one go, docs/security.md T22).
  const bytes = decodeBase64(b64.slice(0, HEAD_CHARS));
  const text = bytes ? new TextDecoder('latin1').decode(bytes.subarray(0, 64 * 1024)) : '';
  return text.includes('xl/') ? 'document.xlsx' : text.includes('ppt/') ? 'document.pptx' : 'document.docx';
}

/**
 * The one hook for Office documents: SignOFFICE and the docx/xlsx/pptx items call `sign.office` once the agent has
 * that method; until then they answer "not supported" (docs/vnpt-compat.md).
 */
const OFFICE = { method: 'sign.office', kind: 'office', available: (): boolean => isMethod('sign.office') } as const;

/** sign.* result → the signed bytes the plugin returns. */
const signedData = (r: Record<string, string>): string => r.pdf ?? r.xml ?? r.cms ?? r.document ?? r.signature ?? '';

export function signHandlers(core: SessionCore): Array<[number, Handler]> {
  const { rpc, opts } = core;
  const facts = (cert: Cert): SignerFacts => ({ commonName: cert.subject.commonName, dn: cert.subject.dn, ...(cert.subject.organization ? { organization: cert.subject.organization } : {}) });
  const wrap = (fn: (args: string[]) => Promise<MessageText>): Handler => async (args) => {
    try {
      return await fn(args);
    } catch (e) {
      return JSON.stringify(core.failure(e));
    }
  };
  /** The page may name the certificate in the option object (CertificateSerial), as the plugin allows. */
  const certFor = (o: Record<string, unknown>): Promise<Cert> => {
    const serial = pick(o, 'CertificateSerial');
    return core.chooseCertificate(typeof serial === 'string' ? serial : undefined);
  };

  /** One sigOptions/option object + data → a sign.batch item; UnsupportedOption for what cannot be honoured. */
  async function item(type: string, data: string, o: Record<string, unknown>, cert: Cert): Promise<Item> {
    switch (type) {
      case 'pdf': return { kind: 'pdf', params: { pdf: data, fileName: 'document.pdf', ...pdfParams(o, facts(cert)) } };
      case 'xml': return { kind: 'xml', params: { xml: data, ...(await xmlParams(o, await opts.decodeBase64Text(data))) } };
      case 'cmsdetached': return { kind: 'cms', params: { data, detached: true, hashAlgorithm: digestOf(o) } };
      case 'txt': return { kind: 'cms', params: { data, detached: false, hashAlgorithm: digestOf(o) } };
      case 'hash': return { kind: 'hash', params: { hash: data, hashAlgorithm: hashAlgorithm(pick(o, 'DigestAlgorithm', 'HashAlgorithm'), 'SHA-256') } };
      case 'docx': case 'xlsx': case 'pptx':
        if (OFFICE.available()) return { kind: OFFICE.kind, params: { document: data, fileName: `document.${type}`, hashAlgorithm: digestOf(o) } };
        throw new UnsupportedOption(`Ký tệp ${type} chưa được hỗ trợ / Signing ${type} files is not supported yet`, VNPT.UNKNOWN);
      default:
        throw new UnsupportedOption(`Kiểu dữ liệu "${type}" không được hỗ trợ / Data type "${type}" is not supported`);
    }
  }

  /**
   * XmlSigner `ValidateBefore`: the certificate must pass ValidateCertificate's checks before anything is signed;
   * otherwise code 3 with the check's code in the text.
   */
  async function validateBefore(o: Record<string, unknown>, cert: Cert): Promise<void> {
    if (flag(pick(o, 'ValidateBefore')) !== true || !opts.checks) return;
    const der = decodeBase64(cert.der);
    const verdict = der ? await opts.checks.validate(der, core.now(), 'token') : 'unreadable';
    if (verdict !== 'valid') {
      throw new UnsupportedOption(`Chứng thư số không hợp lệ (mã ${certCode(verdict)}) / The certificate is not valid (code ${certCode(verdict)})`, VNPT.SIGN_FAILED);
    }
  }

  /** A single-document Sign* call: the batch item's params sent to the method of its kind. */
  async function single(type: string, data: string, o: Record<string, unknown>, method: string): Promise<MessageText> {
    const cert = await certFor(o);
    await validateBefore(o, cert);
    const { params } = await item(type, data, o, cert);
    const result = await rpc<Record<string, string>>(method, { certId: cert.certId, ...params });
    return vnptResult(VNPT.OK, signedData(result));
  }

  /**
   * signArrDataAdvanced(arr, serial, clearPIN, showCertList): one confirmation and at most one PIN for the whole
   * array through sign.batch. The answer is JSON text of an array holding one JSON *string* per input item, each
   * `{code, data, error, serial}` — what VNPT's sample page (`JSON.parse(JSON.parse(r)[0])`) and portals reading a
   * single item (`JSON.parse(JSON.parse(r))`) both parse.
   */
  async function signArray(args: string[]): Promise<MessageText> {
    // Each item's JSON text, then the array of those texts: a signed document quoted twice, piece by piece and
    // never joined (T22).
    const answer = async (items: ItemResult[]): Promise<MessageText> => {
      const texts: MessageText[] = [];
      for (const i of items) texts.push(await stringifyPieces(i));
      return stringifyTexts(texts);
    };
    let entries: Array<Record<string, unknown>>;
    try {
      // Bounded parse (docs/security.md, T22): the array arrives from the page.
      const parsed = await parseJsonSliced(args[0] ?? '');
      if (!parsed.ok) throw new Error(parsed.detail);
      const raw: unknown = parsed.value;
      entries = [];
      for (const e of Array.isArray(raw) ? raw : [raw]) entries.push(typeof e === 'string' ? await parseOptionsSliced(e) : typeof e === 'object' && e !== null ? (e as Record<string, unknown>) : {});
      if (entries.length === 0) throw new Error('empty');
    } catch {
      return answer([{ code: VNPT.BAD_INPUT, data: '', error: vnptErrorText('INVALID_PARAMS'), serial: '' }]);
    }
    let cert: Cert;
    try {
      cert = await core.chooseCertificate(args[1] || undefined);
      // clearPINCache: the token is logged out first, so this batch asks for the PIN again.
      if (args[2] === '1' && opts.logout) await opts.logout(cert.tokenId);
    } catch (e) {
      const f = core.failure(e);
      return answer(entries.map(() => ({ ...f, serial: '' })));
    }
    const serial = cert.serialNumber.toUpperCase();
    const options: Array<Record<string, unknown>> = [];
    const built: Array<Item | ItemResult> = [];
    for (const e of entries) {
      try {
        const type = typeof e.type === 'string' ? e.type.toLowerCase() : '';
        const o = typeof e.sigOptions === 'string' ? parseOptions(e.sigOptions) : (e.sigOptions as Record<string, unknown> | undefined) ?? {};
        options.push(o);
        built.push(await item(type, typeof e.data === 'string' ? e.data : '', o, cert));
      } catch (err) {
        built.push({ ...core.failure(err), serial });
      }
    }
    try {
      for (const o of options) await validateBefore(o, cert);
    } catch (e) {
      const f = core.failure(e);
      return answer(built.map((b) => ('kind' in b ? { ...f, serial } : b)));
    }
    const toSign = built.filter((b): b is Item => 'kind' in b);
    let results: BatchResult[] = [];
    if (toSign.length > 0) {
      try {
        ({ results } = await rpc<{ results: BatchResult[] }>('sign.batch', { certId: cert.certId, label: `${toSign.length} tài liệu / documents`, items: toSign }));
      } catch (e) {
        const f = core.failure(e);
        return answer(built.map((b) => ('kind' in b ? { ...f, serial } : b)));
      }
    }
    let k = 0;
    return answer(built.map((b) => {
      if (!('kind' in b)) return b;
      const r = results[k++];
      if (r?.ok && r.result) return { code: VNPT.OK, data: signedData(r.result), error: '', serial };
      const reason = r?.error?.data.reason ?? 'INTERNAL';
      return { code: vnptCodeFor(reason), data: '', error: vnptErrorText(reason, r?.error?.data.detail), serial };
    }));
  }

  return [
    [FN.signArrDataAdvanced, signArray],
    [FN.SignXML, wrap((args) => single('xml', args[0] ?? '', parseOptions(args[1]), 'sign.xml'))],
    [FN.SignPDF, wrap((args) => single('pdf', args[0] ?? '', parseOptions(args[1]), 'sign.pdf'))],
    // SignCMS returns the signed document: an attached SignedData.
    [FN.SignCMS, wrap((args) => single('txt', args[0] ?? '', parseOptions(args[1]), 'sign.cms'))],
    [FN.SignOFFICE, wrap(async (args) => {
      if (!OFFICE.available()) throw new UnsupportedOption('SignOFFICE: ký tệp Office chưa được hỗ trợ / signing Office files is not supported yet', VNPT.UNKNOWN);
      const name = officeFileName(args[0] ?? '');
      return single(name.slice(name.lastIndexOf('.') + 1), args[0] ?? '', parseOptions(args[1]), OFFICE.method);
    })],
    [FN.signHash, wrap(async (args) => {
      const o = parseOptions(args[0]);
      const given = pick(o, 'hash', 'data');
      const hash = typeof given === 'string' ? given : (args[0] ?? '');
      const named = pick(o, 'DigestAlgorithm', 'HashAlgorithm');
      const alg = named ? hashAlgorithm(named, 'SHA-256') : hashByLength[Math.floor((hash.replace(/=+$/, '').length * 3) / 4)] ?? 'SHA-256';
      const cert = await certFor(o);
      const { signature } = await rpc<{ signature: string }>('sign.hash', { certId: cert.certId, hash, hashAlgorithm: alg });
      return vnptResult(VNPT.OK, signature);
    })],
  ];
}
