// Native: injected PKCS#11 faults on real SoftHSM2 map to their reasons, the PIN is never retried, and the service keeps working.
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { softHsmConfText } from '../../agent/demo/index.js';
import { createPkcs11TokenService } from '../../agent/pkcs11/index.js';
import type { Pkcs11TokenService } from '../../agent/pkcs11/index.js';
import * as C from '../../agent/pkcs11/constants.js';
import { FaultInjector } from '../../agent/pkcs11/fault-injection.js';
import { defaultPkcs11Factory } from '../../agent/pkcs11/pkcs11-api.js';
import '../fixtures/types.js';
import { capturingLogger, softhsmCandidate, systemClock, verifyPkcs1 } from './helpers.js';

const k = inject('kyso');
const PIN_A = k.softhsm.tokens.A.pin;
const pin = (s: string): Uint8Array => new TextEncoder().encode(s);
const data = Buffer.from('fault test');
const digest = createHash('sha256').update(data).digest();

let svc: Pkcs11TokenService | undefined;
let privateDir = '';

// Wrong PINs change SoftHSM2's token flags (count low): work on a private copy of the tokens so that
// test files running in parallel still see the fixture's tokens untouched.
beforeAll(() => {
  privateDir = mkdtempSync(join(tmpdir(), 'kyso-pkcs11-faults-'));
  cpSync(k.softhsm.tokenDir, join(privateDir, 'tokens'), { recursive: true });
  writeFileSync(join(privateDir, 'softhsm2.conf'), softHsmConfText(join(privateDir, 'tokens')));
  process.env.SOFTHSM2_CONF = join(privateDir, 'softhsm2.conf');
});
afterAll(() => {
  rmSync(privateDir, { recursive: true, force: true });
});
afterEach(async () => {
  await svc?.close();
  svc = undefined;
});

async function setup(options: { idleMinutes?: number; requirePinEveryTime?: boolean } = {}) {
  const faults = new FaultInjector();
  const logger = capturingLogger();
  svc = createPkcs11TokenService({ modules: [softhsmCandidate(k)], clock: systemClock, logger, pkcs11Factory: faults.factory(defaultPkcs11Factory), ...options });
  const certs = await svc.listCertificates();
  const citizen = certs.find((c) => c.thumbprintSha256 === k.pki.certs.citizen.thumbprintSha256)!;
  return { svc, faults, logger, certId: citizen.certId, tokenId: citizen.tokenId };
}

const signOk = async (s: Pkcs11TokenService, certId: string) => {
  const r = await s.sign({ certId, digest, hashAlgorithm: 'SHA-256' });
  expect(verifyPkcs1(k.pki.certs.citizen.certPem, data, 'sha256', r.signature)).toBe(true);
};

describe('PIN errors', () => {
  it('wrongPin_rejectsPinIncorrect_andNeverRetries', async () => {
    const { svc, faults, logger, tokenId, certId } = await setup();
    faults.resetCounts();
    const wrong = pin('000000');
    // SoftHSM2 raises CKF_USER_PIN_COUNT_LOW after a failed login: the status comes from the token, not from us.
    await expect(svc.login(tokenId, wrong)).rejects.toMatchObject({ reason: 'PIN_INCORRECT', data: { pinStatus: 'countLow' } });
    expect(faults.calls('C_Login')).toBe(1);
    expect([...wrong]).toEqual([0, 0, 0, 0, 0, 0]); // zeroed
    expect((await svc.authState(certId)).loginRequired).toBe(true);
    const right = pin(PIN_A);
    await svc.login(tokenId, right);
    expect([...right].every((b) => b === 0)).toBe(true);
    expect(faults.calls('C_Login')).toBe(2);
    await signOk(svc, certId);
    expect(logger.text()).not.toContain(PIN_A);
    expect(logger.text()).not.toContain('000000');
  });

  it.each([
    ['CKR_GENERAL_ERROR (vendor wrong PIN) + count low', C.CKR_GENERAL_ERROR, C.CKF_USER_PIN_COUNT_LOW, 'PIN_INCORRECT', 'countLow'],
    ['CKR_PIN_INCORRECT + final try', C.CKR_PIN_INCORRECT, C.CKF_USER_PIN_FINAL_TRY, 'PIN_INCORRECT', 'finalTry'],
    ['CKR_PIN_INCORRECT leaving the PIN locked', C.CKR_PIN_INCORRECT, C.CKF_USER_PIN_LOCKED, 'PIN_LOCKED', 'locked'],
    ['CKR_PIN_LOCKED', C.CKR_PIN_LOCKED, C.CKF_USER_PIN_LOCKED, 'PIN_LOCKED', 'locked'],
  ] as const)('login_%s', async (_name, code, flags, reason, pinStatus) => {
    const { svc, faults, tokenId } = await setup();
    faults.resetCounts();
    faults.inject({ fn: 'C_Login', code, thenTokenFlags: flags });
    await expect(svc.login(tokenId, pin(PIN_A))).rejects.toMatchObject({ reason, data: { pinStatus } });
    expect(faults.calls('C_Login')).toBe(1);
    expect((await svc.listTokens()).find((t) => t.tokenId === tokenId)!.pinStatus).toBe(pinStatus);
  });

  it.each([
    [C.CKR_PIN_LEN_RANGE, 'PIN_LENGTH_INVALID'],
    [C.CKR_FUNCTION_CANCELED, 'USER_CANCELLED'],
  ] as const)('login_ckr%s_maps_to_%s_thenLoginWorks', async (code, reason) => {
    const { svc, faults, tokenId, certId } = await setup();
    faults.inject({ fn: 'C_Login', code });
    await expect(svc.login(tokenId, pin(PIN_A))).rejects.toMatchObject({ reason });
    await svc.login(tokenId, pin(PIN_A));
    await signOk(svc, certId);
  });
});

