import { describe, expect, it } from 'vitest';
import { AgentError } from '../errors.js';
import { encodeBase64 } from '../protocol/encoding.js';
import { makeCert } from '../testing/certs.js';
import { createTestAgent, type TestAgentOptions } from '../testing/harness.js';

const ORIGIN = 'https://portal.example';
const digest = new Uint8Array(32).fill(9);
const hashParams = (certId: string, extra: Record<string, unknown> = {}) => ({ certId, hash: encodeBase64(digest), hashAlgorithm: 'SHA-256', ...extra });

function setup(options: TestAgentOptions = {}) {
  const a = createTestAgent({ ...options, policy: { allowedOrigins: [ORIGIN], ...options.policy } });
  const c = a.connect(ORIGIN);
  const certId = a.tokens.certificates[0]!.certId;
  return { a, c, certId, signHash: (extra: Record<string, unknown> = {}) => a.call(c, 'sign.hash', hashParams(certId, extra)) };
}

describe('sign.hash and the shared signing flow', () => {
  it('approvedWithPin_logsInAndSigns_resultShape', async () => {
    const { a, signHash } = setup();
    const r = await signHash({ label: 'Tờ khai' });
    expect(r.result).toMatchObject({ scheme: 'PKCS1v15', hashAlgorithm: 'SHA-256', certificate: { certId: a.tokens.certificates[0]!.certId } });
    expect((r.result as { signature: string }).signature).toBe(encodeBase64(Uint8Array.of(0x5a, ...digest)));
    const shown = a.prompt.confirmRequests[0]!;
    expect(shown.subject).toEqual({ kind: 'hash', hashHex: '09'.repeat(32), hashAlgorithm: 'SHA-256', label: 'Tờ khai' });
    expect(shown.pin).toEqual({ required: true, pinpad: false, pinStatus: 'ok' });
    expect(a.tokens.loginResults).toEqual([true]);
    expect(a.prompt.pinBuffers.every((b) => b.every((x) => x === 0))).toBe(true);
    expect(a.prompt.calls.finish).toBe(1);
  });

  it('noSignBeforeApproval_whenUserCancels', async () => {
    const { a, signHash } = setup({ prompt: { confirm: 'cancel' } });
    expect((await signHash()).error?.data).toMatchObject({ reason: 'USER_CANCELLED', retriable: true });
    expect(a.tokens.calls.sign).toBe(0);
    expect(a.tokens.calls.login).toBe(0);
    expect(a.prompt.calls.finish).toBe(1);
  });

  it('noSignBeforeApproval_whenDialogTimesOutOrConnectionCloses', async () => {
    const { a, c, signHash } = setup({ prompt: { confirm: ['timeout', 'hang'] } });
    expect((await signHash()).error?.data.reason).toBe('USER_TIMEOUT');
    const pending = signHash();
    await new Promise((r) => setTimeout(r, 5));
    c.controller.abort();
    expect((await pending).error?.data.reason).toBe('USER_CANCELLED');
    expect(a.tokens.calls.sign).toBe(0);
  });

  it('alreadyLoggedIn_noPinField_noLogin', async () => {
    const { a, signHash } = setup({ tokens: { loggedIn: true } });
    expect((await signHash()).result).toBeDefined();
    expect(a.prompt.confirmRequests[0]!.pin.required).toBe(false);
    expect(a.tokens.calls.login).toBe(0);
  });

  it('wrongPin_reasksTheSameDialogWithPreviousError_thenSucceeds', async () => {
    const { a, signHash } = setup({ prompt: { confirm: [{ pin: '0000' }, { pin: '1234' }] } });
    expect((await signHash()).result).toBeDefined();
    expect(a.prompt.confirmRequests.map((r) => r.pin)).toEqual([
      { required: true, pinpad: false, pinStatus: 'ok' },
      { required: true, pinpad: false, pinStatus: 'countLow', previousError: 'PIN_INCORRECT' },
    ]);
    expect(a.tokens.loginResults).toEqual([false, true]);
    expect(a.tokens.calls.sign).toBe(1);
    expect(a.prompt.calls.finish).toBe(1);
  });

  it('wrongPin_thenCancel_reportsPinIncorrectWithPinStatus', async () => {
    const { a, signHash } = setup({ prompt: { confirm: [{ pin: '0000' }, { pin: '0000' }, 'cancel'] } });
    const r = await signHash();
    expect(r.error?.data).toEqual({ reason: 'PIN_INCORRECT', retriable: true, pinStatus: 'finalTry' });
    expect(a.prompt.confirmRequests[2]!.pin.pinStatus).toBe('finalTry');
    expect(a.tokens.calls.login).toBe(2); // never retried by the agent itself
    expect(a.tokens.calls.sign).toBe(0);
  });

  it('lastTryWrong_isPinLocked_andLockedTokenFailsBeforeAnyDialog', async () => {
    const { a, signHash } = setup({ tokens: { maxTries: 1 }, prompt: { confirm: { pin: '9999' } } });
    expect((await signHash()).error?.data).toMatchObject({ reason: 'PIN_LOCKED', pinStatus: 'locked' });
    const shown = a.prompt.calls.confirmSigning;
    expect((await signHash()).error?.data.reason).toBe('PIN_LOCKED');
    expect(a.prompt.calls.confirmSigning).toBe(shown);
  });

  it('emptyPin_reasksWithPinLengthInvalid', async () => {
    const { a, signHash } = setup({ prompt: { confirm: ['approveEmpty', 'approve'] } });
    expect((await signHash()).result).toBeDefined();
    expect(a.prompt.confirmRequests[1]!.pin.previousError).toBe('PIN_LENGTH_INVALID');
  });

  it('faultyDialogAnsweringInstantly_doesNotSpinForever', async () => {
    const { a, signHash } = setup({ prompt: { confirm: 'approveEmpty' } });
    expect((await signHash()).error?.data.reason).toBe('PIN_LENGTH_INVALID');
    expect(a.prompt.calls.confirmSigning).toBe(10);
  });

  it('pinpad_logsInWithNullPin', async () => {
    const { a, signHash } = setup({ tokens: { pinpad: true } });
    expect((await signHash()).result).toBeDefined();
    expect(a.prompt.confirmRequests[0]!.pin).toMatchObject({ required: true, pinpad: true });
    expect(a.prompt.pinBuffers).toHaveLength(0);
  });

  it('alwaysAuthenticate_passesContextPin_andZeroesIt', async () => {
    const cert = makeCert();
    const { a, signHash } = setup({ tokens: { certificates: [cert], alwaysAuthenticate: [cert.certId], loggedIn: true } });
    expect((await signHash()).result).toBeDefined();
    expect(a.prompt.confirmRequests[0]!.pin.required).toBe(true);
    expect(a.tokens.loginResults).toEqual([true]);
    expect(a.prompt.pinBuffers[0]!.every((x) => x === 0)).toBe(true);
  });

  it('certificateProblems_failBeforeAnyDialog', async () => {
    const expired = makeCert({ status: 'expired' });
    const keyless = makeCert({ hasPrivateKey: false });
    const { a, c } = setup({ tokens: { certificates: [expired, keyless] } });
    expect((await a.call(c, 'sign.hash', hashParams('nope'))).error?.data.reason).toBe('CERTIFICATE_NOT_FOUND');
    expect((await a.call(c, 'sign.hash', hashParams(expired.certId))).error?.data).toMatchObject({ reason: 'CERTIFICATE_NOT_FOUND', detail: 'the certificate has expired' });
    expect((await a.call(c, 'sign.hash', hashParams(keyless.certId))).error?.data.reason).toBe('KEY_NOT_FOUND');
    expect(a.prompt.calls.confirmSigning).toBe(0);
  });

  it('tokenRemovedDuringSign_isTokenRemoved', async () => {
    const { a, signHash } = setup();
    a.tokens.failNext('sign', new AgentError('TOKEN_REMOVED', 'gone'));
    expect((await signHash()).error?.data).toMatchObject({ reason: 'TOKEN_REMOVED', retriable: true });
  });

  it('policyForbidsHashOnly_isAccessDeniedWithDetail', async () => {
    const { a, signHash } = setup({ policy: { signing: { allowHashOnly: false, requirePinEveryTime: false, pinSessionMinutes: 5, sha1: 'warn' } } });
    expect((await signHash()).error?.data).toMatchObject({ reason: 'ACCESS_DENIED', detail: 'policy signing.allowHashOnly is false' });
    expect(a.prompt.calls.confirmSigning).toBe(0);
  });

  it('schemeAndFormat_reachTheToken', async () => {
    const ec = makeCert({ keyAlgorithm: 'EC-P256' });
    const { a, c } = setup({ tokens: { certificates: [ec] } });
    const r = await a.call(c, 'sign.hash', hashParams(ec.certId, { ecdsaFormat: 'raw' }));
    expect((r.result as { scheme: string }).scheme).toBe('ECDSA');
    expect(a.tokens.signRequests[0]).toMatchObject({ certId: ec.certId, hashAlgorithm: 'SHA-256', ecdsaFormat: 'raw' });
  });

  it('sha1_isNamedAndWarnedByDefault_allowedQuietly_orRefusedBeforeAnyDialog', async () => {
    const sha1 = { hash: encodeBase64(new Uint8Array(20).fill(1)), hashAlgorithm: 'SHA-1' };
    const warn = setup();
    expect((await warn.signHash(sha1)).result).toMatchObject({ hashAlgorithm: 'SHA-1' });
    expect(warn.a.prompt.confirmRequests[0]).toMatchObject({ legacyHash: 'warn', subject: { hashAlgorithm: 'SHA-1' } });
    const allow = setup({ policy: { signing: { allowHashOnly: true, requirePinEveryTime: false, pinSessionMinutes: 5, sha1: 'allow' } } });
    await allow.signHash(sha1);
    expect(allow.a.prompt.confirmRequests[0]!.legacyHash).toBe('allow');
    const refuse = setup({ policy: { signing: { allowHashOnly: true, requirePinEveryTime: false, pinSessionMinutes: 5, sha1: 'refuse' } } });
    expect((await refuse.signHash(sha1)).error?.data).toMatchObject({ reason: 'ALGORITHM_UNSUPPORTED', detail: expect.stringContaining('signing.sha1') });
    expect(refuse.a.prompt.calls.confirmSigning).toBe(0);
    // SHA-256 never carries the legacy flag.
    await warn.signHash();
    expect(warn.a.prompt.confirmRequests[1]!.legacyHash).toBeUndefined();
  });
});
