import { describe, expect, it } from 'vitest';
import { encodeBase64, sha256Hex } from '../protocol/encoding.js';
import { createTestAgent, type TestAgentOptions } from '../testing/harness.js';

const ORIGIN = 'https://portal.example';
const DOC = new Uint8Array([0x50, 0x4b, 3, 4, 1, 2, 3]);

function setup(options: TestAgentOptions = {}) {
  const a = createTestAgent({ ...options, policy: { allowedOrigins: [ORIGIN], ...options.policy } });
  return { a, c: a.connect(ORIGIN), certId: a.tokens.certificates[0]!.certId };
}

describe('sign.office', () => {
  it('shows type, name, size, SHA-256 and first lines, then returns the signed document', async () => {
    const { a, c, certId } = setup();
    const r = await a.call(c, 'sign.office', { certId, document: encodeBase64(DOC), fileName: 'tờ trình.docx', comment: 'Đồng ý', hashAlgorithm: 'SHA-1' });
    expect(r.error).toBeUndefined();
    expect((r.result as { document: string }).document.length).toBeGreaterThan(0);
    expect(a.prompt.confirmRequests[0]!.subject).toEqual({
      kind: 'document', format: 'office', officeKind: 'docx', fileName: 'tờ trình.docx', size: DOC.length, sha256Hex: await sha256Hex(DOC), existingSignatures: 0, preview: ['first line'],
    });
    expect(a.documents.officeOptions[0]).toMatchObject({ fileName: 'tờ trình.docx', allowMacros: false, hashAlgorithm: 'SHA-1', comment: 'Đồng ý' });
    expect(a.documents.officeOptions[0]!.signingTime.toISOString()).toBe(a.clock.now().toISOString());
  });
  it('strict params: unknown fields and missing fileName are INVALID_PARAMS', async () => {
    const { a, c, certId } = setup();
    expect((await a.call(c, 'sign.office', { certId, document: encodeBase64(DOC), fileName: 'a.docx', extra: 1 })).error?.data.reason).toBe('INVALID_PARAMS');
    expect((await a.call(c, 'sign.office', { certId, document: encodeBase64(DOC) })).error?.data.reason).toBe('INVALID_PARAMS');
    expect((await a.call(c, 'sign.office', { certId, document: encodeBase64(DOC), fileName: 'a.docx', hashAlgorithm: 'MD5' })).error?.data.reason).toBe('INVALID_PARAMS');
  });
  it('macro files need policy office.allowMacros; refusals come before any dialog', async () => {
    const { a, c, certId } = setup();
    const r = await a.call(c, 'sign.office', { certId, document: encodeBase64(DOC), fileName: 'a.docm' });
    expect(r.error?.data.reason).toBe('DOCUMENT_INVALID');
    expect(a.prompt.calls.confirmSigning + a.tokens.calls.sign).toBe(0);
    const allowed = setup({ policy: { office: { allowMacros: true } } });
    expect((await allowed.a.call(allowed.c, 'sign.office', { certId: allowed.certId, document: encodeBase64(DOC), fileName: 'a.docm' })).error).toBeUndefined();
  });
  it('is a sign.batch item kind', async () => {
    const { a, c, certId } = setup();
    const r = await a.call(c, 'sign.batch', { certId, label: 'Hồ sơ', items: [{ kind: 'office', params: { document: encodeBase64(DOC), fileName: 'a.xlsx' } }] });
    expect((r.result as { results: Array<{ ok: boolean }> }).results[0]!.ok).toBe(true);
  });
});
