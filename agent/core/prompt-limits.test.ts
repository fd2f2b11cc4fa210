// Unit: one PIN per batch with requirePinEveryTime, one access prompt across origins plus a
// global prompt rate, and the origin slot taken before any document is decoded or parsed.
import { describe, expect, it } from 'vitest';
import { encodeBase64 } from './protocol/encoding.js';
import { createTestAgent, type TestAgent } from './testing/harness.js';

const ORIGIN = 'https://portal.example';
const b64 = (s: string) => encodeBase64(new TextEncoder().encode(s));
const PDF = '%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n';
const hashItem = (n: number) => ({ kind: 'hash', params: { hash: encodeBase64(new Uint8Array(32).fill(n)), hashAlgorithm: 'SHA-256' } });
const tick = () => new Promise((r) => setTimeout(r, 5));

function approved(a: TestAgent) {
  return { c: a.connect(ORIGIN), certId: a.tokens.certificates[0]!.certId };
}

describe('requirePinEveryTime (M2)', () => {
  it('batchOfThree_oneLogin_threeOk_thenTheNextSignAsksThePinAgain', async () => {
    const a = createTestAgent({ policy: { allowedOrigins: [ORIGIN], signing: { requirePinEveryTime: true, pinSessionMinutes: 5, allowHashOnly: true, sha1: 'warn' } }, tokens: { requirePinEveryTime: true } });
    const { c, certId } = approved(a);
    const r = await a.call(c, 'sign.batch', { certId, label: 'x', items: [hashItem(1), hashItem(2), hashItem(3)] });
    expect((r.result as { results: { ok: boolean }[] }).results.map((x) => x.ok)).toEqual([true, true, true]);
    expect(a.tokens.calls.login).toBe(1);
    expect(a.tokens.loggedIn).toBe(false); // released at the end of the operation
    expect(a.tokens.holds).toBe(0);
    const single = await a.call(c, 'sign.hash', { certId, hash: encodeBase64(new Uint8Array(32)), hashAlgorithm: 'SHA-256' });
    expect(single.result).toBeDefined();
    expect(a.prompt.confirmRequests.map((q) => q.pin.required)).toEqual([true, true]);
    expect(a.tokens.calls.login).toBe(2);
  });
  it('cancelledAfterLoginHold_isReleased_evenWhenNothingWasSigned', async () => {
    const a = createTestAgent({ policy: { allowedOrigins: [ORIGIN] }, prompt: { confirm: 'cancel' }, tokens: { requirePinEveryTime: true } });
    const { c, certId } = approved(a);
    expect((await a.call(c, 'sign.hash', { certId, hash: encodeBase64(new Uint8Array(32)), hashAlgorithm: 'SHA-256' })).error?.data.reason).toBe('USER_CANCELLED');
    expect(a.tokens.holdsTaken).toBe(1);
    expect(a.tokens.holds).toBe(0);
  });
});

describe('access prompts across origins (M3)', () => {
  it('onePendingAccessPrompt_otherOriginsGetBusy_untilItIsAnswered', async () => {
    const a = createTestAgent({ prompt: { access: ['hang', 'allowOnce'] } });
    const first = a.connect('https://a.evil.example');
    const pending = a.call(first, 'session.requestAccess', {});
    await tick();
    for (const o of ['https://b.evil.example', 'https://c.evil.example']) {
      expect((await a.call(a.connect(o), 'session.requestAccess', {})).error?.data.reason).toBe('BUSY');
    }
    expect(a.prompt.calls.requestAccess).toBe(1);
    first.controller.abort();
    expect((await pending).error?.data.reason).toBe('USER_CANCELLED');
    expect((await a.call(a.connect('https://b.evil.example'), 'session.requestAccess', {})).result).toEqual({ granted: true });
  });
  it('globalPromptRate_limitsManyOrigins_untilTheMinutePasses', async () => {
    const a = createTestAgent({ prompt: { access: 'deny' } });
    const reasons: string[] = [];
    let message = '';
    for (let i = 0; i < 31; i++) {
      const error = (await a.call(a.connect(`https://s${i}.evil.example`), 'session.requestAccess', {})).error!;
      reasons.push(error.data.reason);
      message = error.message;
    }
    expect(reasons.slice(0, 30).every((r) => r === 'ACCESS_DENIED')).toBe(true);
    expect(reasons[30]).toBe('RATE_LIMITED');
    // Vietnamese first, English second.
    expect(message).toMatch(/^Có quá nhiều hộp thoại.* \/ Too many prompts/);
    expect(a.prompt.calls.requestAccess).toBe(30);
    a.clock.advance(60_000);
    expect((await a.call(a.connect('https://s99.evil.example'), 'session.requestAccess', {})).error?.data.reason).toBe('ACCESS_DENIED');
  });
});

describe('the origin slot comes before parsing (M4)', () => {
  it('busyOrigin_getsBusy_withoutItsDocumentsDescribed', async () => {
    const a = createTestAgent({ policy: { allowedOrigins: [ORIGIN] }, prompt: { confirm: 'hang' } });
    const { c, certId } = approved(a);
    const pending = a.call(c, 'sign.pdf', { certId, pdf: b64(PDF), fileName: 'a.pdf' });
    await tick();
    expect(a.documents.calls.describePdf).toBe(1);
    const other = a.connect(ORIGIN);
    expect((await a.call(other, 'sign.pdf', { certId, pdf: b64(PDF), fileName: 'b.pdf' })).error?.data.reason).toBe('BUSY');
    expect((await a.call(other, 'sign.xml', { certId, xml: b64('<a/>'), profile: 'enveloped' })).error?.data.reason).toBe('BUSY');
    expect((await a.call(other, 'sign.batch', { certId, label: 'x', items: [{ kind: 'pdf', params: { pdf: b64(PDF), fileName: 'c.pdf' } }] })).error?.data.reason).toBe('BUSY');
    // Not even decoded: an undecodable document from the busy origin is BUSY, not INVALID_PARAMS.
    expect((await a.call(other, 'sign.cms', { certId, data: '!!not base64!!' })).error?.data.reason).toBe('BUSY');
    expect(a.documents.calls.describePdf + a.documents.calls.describeXml).toBe(1);
    c.controller.abort();
    expect((await pending).error?.data.reason).toBe('USER_CANCELLED');
    // The slot is free again, and a refused parse does not keep it.
    expect((await a.call(other, 'sign.pdf', { certId, pdf: b64('nope'), fileName: 'x.pdf' })).error?.data.reason).toBe('DOCUMENT_INVALID');
    a.prompt.script({ confirm: 'approve' });
    expect((await a.call(other, 'sign.pdf', { certId, pdf: b64(PDF), fileName: 'x.pdf' })).result).toBeDefined();
  });
  it('failedPreparation_countsNoPrompt', async () => {
    const a = createTestAgent({ policy: { allowedOrigins: [ORIGIN] }, limits: { promptsPerMinute: 2 } });
    const { c, certId } = approved(a);
    for (let i = 0; i < 5; i++) {
      expect((await a.call(c, 'sign.pdf', { certId, pdf: b64('nope'), fileName: 'x.pdf' })).error?.data.reason).toBe('DOCUMENT_INVALID');
    }
    expect((await a.call(c, 'sign.pdf', { certId, pdf: b64(PDF), fileName: 'x.pdf' })).result).toBeDefined();
  });
});
