// document.verify: approved origins only, no dialog, strict params, bounded documents, the report as the result.
import { describe, expect, it } from 'vitest';
import { encodeBase64 } from '../protocol/encoding.js';
import { createTestAgent } from '../testing/harness.js';
import { VALID_FACTS } from '../testing/verify-facts.js';
import type { DocumentVerifier, VerificationReport, VerifyInput } from '../verify/report.js';
import { decideDocument, withVerdict } from '../verify/verdict.js';

const ORIGIN = 'https://portal.example';
const b64 = (s: string) => encodeBase64(new TextEncoder().encode(s));

function fakeVerifier(): DocumentVerifier & { inputs: VerifyInput[] } {
  const inputs: VerifyInput[] = [];
  return {
    inputs,
    async verify(input) {
      inputs.push(input);
      const signatures = [withVerdict(VALID_FACTS)];
      return { format: 'pdf', fileName: input.fileName ?? null, size: input.document.length, sha256: '00'.repeat(32), verifiedAt: '2026-03-01T08:00:00.000Z', ...decideDocument(signatures), changedAfterLastSignature: false, signatures };
    },
  };
}

describe('document.verify', () => {
  it('approvedOrigin_getsTheReport_withoutAnyDialog', async () => {
    const verifier = fakeVerifier();
    const a = createTestAgent({ policy: { allowedOrigins: [ORIGIN] }, verifier });
    const r = await a.call(a.connect(ORIGIN), 'document.verify', { document: b64('%PDF-1.7 signed'), fileName: 'hợp đồng.pdf', content: b64('x') });
    expect((r.result as { report: VerificationReport }).report).toMatchObject({ verdict: 'valid', reason: 'OK', fileName: 'hợp đồng.pdf', signatures: [{ signer: { commonName: 'NGUYỄN VĂN AN' } }] });
    expect(new TextDecoder().decode(verifier.inputs[0]!.document)).toBe('%PDF-1.7 signed');
    expect(verifier.inputs[0]!.content).toEqual(new TextEncoder().encode('x'));
    expect(a.prompt.calls).toMatchObject({ requestAccess: 0, chooseCertificate: 0, confirmSigning: 0 });
    expect(a.logger.entries.find((e) => e.event === 'document.verify')?.fields).toMatchObject({ verdict: 'valid', signatures: 1 });
    expect(a.logger.text()).not.toContain('NGUYỄN');
  });

  it('unapprovedOrigin_isRefused_beforeTheDocumentIsRead', async () => {
    const verifier = fakeVerifier();
    const a = createTestAgent({ verifier });
    const r = await a.call(a.connect('https://other.example'), 'document.verify', { document: b64('%PDF') });
    // Pairable but not approved yet: the page must call session.requestAccess first.
    expect(r.error?.data.reason).toBe('ACCESS_DENIED');
    expect(verifier.inputs).toHaveLength(0);
    expect(a.prompt.calls.requestAccess).toBe(0);
  });

  it('strictParams_andNoVerifier', async () => {
    const a = createTestAgent({ policy: { allowedOrigins: [ORIGIN] }, verifier: fakeVerifier() });
    const c = a.connect(ORIGIN);
    expect((await a.call(c, 'document.verify', { document: b64('x'), extra: 1 })).error?.data.reason).toBe('INVALID_PARAMS');
    expect((await a.call(c, 'document.verify', {})).error?.data.reason).toBe('INVALID_PARAMS');
    expect((await a.call(c, 'document.verify', { document: 'not base64!' })).error?.data.reason).toBe('INVALID_PARAMS');
    expect((await a.call(c, 'agent.info')).result).toMatchObject({ features: expect.arrayContaining(['document.verify']) });
    const bare = createTestAgent({ policy: { allowedOrigins: [ORIGIN] } });
    expect((await bare.call(bare.connect(ORIGIN), 'document.verify', { document: b64('x') })).error?.data.reason).toBe('METHOD_NOT_FOUND');
    expect((await bare.call(bare.connect(ORIGIN), 'agent.info')).result).not.toMatchObject({ features: expect.arrayContaining(['document.verify']) });
  });

  it('documents_claimTheSharedMemoryBudget', async () => {
    const a = createTestAgent({ policy: { allowedOrigins: [ORIGIN] }, verifier: fakeVerifier(), documentBudgetBytes: 100 });
    const r = await a.call(a.connect(ORIGIN), 'document.verify', { document: b64('y'.repeat(50)) });
    expect(r.error?.data.reason).toBe('BUSY');
  });
});
