// The VNPT-compatible session, played the way the plugin's page script plays it, over a scripted dispatcher.
import { describe, expect, it } from 'vitest';
import type { Cert, ConnectionContext, Dispatcher, MessageText } from '../../core/index.js';
import { isTextPieces, joinPieces } from '../../core/protocol/pieces.js';
import { createVnptSession as createSession } from './session.js';
import { FN } from './functions.js';
import type { CertificateChecks } from './cert-checks.js';
import { formatVnptReply, parseVnptFrame } from './frames.js';

const cert: Cert = {
  certId: 'c1', tokenId: 't1', der: 'MIIB', thumbprintSha256: 'ab', serialNumber: '0a1b2c',
  subject: { commonName: 'NGUYỄN VĂN AN', dn: 'CN=NGUYỄN VĂN AN' }, issuer: { commonName: 'KYSO TEST CA', dn: 'CN=KYSO TEST CA' },
  notBefore: '2026-01-01T00:00:00Z', notAfter: '2028-01-01T00:00:00Z', status: 'valid', keyAlgorithm: 'RSA-2048',
  keyUsage: ['digitalSignature'], extendedKeyUsage: [], identifiers: { citizenId: '001099012345' }, hasPrivateKey: true,
};

/** The session with its answers as text: a large one comes as pieces (tested below), these tests read the text. */
function createVnptSession(...args: Parameters<typeof createSession>): { handle(text: string): Promise<string | null> } {
  const session = createSession(...args);
  return { handle: async (text) => {
    const reply = await session.handle(text);
    return reply === null ? null : joinPieces(reply);
  } };
}

type Script = (method: string, params: Record<string, unknown>) => { result?: unknown; error?: { reason: string; message?: string } };

function fakeDispatcher(script: Script): Dispatcher & { calls: Array<{ method: string; params: Record<string, unknown> }> } {
  const calls: Array<{ method: string; params: Record<string, unknown> }> = [];
  return {
    calls,
    async handle(raw: string) {
      const req = JSON.parse(raw) as { id: number; method: string; params: Record<string, unknown> };
      calls.push({ method: req.method, params: req.params });
      const r = script(req.method, req.params);
      if (r.error) return JSON.stringify({ jsonrpc: '2.0', id: req.id, error: { code: -32000, message: r.error.message ?? r.error.reason, data: { reason: r.error.reason, retriable: false } } });
      return JSON.stringify({ jsonrpc: '2.0', id: req.id, result: r.result });
    },
  };
}

const ctx: ConnectionContext = { origin: 'https://dichvucong.example.vn', transport: 'vnpt', signal: new AbortController().signal };
const frame = (functionID: number, args: string[] = [], funcCallback = 'cb') => JSON.stringify({ functionID, funcCallback, args, domain: 'evil.example' });
const decode = async (b64: string): Promise<string> => Buffer.from(b64, 'base64').toString('utf8');
const ok: Script = (method) => {
  switch (method) {
    case 'session.requestAccess': return { result: { granted: true } };
    case 'certificates.select': return { result: { certificate: cert } };
    case 'certificates.list': return { result: { certificates: [cert] } };
    case 'agent.info': return { result: { name: 'kyso-agent', protocol: 1 } };
    case 'tokens.list': return { result: { tokens: [{ tokenId: 't1' }] } };
    case 'sign.pdf': return { result: { pdf: 'UERGU0lHTkVE' } };
    case 'sign.xml': return { result: { xml: 'WE1MU0lHTkVE' } };
    case 'sign.cms': return { result: { cms: 'Q01T' } };
    case 'sign.hash': return { result: { signature: 'U0lH' } };
    case 'sign.batch': return { result: { results: [{ ok: true, result: { pdf: 'UERG' } }, { ok: false, error: { message: 'bad', data: { reason: 'DOCUMENT_INVALID' } } }] } };
    default: return { error: { reason: 'METHOD_NOT_FOUND' } };
  }
};

