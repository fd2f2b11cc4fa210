// The VNPT-compatible session, played the way the plugin's page script plays it, over a scripted dispatcher.
import { describe, expect, it } from 'vitest';
import type { Cert, ConnectionContext, Dispatcher } from '../../core/index.js';
import { createVnptSession, FN } from './session.js';
import { parseVnptFrame } from './frames.js';

const cert: Cert = {
  certId: 'c1', tokenId: 't1', der: 'MIIB', thumbprintSha256: 'ab', serialNumber: '0a1b2c',
  subject: { commonName: 'NGUYỄN VĂN AN', dn: 'CN=NGUYỄN VĂN AN' }, issuer: { commonName: 'KYSO TEST CA', dn: 'CN=KYSO TEST CA' },
  notBefore: '2026-01-01T00:00:00Z', notAfter: '2028-01-01T00:00:00Z', status: 'valid', keyAlgorithm: 'RSA-2048',
  keyUsage: ['digitalSignature'], extendedKeyUsage: [], identifiers: { citizenId: '001099012345' }, hasPrivateKey: true,
};

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
const decode = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');
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
    const opts = JSON.stringify({ page: 2, llx: 100, lly: 50, urx: 300, ury: 120, SigType: 1, ImageBase64: 'iVBO', Signer: 'NGUYỄN VĂN AN' });
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

  it('signArrDataAdvanced: one sign.batch, result is a JSON string literal of the per-item results', async () => {
    const d = fakeDispatcher(ok);
    const s = createVnptSession({ dispatcher: d, decodeBase64Text: decode }, ctx);
    const arr = JSON.stringify([JSON.stringify({ data: 'JVBERi0=', type: 'pdf', sigOptions: '{}' }), JSON.stringify({ data: 'JVBERi0=', type: 'pdf' }), JSON.stringify({ data: 'UEs=', type: 'docx' })]);
    const [result] = (await s.handle(frame(FN.signArrDataAdvanced, [arr, '', '0', '1'])))!.split('*');
    const items = JSON.parse(JSON.parse(result!)) as Array<{ code: number; data: string; serial: string }>;
    expect(items.map((i) => i.code)).toEqual([0, 1, 1]);
    expect(items[0]).toMatchObject({ data: 'UERG', serial: '0A1B2C' });
    expect(d.calls.filter((c) => c.method === 'sign.batch')).toHaveLength(1);
  });

  it('GetAllCertificates asks for every certificate with a filter the strict schema accepts', async () => {
    const d = fakeDispatcher(ok);
    const s = createVnptSession({ dispatcher: d, decodeBase64Text: decode }, ctx);
    const [result] = (await s.handle(frame(FN.GetAllCertificatesBase64)))!.split('*');
    expect(JSON.parse(JSON.parse(result!).data)[0]).toMatchObject({ subjectCN: 'NGUYỄN VĂN AN', base64: 'MIIB' });
    expect(d.calls.find((c) => c.method === 'certificates.list')!.params).toEqual({ filter: { onlyValid: false } });
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

  it('never trusts the frame domain and never lets a result break the * framing', () => {
    expect(parseVnptFrame(JSON.stringify({ functionID: '7', funcCallback: 'a*b', args: [1, null] }))).toEqual({ functionID: 7, funcCallback: 'callbackDefault', args: ['1', ''] });
  });
});
