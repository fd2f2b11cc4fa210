import { describe, expect, it } from 'vitest';
import { AgentError } from '../errors.js';
import { decodeBase64, encodeBase64, sha256Hex } from '../protocol/encoding.js';
import { isTextPieces, joinPieces } from '../protocol/pieces.js';
import { makeCert } from '../testing/certs.js';
import { createTestAgent, type TestAgentOptions } from '../testing/harness.js';

const ORIGIN = 'https://portal.example';
const enc = new TextEncoder();
const b64 = (s: string) => encodeBase64(enc.encode(s));
const PDF = '%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n';

function setup(options: TestAgentOptions = {}) {
  const a = createTestAgent({ ...options, policy: { allowedOrigins: [ORIGIN], ...options.policy } });
  return { a, c: a.connect(ORIGIN), certId: a.tokens.certificates[0]!.certId };
}

describe('sign.pdf / sign.xml / sign.cms', () => {
  it('pdf_showsNameSizeSha256_thenReturnsSignedPdf', async () => {
    const { a, c, certId } = setup();
    const r = await a.call(c, 'sign.pdf', { certId, pdf: b64(PDF), fileName: 'hợp đồng.pdf', reason: 'Đồng ý', appearance: { page: 'last', rect: [10, 10, 200, 60] } });
    const out = new TextDecoder().decode(decodeBase64((r.result as { pdf: string }).pdf)!);
    expect(out.startsWith(PDF)).toBe(true);
    expect(a.prompt.confirmRequests[0]!.subject).toEqual({
      kind: 'document', format: 'pdf', fileName: 'hợp đồng.pdf', size: PDF.length, sha256Hex: await sha256Hex(enc.encode(PDF)), pageCount: 1, existingSignatures: 0, hashAlgorithm: 'SHA-256', stamp: { visible: true, rect: [10, 10, 200, 60], reason: 'Đồng ý' },
    });
    expect(a.documents.pdfOptions[0]).toMatchObject({ level: 'B-B', hashAlgorithm: 'SHA-256', reason: 'Đồng ý', appearance: { page: 'last', rect: [10, 10, 200, 60] } });
    expect(a.documents.pdfOptions[0]!.signingTime.toISOString()).toBe(a.clock.now().toISOString());
  });
  it('aLargeSignedDocument_leavesTheDispatcherAsPieces_ofTheSameText', async () => {
    const { a, c, certId } = setup();
    const big = `${PDF}${'%'.repeat(3 * 1024 * 1024)}\n%%EOF\n`;
    const reply = await a.dispatcher.handle(JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'sign.pdf', params: { certId, pdf: b64(big), fileName: 'x.pdf' } }), c);
    expect(isTextPieces(reply) && reply.ascii).toBe(true);
    const text = joinPieces(reply!);
    const parsed = JSON.parse(text) as { id: number; result: { pdf: string } };
    expect(text === JSON.stringify(parsed)).toBe(true);
    expect(parsed.id).toBe(5);
    expect(new TextDecoder().decode(decodeBase64(parsed.result.pdf)!).startsWith(big)).toBe(true);
  });
  it('pdf_invalid_isDocumentInvalid_beforeAnyDialog', async () => {
    const { a, c, certId } = setup();
    const r = await a.call(c, 'sign.pdf', { certId, pdf: b64('hello'), fileName: 'x.pdf' });
    expect(r.error?.data).toMatchObject({ reason: 'DOCUMENT_INVALID', detail: 'no %PDF- header' });
    expect(a.prompt.calls.confirmSigning + a.tokens.calls.sign).toBe(0);
  });
  it('pdf_parserCrash_isDocumentInvalid_notInternal', async () => {
    const { a, c, certId } = setup();
    a.documents.describePdf = async () => {
      throw new TypeError('cannot read properties of undefined');
    };
    expect((await a.call(c, 'sign.pdf', { certId, pdf: b64(PDF), fileName: 'x.pdf' })).error?.data.reason).toBe('DOCUMENT_INVALID');
  });
  it('pdf_levelBT_needsATimestampOrPolicyTsa', async () => {
    const { a, c, certId } = setup();
    expect((await a.call(c, 'sign.pdf', { certId, pdf: b64(PDF), fileName: 'x.pdf', level: 'B-T' })).error?.data.reason).toBe('INVALID_PARAMS');
    const withTsa = setup({ policy: { tsa: { url: 'http://tsa.example/' } } });
    expect((await withTsa.a.call(withTsa.c, 'sign.pdf', { certId: withTsa.certId, pdf: b64(PDF), fileName: 'x.pdf', level: 'B-T' })).result).toBeDefined();
    expect(withTsa.a.documents.pdfOptions[0]).toMatchObject({ level: 'B-T', timestamp: { url: 'http://tsa.example/' } });
    await a.call(c, 'sign.pdf', { certId, pdf: b64(PDF), fileName: 'x.pdf', timestamp: { url: 'http://127.0.0.1:1/tsa' } });
    expect(a.documents.pdfOptions[0]).toMatchObject({ level: 'B-T' });
  });
  it('tsaFailure_isTsaFailed', async () => {
    const { a, c, certId } = setup();
    a.documents.signPdf = async () => {
      throw new AgentError('TSA_FAILED', 'TSA failed', { detail: 'TSA answered 500' });
    };
    expect((await a.call(c, 'sign.pdf', { certId, pdf: b64(PDF), fileName: 'x.pdf', timestamp: { url: 'http://tsa.example/' } })).error?.data)
      .toMatchObject({ reason: 'TSA_FAILED', retriable: true, detail: 'TSA answered 500' });
  });
  it('xml_profileAndOptions_reachTheSigner', async () => {
    const { a, c, certId } = setup();
    const r = await a.call(c, 'sign.xml', { certId, xml: b64('<HDon><DLHDon Id="a"/></HDon>'), profile: 'einvoice', signingTime: true, reference: { id: 'a' } });
    expect((r.result as { xml: string }).xml).toBeTruthy();
    expect(a.prompt.confirmRequests[0]!.subject).toMatchObject({ kind: 'document', format: 'xml', fileName: 'document.xml', profile: 'einvoice' });
    expect(a.documents.xmlOptions[0]).toMatchObject({ profile: 'einvoice', hashAlgorithm: 'SHA-256', reference: { id: 'a' } });
    expect(a.documents.xmlOptions[0]!.signingTime).toBeInstanceOf(Date);
    expect((await a.call(c, 'sign.xml', { certId, xml: b64('not xml'), profile: 'tax' })).error?.data.reason).toBe('DOCUMENT_INVALID');
  });
  it('cms_overDataAndOverHash', async () => {
    const { a, c, certId } = setup();
    const r = await a.call(c, 'sign.cms', { certId, data: b64('xin chào'), fileName: 'a.txt', signingTime: false });
    expect((r.result as { cms: string }).cms).toBeTruthy();
    // CONTRACT/issue: detached is the default over data.
    expect(a.documents.cmsOptions[0]).toMatchObject({ detached: true, signingTime: false, hashAlgorithm: 'SHA-256' });
    expect(a.prompt.confirmRequests[0]!.subject).toMatchObject({ kind: 'document', format: 'cms', fileName: 'a.txt', size: enc.encode('xin chào').length });
    await a.call(c, 'sign.cms', { certId, hash: encodeBase64(new Uint8Array(32)) });
    expect(a.documents.cmsOptions[1]).toMatchObject({ detached: true });
    await a.call(c, 'sign.cms', { certId, data: b64('xin chào'), detached: false });
    expect(a.documents.cmsOptions[2]).toMatchObject({ detached: false });
    expect(a.prompt.confirmRequests[1]!.subject.kind).toBe('hash');
  });
});