describe('VNPT-compatible session', () => {
  it('checkPlugin answers "1" to the callback the page named, without asking for access', async () => {
    const d = fakeDispatcher(ok);
    const s = createVnptSession({ dispatcher: d, decodeBase64Text: decode }, ctx);
    expect(await s.handle(frame(FN.checkPlugin, [], 'onCheck'))).toBe('1*onCheck');
    expect(d.calls).toEqual([]);
  });

  it('setLicenseKey answers code 1 in both forms portals test (JSON and text after the first colon)', async () => {
    const s = createVnptSession({ dispatcher: fakeDispatcher(ok), decodeBase64Text: decode }, ctx);
    const reply = (await s.handle(frame(FN.setLicenseKey, ['PExpY2Vuc2U+'])))!;
    const [result] = reply.split('*');
    expect(JSON.parse(result!).code).toBe(1);
    expect(result!.slice(result!.indexOf(':') + 1).startsWith('1')).toBe(true);
  });

  it('GetCertInfo asks for access, then shows the picker, and returns the plugin certificate object', async () => {
    const d = fakeDispatcher(ok);
    const s = createVnptSession({ dispatcher: d, decodeBase64Text: decode }, ctx);
    const [result, cb] = (await s.handle(frame(FN.GetCertInfo, ['1'])))!.split('*');
    expect(cb).toBe('cb');
    expect(JSON.parse(result!)).toMatchObject({ serial: '0A1B2C', subjectCN: 'NGUYỄN VĂN AN', issuerCN: 'KYSO TEST CA', base64: 'MIIB' });
    expect(d.calls.map((c) => c.method)).toEqual(['session.requestAccess', 'certificates.select']);
  });

  it('GetCertInfo with a known serial skips the picker; a cancelled picker answers ""', async () => {
    const d = fakeDispatcher(ok);
    const s = createVnptSession({ dispatcher: d, decodeBase64Text: decode }, ctx);
    await s.handle(frame(FN.GetCertInfo, ['1', '0A1B2C']));
    expect(d.calls.map((c) => c.method)).not.toContain('certificates.select');
    const cancel = createVnptSession({ dispatcher: fakeDispatcher((m) => (m === 'certificates.select' ? { error: { reason: 'USER_CANCELLED' } } : ok(m, {}))), decodeBase64Text: decode }, ctx);
    expect(await cancel.handle(frame(FN.GetCertInfo, ['1']))).toBe('*cb');
  });

  it('SignPDF maps the PdfSigner rectangle and SigType onto sign.pdf and answers {code:0,data}', async () => {
    const d = fakeDispatcher(ok);
    const s = createVnptSession({ dispatcher: d, decodeBase64Text: decode }, ctx);
    const opts = JSON.stringify({ page: 2, llx: 100, lly: 50, urx: 300, ury: 120, SigType: 1, ImageBase64: 'iVBO', Signer: 'NGUYỄN VĂN AN', SigSigningTimeVisible: false });
    const [result] = (await s.handle(frame(FN.SignPDF, ['JVBERi0=', opts])))!.split('*');
    expect(JSON.parse(result!)).toEqual({ code: 0, data: 'UERGU0lHTkVE', error: '' });
    const call = d.calls.find((c) => c.method === 'sign.pdf')!;
    expect(call.params).toMatchObject({ certId: 'c1', pdf: 'JVBERi0=', appearance: { visible: true, page: 2, rect: [100, 50, 200, 70], image: 'iVBO', text: 'Ký bởi: NGUYỄN VĂN AN' } });
  });

  it('SignXML picks the e-invoice profile for <HDon> documents and defaults to SHA-1 like the plugin', async () => {
    const d = fakeDispatcher(ok);
    const s = createVnptSession({ dispatcher: d, decodeBase64Text: decode }, ctx);
    const xml = Buffer.from('<?xml version="1.0"?><HDon><DLHDon Id="data"/></HDon>').toString('base64');
    await s.handle(frame(FN.SignXML, [xml]));
    expect(d.calls.find((c) => c.method === 'sign.xml')!.params).toMatchObject({ profile: 'einvoice', hashAlgorithm: 'SHA-1' });
  });

  it('maps core reasons to plugin codes: cancelled → 11, bad document → 1', async () => {
    const s = createVnptSession({ dispatcher: fakeDispatcher((m, p) => (m === 'sign.pdf' ? { error: { reason: 'USER_CANCELLED', message: 'cancelled' } } : ok(m, p))), decodeBase64Text: decode }, ctx);
    expect(JSON.parse((await s.handle(frame(FN.SignPDF, ['JVBERi0='])))!.split('*')[0]!).code).toBe(11);
    const s2 = createVnptSession({ dispatcher: fakeDispatcher((m, p) => (m === 'sign.cms' ? { error: { reason: 'DOCUMENT_INVALID' } } : ok(m, p))), decodeBase64Text: decode }, ctx);
    expect(JSON.parse((await s2.handle(frame(FN.SignCMS, ['YQ=='])))!.split('*')[0]!).code).toBe(1);
  });

  it('signHash infers SHA-256 from a 32-byte hash', async () => {
    const d = fakeDispatcher(ok);
    const s = createVnptSession({ dispatcher: d, decodeBase64Text: decode }, ctx);
    await s.handle(frame(FN.signHash, [Buffer.alloc(32, 1).toString('base64')]));
    expect(d.calls.find((c) => c.method === 'sign.hash')!.params.hashAlgorithm).toBe('SHA-256');
  });

  it('signArrDataAdvanced: one sign.batch; JSON text of an array of JSON strings, one per item', async () => {
    const d = fakeDispatcher(ok);
    const s = createVnptSession({ dispatcher: d, decodeBase64Text: decode }, ctx);
    const arr = JSON.stringify([JSON.stringify({ data: 'JVBERi0=', type: 'pdf', sigOptions: '{}' }), JSON.stringify({ data: 'JVBERi0=', type: 'pdf' }), JSON.stringify({ data: 'UEs=', type: 'docx' })]);
    const [result] = (await s.handle(frame(FN.signArrDataAdvanced, [arr, '', '0', '1'])))!.split('*');
    // VNPT's sample page: JSON.parse(JSON.parse(r)[0]).
    expect(JSON.parse(JSON.parse(result!)[0])).toMatchObject({ code: 0, data: 'UERG', serial: '0A1B2C', error: '' });
    const items = (JSON.parse(result!) as string[]).map((t) => JSON.parse(t) as { code: number; error: string });
    // The scripted batch answers two results: the docx item (through the sign.office hook) gets none → code 5.
    expect(items.map((i) => i.code)).toEqual([0, 1, 5]);
    const batch = d.calls.filter((c) => c.method === 'sign.batch');
    expect(batch).toHaveLength(1);
    expect((batch[0]!.params.items as Array<{ kind: string; params: Record<string, unknown> }>)[2]).toEqual({ kind: 'office', params: { document: 'UEs=', fileName: 'document.docx', hashAlgorithm: 'SHA-256' } });
    // A type the plugin does not know is refused per item with a bilingual text.
    const odd = JSON.stringify([JSON.stringify({ data: 'YQ==', type: 'odt' })]);
    const [oddResult] = (await s.handle(frame(FN.signArrDataAdvanced, [odd, '', '0', '1'])))!.split('*');
    expect(JSON.parse(JSON.parse(oddResult!)[0]).error).toMatch(/odt.*\/ .*odt/);
  });

  it('signArrDataAdvanced with one item also reads as JSON.parse(JSON.parse(r)) (the single-item portals)', async () => {
    const d = fakeDispatcher((m, p) => (m === 'sign.batch' ? { result: { results: [{ ok: true, result: { cms: 'Q01T' } }] } } : ok(m, p)));
    const s = createVnptSession({ dispatcher: d, decodeBase64Text: decode }, ctx);
    const arr = JSON.stringify([JSON.stringify({ data: 'MTIzNDU2Nzg5MA==', type: 'cmsdetached', sigOptions: JSON.stringify({ DigestAlgorithm: 'SHA256' }) })]);
    const [result] = (await s.handle(frame(FN.signArrDataAdvanced, [arr, '0A1B2C', '1', '0'])))!.split('*');
    expect(JSON.parse(JSON.parse(result!))).toMatchObject({ code: 0, data: 'Q01T', serial: '0A1B2C' });
    expect(d.calls.find((c) => c.method === 'sign.batch')!.params.items).toEqual([{ kind: 'cms', params: { data: 'MTIzNDU2Nzg5MA==', detached: true, hashAlgorithm: 'SHA-256' } }]);
  });

  it('signArrDataAdvanced clearPINCache logs the chosen token out before the batch; ClearPinCache logs out', async () => {
    const events: string[] = [];
    const d = fakeDispatcher((m, p) => {
      events.push(m);
      return m === 'sign.batch' ? { result: { results: [{ ok: true, result: { signature: 'U0lH' } }] } } : ok(m, p);
    });
    const s = createVnptSession({ dispatcher: d, decodeBase64Text: decode, logout: async (id) => void events.push(`logout:${id ?? '*'}`) }, ctx);
    const arr = JSON.stringify([JSON.stringify({ data: Buffer.alloc(32).toString('base64'), type: 'hash' })]);
    await s.handle(frame(FN.signArrDataAdvanced, [arr, '', '1', '1']));
    expect(events.indexOf('logout:t1')).toBeGreaterThan(-1);
    expect(events.indexOf('logout:t1')).toBeLessThan(events.indexOf('sign.batch'));
    events.length = 0;
    await s.handle(frame(FN.signArrDataAdvanced, [arr, '', '0', '1']));
    expect(events).not.toContain('logout:t1');
    expect(JSON.parse((await s.handle(frame(FN.ClearPinCache, ['0'])))!.split('*')[0]!).code).toBe(0);
    expect(events).toContain('logout:*');
  });

  it('a cancelled batch answers code 11 for every item, in the same array-of-strings shape', async () => {
    const s = createVnptSession({ dispatcher: fakeDispatcher((m, p) => (m === 'sign.batch' ? { error: { reason: 'USER_CANCELLED' } } : ok(m, p))), decodeBase64Text: decode }, ctx);
    const arr = JSON.stringify([JSON.stringify({ data: 'JVBERi0=', type: 'pdf' }), JSON.stringify({ data: 'JVBERi0=', type: 'pdf' })]);
    const [result] = (await s.handle(frame(FN.signArrDataAdvanced, [arr, '', '0', '1'])))!.split('*');
    expect((JSON.parse(result!) as string[]).map((t) => JSON.parse(t).code)).toEqual([11, 11]);
  });

  it('XmlSigner DigestMethod/SignatureMethod SHA256 sign with SHA-256; TagSigning names the element by its Id', async () => {
    const d = fakeDispatcher(ok);
    const s = createVnptSession({ dispatcher: d, decodeBase64Text: decode }, ctx);
    const xml = Buffer.from('<?xml version="1.0"?><HoSo><NoiDung Id="nd1">x</NoiDung><ChuKy/></HoSo>').toString('base64');
    const opts = JSON.stringify({ TagSigning: 'NoiDung', TagSaveResult: 'ChuKy', SigningType: 'Enveloped', DigestMethod: 'SHA256', SignatureMethod: 'RSAwithSHA256' });
    await s.handle(frame(FN.SignXML, [xml, opts]));
    expect(d.calls.find((c) => c.method === 'sign.xml')!.params).toMatchObject({ profile: 'enveloped', hashAlgorithm: 'SHA-256', reference: { id: 'nd1' }, signatureParent: 'ChuKy' });
  });

  it('PdfSigner shows signer, description and the time the key signs (never the page\'s SigningTime); the old-plugin shape is read the same way', async () => {
    const now = new Date(2026, 11, 3, 16, 5, 9);
    const d = fakeDispatcher(ok);
    const s = createVnptSession({ dispatcher: d, decodeBase64Text: decode, now: () => now }, ctx);
    const current = { page: 1, llx: 10, lly: 10, urx: 210, ury: 90, SigTextSize: 9, Description: 'Phê duyệt hồ sơ', SigningTime: '16:00:00 03/12/2026', SigType: 0 };
    await s.handle(frame(FN.SignPDF, ['JVBERi0=', JSON.stringify(current)]));
    const a = d.calls.filter((c) => c.method === 'sign.pdf').at(-1)!.params.appearance as { text: string; fontSize: number };
    expect(a.text.split('\n')).toEqual(['Ký bởi: NGUYỄN VĂN AN', 'Phê duyệt hồ sơ', 'Ngày ký: {signingTime}']);
    expect(a.fontSize).toBe(9);
    // PdfSigner_oldVersion: "ImageBase6" beside ImageBase64, visibility flags as booleans; the back-dated time is not shown.
    const old = { page: 1, llx: 0, lly: 0, urx: 150, ury: 75, SigTextSize: 9, Signer: 'Nguyễn Văn An', SigningTime: '08:00:00 01/01/2020', Description: 'Đồng ý', ImageBase6: null, ImageBase64: 'iVBO', OnlyDescription: false, SigType: 1, SigVisible: true, SigSignerVisible: true, SigEmailVisible: true, SigPositionVisible: false, SigSigningTimeVisible: true };
    await s.handle(frame(FN.SignPDF, ['JVBERi0=', JSON.stringify(old)]));
    const b = d.calls.filter((c) => c.method === 'sign.pdf').at(-1)!.params.appearance as { text: string; image: string; rect: number[] };
    expect(b.text.split('\n')).toEqual(['Ký bởi: Nguyễn Văn An', 'Đồng ý', 'Ngày ký: {signingTime}']);
    expect(b).toMatchObject({ image: 'iVBO', rect: [0, 0, 150, 75], layout: 'image-left' });
    // SigVisible false → invisible; IsEncyptFile → refused with code 1 (never an unencrypted file the portal did not expect).
    await s.handle(frame(FN.SignPDF, ['JVBERi0=', JSON.stringify({ ...current, SigVisible: false })]));
    expect(d.calls.filter((c) => c.method === 'sign.pdf').at(-1)!.params.appearance).toEqual({ visible: false });
    const enc = JSON.parse((await s.handle(frame(FN.SignPDF, ['JVBERi0=', JSON.stringify({ ...current, IsEncyptFile: true })])))!.split('*')[0]!);
    expect(enc.code).toBe(1);
  });

  it('certificate checks answer bare numbers: 0 valid, 2 expired, 3 not yet valid, 7 untrusted, 6 revocation unknown, 8 unknown certificate', async () => {
    const seen: string[] = [];
    const checks: CertificateChecks = {
      validity: async (der) => (der[0] === 1 ? 'expired' : der[0] === 2 ? 'notYetValid' : 'valid'),
      validate: async (der) => (der[0] === 3 ? 'untrusted' : 'valid'),
      revocation: async (_der, _at, source) => (seen.push(source.via), 'revocationUnknown'),
    };
    const s = createVnptSession({ dispatcher: fakeDispatcher(ok), decodeBase64Text: decode, checks }, ctx);
    const b64 = (n: number) => Buffer.from([n, 0]).toString('base64');
    const call = async (fn: number, args: string[]) => (await s.handle(frame(fn, args)))!.split('*')[0];
    expect(await call(FN.ValidateCertificateBase64, [b64(0), '', ''])).toBe('0');
    expect(await call(FN.ValidateCertificateBase64, [b64(3), '', ''])).toBe('7');
    expect(await call(FN.CheckValidTimeBase64, [b64(1), '03/12/2026 10:00:00'])).toBe('2');
    expect(await call(FN.CheckValidTimeBase64, [b64(2), ''])).toBe('3');
    expect(await call(FN.CheckValidTimeBase64, [b64(2), 'not a time'])).toBe('1');
    expect(await call(FN.CheckOCSPBase64, [b64(0), '', 'http://10.0.0.1/ocsp'])).toBe('6');
    expect(await call(FN.CheckCRLBase64, [b64(0), '', '', ''])).toBe('6');
    expect(seen).toEqual(['ocsp', 'crl']);
    // By serial: the tokens' certificate (der "MIIB" → first byte 0x30) or 8 when no certificate has that serial.
    expect(await call(FN.ValidateCertificate, ['0A1B2C', '', ''])).toBe('0');
    expect(await call(FN.CheckValidTime, ['FFFF', ''])).toBe('8');
    // A 2 MiB "certificate" is unreadable without being scanned; a PEM-armoured one is read.
    expect(await call(FN.ValidateCertificateBase64, ['A'.repeat(2 * 1024 * 1024), '', ''])).toBe('8');
    expect(await call(FN.ValidateCertificateBase64, [`-----BEGIN CERTIFICATE-----\n${b64(3)}\n-----END CERTIFICATE-----`, '', ''])).toBe('7');
  });

  it('XmlSigner ValidateBefore refuses to sign with a certificate that fails ValidateCertificate (code 3, nothing signed)', async () => {
    const d = fakeDispatcher(ok);
    const checks: CertificateChecks = { validity: async () => 'valid', validate: async () => 'expired', revocation: async () => 'revocationUnknown' };
    const s = createVnptSession({ dispatcher: d, decodeBase64Text: decode, checks }, ctx);
    const xml = Buffer.from('<a Id="x"/>').toString('base64');
    const r = JSON.parse((await s.handle(frame(FN.SignXML, [xml, JSON.stringify({ ValidateBefore: true })])))!.split('*')[0]!);
    expect(r.code).toBe(3);
    expect(r.error).toMatch(/mã 2.*code 2/);
    expect(d.calls.map((c) => c.method)).not.toContain('sign.xml');
    await s.handle(frame(FN.SignXML, [xml, JSON.stringify({ ValidateBefore: false })]));
    expect(d.calls.map((c) => c.method)).toContain('sign.xml');
  });

  it('SetLanguage switches the dialog language of this connection only', async () => {
    const own: ConnectionContext = { ...ctx };
    const s = createVnptSession({ dispatcher: fakeDispatcher(ok), decodeBase64Text: decode }, own);
    expect(JSON.parse((await s.handle(frame(FN.SetLanguage, ['en_US'])))!.split('*')[0]!).code).toBe(0);
    expect(own.lang).toBe('en');
    await s.handle(frame(FN.SetLanguage, ['vi_vn']));
    expect(own.lang).toBe('vi');
    expect(ctx.lang).toBeUndefined();
  });

  it('prompt-limit refusals reach the portal in Vietnamese and English', async () => {
    const s = createVnptSession({ dispatcher: fakeDispatcher((m, p) => (m === 'sign.hash' ? { error: { reason: 'RATE_LIMITED', message: 'RATE_LIMITED' } } : ok(m, p))), decodeBase64Text: decode }, ctx);
    const r = JSON.parse((await s.handle(frame(FN.signHash, [Buffer.alloc(32).toString('base64')])))!.split('*')[0]!);
    expect(r.error).toMatch(/quá nhiều yêu cầu.* \/ .*too many requests/);
  });

  it('SignOFFICE goes to sign.office with the Office type read from the package; GetComputerInfo tells OS family and version only', async () => {
    const d = fakeDispatcher((m, p) => (m === 'sign.office' ? { result: { document: 'T0ZG' } } : ok(m, p)));
    const s = createVnptSession({ dispatcher: d, decodeBase64Text: decode, computer: { os: 'Linux', version: '1.2.3' } }, ctx);
    const xlsx = Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.from('xl/workbook.xml')]).toString('base64');
    const signed = JSON.parse((await s.handle(frame(FN.SignOFFICE, [xlsx])))!.split('*')[0]!);
    expect(signed).toEqual({ code: 0, data: 'T0ZG', error: '' });
    expect(d.calls.find((c) => c.method === 'sign.office')!.params).toMatchObject({ certId: 'c1', fileName: 'document.xlsx', hashAlgorithm: 'SHA-256' });
    const info = JSON.parse((await s.handle(frame(FN.GetComputerInfo, [''])))!.split('*')[0]!);
    expect(JSON.parse(info.data)).toEqual({ os: 'Linux', version: '1.2.3' });
  });

  it('GetAllCertificates asks for every certificate with a filter the strict schema accepts', async () => {
    const d = fakeDispatcher(ok);
    const s = createVnptSession({ dispatcher: d, decodeBase64Text: decode }, ctx);
    const [result] = (await s.handle(frame(FN.GetAllCertificatesBase64)))!.split('*');
    expect(JSON.parse(JSON.parse(result!).data)[0]).toMatchObject({ subjectCN: 'NGUYỄN VĂN AN', base64: 'MIIB' });
    expect(d.calls.find((c) => c.method === 'certificates.list')!.params).toEqual({ filter: { onlyValid: false, onlyWithPrivateKey: false } });
  });

  it('getVersion tells the version only to origins agent.info tells it to', async () => {
    const unknown = createVnptSession({ dispatcher: fakeDispatcher(ok), decodeBase64Text: decode }, ctx);
    expect(await unknown.handle(frame(FN.getVersion))).toBe('1.0*cb');
    const approved = createVnptSession({ dispatcher: fakeDispatcher((m, p) => (m === 'agent.info' ? { result: { name: 'kyso-agent', protocol: 1, version: '9.9.9' } } : ok(m, p))), decodeBase64Text: decode }, ctx);
    expect(await approved.handle(frame(FN.getVersion))).toBe('9.9.9*cb');
  });

  it('unknown and unsupported functions answer code 5 naming the function, never a crash', async () => {
    const s = createVnptSession({ dispatcher: fakeDispatcher(ok), decodeBase64Text: decode }, ctx);
    const adv = JSON.parse((await s.handle(frame(FN.checkPluginAdvanced)))!.split('*')[0]!);
    expect(adv.code).toBe(5);
    expect(adv.error).toContain('checkPluginAdvanced');
    expect(JSON.parse((await s.handle(frame(999)))!.split('*')[0]!).code).toBe(5);
    expect(await s.handle('not json')).toBeNull();
  });

  it('never trusts the frame domain and never lets a result break the * framing', async () => {
    expect(await parseVnptFrame(JSON.stringify({ functionID: '7', funcCallback: 'a*b', args: [1, null] }))).toEqual({ functionID: 7, funcCallback: 'callbackDefault', args: ['1', ''] });
  });

  it('a document of several MiB goes through in slices with the answer byte for byte what the one-go code wrote (T22)', async () => {
    const data = Buffer.alloc(3 * 1024 * 1024 + 5, 7).toString('base64');
    // A signed document of its own length, and a result text with `*` in a long error (escaped as \u002a).
    const signed = Buffer.alloc(3 * 1024 * 1024, 9).toString('base64');
    const d = fakeDispatcher((m, p) => (m === 'sign.cms' ? { result: { cms: signed } } : m === 'sign.batch' ? { result: { results: [{ ok: true, result: { cms: signed } }] } } : ok(m, p)));
    const s = createVnptSession({ dispatcher: d, decodeBase64Text: decode }, ctx);
    expect(await s.handle(frame(FN.SignCMS, [data, '{}'], 'done'))).toBe(`${JSON.stringify({ code: 0, data: signed, error: '' })}*done`);
    expect(d.calls.find((c) => c.method === 'sign.cms')!.params.data === data).toBe(true);
    const arr = JSON.stringify([JSON.stringify({ data, type: 'txt', sigOptions: '{}' })]);
    const [result] = (await s.handle(frame(FN.signArrDataAdvanced, [arr, '', '0', '1'])))!.split('*');
    expect(result).toBe(JSON.stringify([JSON.stringify({ code: 0, data: signed, error: '', serial: '0A1B2C' })]));
    expect((d.calls.find((c) => c.method === 'sign.batch')!.params.items as Array<{ params: { data: string } }>)[0]!.params.data === data).toBe(true);
  });

  it('a large answer leaves the session as pieces, never joined, each whole UTF-16, with the same bytes (T22)', async () => {
    const data = Buffer.alloc(2 * 1024 * 1024, 3).toString('base64');
    const signed = Buffer.alloc(3 * 1024 * 1024 + 1, 4).toString('base64');
    const other = Buffer.alloc(1024 * 1024 + 7, 5).toString('base64');
    const d = fakeDispatcher((m, p) => (m === 'sign.cms' ? { result: { cms: signed } } : m === 'sign.batch' ? { result: { results: [{ ok: true, result: { cms: signed } }, { ok: true, result: { cms: other } }] } } : ok(m, p)));
    const s = createSession({ dispatcher: d, decodeBase64Text: decode }, ctx);
    const wire = (text: MessageText): Buffer => Buffer.concat((isTextPieces(text) ? text.pieces : [text]).map((p) => Buffer.from(p, 'utf8')));
    const single = (await s.handle(frame(FN.SignCMS, [data, '{}'], 'done')))!;
    expect(isTextPieces(single) && single.ascii).toBe(true);
    expect(wire(single).equals(Buffer.from(`${JSON.stringify({ code: 0, data: signed, error: '' })}*done`))).toBe(true);
    const arr = JSON.stringify([JSON.stringify({ data, type: 'txt', sigOptions: '{}' }), JSON.stringify({ data, type: 'txt', sigOptions: '{}' })]);
    const batch = (await s.handle(frame(FN.signArrDataAdvanced, [arr, '', '0', '1'], 'cb')))!;
    expect(isTextPieces(batch) && batch.ascii).toBe(true);
    const items = [{ code: 0, data: signed, error: '', serial: '0A1B2C' }, { code: 0, data: other, error: '', serial: '0A1B2C' }];
    expect(wire(batch).equals(Buffer.from(`${JSON.stringify(items.map((i) => JSON.stringify(i)))}*cb`))).toBe(true);
  });
});

describe('VNPT reply framing of a long result', () => {
  it('escapes every * of a result longer than a slice, as the one-go replacement does', async () => {
    const long = `${'A*'.repeat(700_000)}"x*`;
    expect(joinPieces(await formatVnptReply(long, 'cb'))).toBe(`${long.replaceAll('*', '\\u002a')}*cb`);
  });
});