describe('token faults during signing', () => {
  it.each([
    ['C_Sign', C.CKR_DEVICE_REMOVED, 'TOKEN_REMOVED', true],
    ['C_SignInit', C.CKR_SESSION_HANDLE_INVALID, 'TOKEN_REMOVED', true],
    ['C_Sign', C.CKR_SESSION_CLOSED, 'TOKEN_REMOVED', true],
    ['C_SignInit', C.CKR_TOKEN_NOT_PRESENT, 'TOKEN_REMOVED', true],
    ['C_Sign', C.CKR_DEVICE_ERROR, 'TOKEN_REMOVED', true],
    ['C_SignInit', C.CKR_KEY_HANDLE_INVALID, 'TOKEN_REMOVED', true],
    ['C_Sign', C.CKR_CANT_LOCK, 'MODULE_ERROR', false],
    ['C_Sign', C.CKR_GENERAL_ERROR, 'MODULE_ERROR', false],
    ['C_SignInit', C.CKR_KEY_TYPE_INCONSISTENT, 'ALGORITHM_UNSUPPORTED', false],
    ['C_SignInit', C.CKR_MECHANISM_INVALID, 'ALGORITHM_UNSUPPORTED', false],
    ['C_Sign', C.CKR_DATA_LEN_RANGE, 'HASH_LENGTH_INVALID', false],
    ['C_Sign', C.CKR_FUNCTION_CANCELED, 'USER_CANCELLED', false],
  ] as const)('%s fails with CKR %i → %s, then the next call works', async (fn, code, reason, sessionLost) => {
    const { svc, faults, tokenId, certId } = await setup();
    await svc.login(tokenId, pin(PIN_A));
    await signOk(svc, certId); // key handle cached
    faults.inject({ fn, code });
    await expect(svc.sign({ certId, digest, hashAlgorithm: 'SHA-256' })).rejects.toMatchObject({ reason });
    expect((await svc.authState(certId)).loginRequired).toBe(sessionLost);
    if (sessionLost) await svc.login(tokenId, pin(PIN_A));
    await signOk(svc, certId);
  });

  it('slotListFailure_duringScan_isLoggedAndTheNextScanWorks', async () => {
    const { svc, faults, logger } = await setup();
    faults.inject({ fn: 'C_GetSlotList', code: C.CKR_DEVICE_ERROR });
    await expect(svc.listTokens()).resolves.toBeDefined();
    expect(logger.lines.some((l) => l.event === 'pkcs11.scan.failed')).toBe(true);
    expect((await svc.listTokens()).map((t) => t.label)).toContain('KYSO TOKEN A');
  });

  it('fiftyParallelSigns_areSerialisedAndAllVerify', async () => {
    const { svc, tokenId, certId } = await setup();
    await svc.login(tokenId, pin(PIN_A));
    const results = await Promise.all(Array.from({ length: 50 }, () => svc.sign({ certId, digest, hashAlgorithm: 'SHA-256' })));
    for (const r of results) expect(verifyPkcs1(k.pki.certs.citizen.certPem, data, 'sha256', r.signature)).toBe(true);
  });
});

describe('login lifetime', () => {
  it('idleWindow_logsOutAfterIdle', async () => {
    const { svc, faults, tokenId, certId } = await setup({ idleMinutes: 0.005 }); // 300 ms
    await svc.login(tokenId, pin(PIN_A));
    expect((await svc.authState(certId)).loginRequired).toBe(false);
    await new Promise((r) => setTimeout(r, 700));
    expect(faults.calls('C_Logout')).toBe(1);
    expect((await svc.authState(certId)).loginRequired).toBe(true);
    await expect(svc.sign({ certId, digest, hashAlgorithm: 'SHA-256' })).rejects.toMatchObject({ reason: 'PIN_INCORRECT' });
  });

  it('requirePinEveryTime_logsOutAfterEachSignature', async () => {
    const { svc, tokenId, certId } = await setup({ requirePinEveryTime: true });
    expect((await svc.authState(certId)).loginRequired).toBe(true);
    await svc.login(tokenId, pin(PIN_A));
    await signOk(svc, certId);
    expect((await svc.authState(certId)).loginRequired).toBe(true);
    await expect(svc.sign({ certId, digest, hashAlgorithm: 'SHA-256' })).rejects.toMatchObject({ reason: 'PIN_INCORRECT' });
    await svc.login(tokenId, pin(PIN_A));
    await signOk(svc, certId);
  });

  it('logout_requiresLoginAgain', async () => {
    const { svc, tokenId, certId } = await setup();
    await svc.login(tokenId, pin(PIN_A));
    await svc.logout(tokenId);
    expect((await svc.authState(certId)).loginRequired).toBe(true);
  });
});