describe('sign.batch', () => {
  const hashItem = (n: number) => ({ kind: 'hash', params: { hash: encodeBase64(new Uint8Array(32).fill(n)), hashAlgorithm: 'SHA-256' } });
  it('oneConfirmation_onePin_progressPerItem_resultsInOrder', async () => {
    const { a, c, certId } = setup();
    const items = [hashItem(1), { kind: 'pdf', params: { pdf: b64(PDF), fileName: 'a.pdf' } }, { kind: 'xml', params: { xml: b64('<a/>'), profile: 'enveloped' } },
      { kind: 'cms', params: { data: b64('x') } }, hashItem(2)];
    const r = await a.call(c, 'sign.batch', { certId, label: 'Hóa đơn tháng 3', items });
    const results = (r.result as { results: { ok: boolean }[] }).results;
    expect(results.map((x) => x.ok)).toEqual([true, true, true, true, true]);
    expect(a.prompt.calls.confirmSigning).toBe(1);
    // The dialog gets what each item is, in order, a hash marked as a hash.
    const sha = (s: string) => sha256Hex(enc.encode(s));
    expect(a.prompt.confirmRequests[0]!.subject).toEqual({
      kind: 'batch', label: 'Hóa đơn tháng 3', count: 5, kinds: ['hash', 'pdf', 'xml', 'cms'],
      items: [
        { kind: 'hash', hashHex: '01'.repeat(32), hashAlgorithm: 'SHA-256' },
        { kind: 'document', format: 'pdf', fileName: 'a.pdf', size: PDF.length, sha256Hex: await sha(PDF), pageCount: 1, existingSignatures: 0, hashAlgorithm: 'SHA-256', stamp: { visible: true, rect: [36, 36, 220, 60] } },
        // No name from the page: marked unnamed, so the dialog says so instead of showing a placeholder.
        { kind: 'document', format: 'xml', fileName: 'document.xml', size: 4, sha256Hex: await sha('<a/>'), profile: 'enveloped', hashAlgorithm: 'SHA-256', unnamed: true },
        { kind: 'document', format: 'cms', fileName: 'data.bin', size: 1, sha256Hex: await sha('x'), hashAlgorithm: 'SHA-256', unnamed: true },
        { kind: 'hash', hashHex: '02'.repeat(32), hashAlgorithm: 'SHA-256' },
      ],
    });
    // docs/security.md T24: the dialog may render the PDF item's page(s) with its stamp; the other items have none.
    const preview = a.prompt.confirmRequests[0]!.preview as { items: Array<Uint8Array | undefined> };
    expect(preview.items.map((b) => (b ? new TextDecoder().decode(b) : undefined))).toEqual([undefined, PDF, undefined, undefined, undefined]);
    expect(a.tokens.calls.login).toBe(1);
    expect(a.tokens.calls.sign).toBe(5);
    expect(a.prompt.progressEvents).toEqual([[1, 5], [2, 5], [3, 5], [4, 5], [5, 5]]);
    expect(a.prompt.calls.finish).toBe(1);
  });
  it('noVisibleStamp_noPreview', async () => {
    const { a, c, certId } = setup();
    await a.call(c, 'sign.batch', { certId, label: 'x', items: [hashItem(1), { kind: 'pdf', params: { pdf: b64(PDF), fileName: 'a.pdf', appearance: { visible: false } } }] });
    expect(a.prompt.confirmRequests[0]!.preview).toBeUndefined();
  });
  it('failingItem_doesNotStopOthers', async () => {
    const { a, c, certId } = setup();
    a.tokens.failNext('sign', new AgentError('ALGORITHM_UNSUPPORTED', 'no PSS'));
    const r = await a.call(c, 'sign.batch', { certId, label: 'x', items: [hashItem(1), hashItem(2), hashItem(3)] });
    const results = (r.result as { results: { ok: boolean; error?: { data: { reason: string } } }[] }).results;
    expect(results.map((x) => x.ok)).toEqual([false, true, true]);
    expect(results[0]!.error?.data.reason).toBe('ALGORITHM_UNSUPPORTED');
  });
  it('tokenRemoved_stopsTheRest', async () => {
    const { a, c, certId } = setup();
    let n = 0;
    const sign = a.tokens.sign.bind(a.tokens);
    a.tokens.sign = async (req, pin) => {
      if (++n === 2) a.tokens.removeAll();
      return sign(req, pin);
    };
    const r = await a.call(c, 'sign.batch', { certId, label: 'x', items: [hashItem(1), hashItem(2), hashItem(3), hashItem(4)] });
    const results = (r.result as { results: { ok: boolean; error?: { data: { reason: string } } }[] }).results;
    expect(results.map((x) => x.ok)).toEqual([true, false, false, false]);
    expect(results.slice(1).every((x) => x.error?.data.reason === 'TOKEN_REMOVED')).toBe(true);
    expect(n).toBe(2);
  });
  it('invalidDocumentItem_refusesTheWholeBatchBeforeTheDialog', async () => {
    const { a, c, certId } = setup();
    const r = await a.call(c, 'sign.batch', { certId, label: 'x', items: [hashItem(1), { kind: 'pdf', params: { pdf: b64('nope'), fileName: 'a.pdf' } }] });
    expect(r.error?.data).toMatchObject({ reason: 'DOCUMENT_INVALID', detail: 'items[1]: no %PDF- header' });
    expect(a.prompt.calls.confirmSigning).toBe(0);
  });
  it('alwaysAuthenticate_onePinForAllItems_zeroedAfter', async () => {
    const cert = makeCert();
    const certId = cert.certId;
    const withAA = createTestAgent({ policy: { allowedOrigins: [ORIGIN] }, tokens: { certificates: [cert], alwaysAuthenticate: [certId] } });
    const r = await withAA.call(withAA.connect(ORIGIN), 'sign.batch', { certId, label: 'x', items: [hashItem(1), hashItem(2), hashItem(3)] });
    expect((r.result as { results: { ok: boolean }[] }).results.every((x) => x.ok)).toBe(true);
    expect(withAA.prompt.calls.confirmSigning).toBe(1);
    expect(withAA.tokens.loginResults).toEqual([true, true, true, true]); // login + 3 context logins, one typed PIN
    expect(withAA.prompt.pinBuffers).toHaveLength(1);
    expect(withAA.prompt.pinBuffers[0]!.every((x) => x === 0)).toBe(true);
  });
});
