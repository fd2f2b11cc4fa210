// Unit: the CKR → reason map, read from the numeric code only.
import { describe, expect, it } from 'vitest';
import { ckrCode, isTokenGone, pinStatusFromFlags, reasonForCkr, toAgentError } from './ckr.js';
import * as C from './constants.js';
import { InjectedPkcs11Error } from './fault-injection.js';

describe('reasonForCkr', () => {
  it.each([
    [C.CKR_PIN_INCORRECT, 'login', 'PIN_INCORRECT'],
    [C.CKR_PIN_LOCKED, 'login', 'PIN_LOCKED'],
    [C.CKR_PIN_LEN_RANGE, 'login', 'PIN_LENGTH_INVALID'],
    [C.CKR_GENERAL_ERROR, 'login', 'PIN_INCORRECT'],
    [C.CKR_GENERAL_ERROR, 'contextLogin', 'PIN_INCORRECT'],
    [C.CKR_GENERAL_ERROR, 'sign', 'MODULE_ERROR'],
    [C.CKR_DEVICE_REMOVED, 'sign', 'TOKEN_REMOVED'],
    [C.CKR_SESSION_HANDLE_INVALID, 'sign', 'TOKEN_REMOVED'],
    [C.CKR_SESSION_CLOSED, 'sign', 'TOKEN_REMOVED'],
    [C.CKR_DEVICE_ERROR, 'sign', 'TOKEN_REMOVED'],
    [C.CKR_TOKEN_NOT_PRESENT, 'sign', 'TOKEN_REMOVED'],
    [C.CKR_TOKEN_NOT_PRESENT, 'enumerate', 'TOKEN_NOT_PRESENT'],
    [C.CKR_KEY_TYPE_INCONSISTENT, 'sign', 'ALGORITHM_UNSUPPORTED'],
    [C.CKR_KEY_FUNCTION_NOT_PERMITTED, 'sign', 'ALGORITHM_UNSUPPORTED'],
    [C.CKR_MECHANISM_INVALID, 'sign', 'ALGORITHM_UNSUPPORTED'],
    [C.CKR_MECHANISM_PARAM_INVALID, 'sign', 'ALGORITHM_UNSUPPORTED'],
    [C.CKR_DATA_LEN_RANGE, 'sign', 'HASH_LENGTH_INVALID'],
    [C.CKR_FUNCTION_CANCELED, 'login', 'USER_CANCELLED'],
    [C.CKR_CANT_LOCK, 'sign', 'MODULE_ERROR'],
    [C.CKR_HOST_MEMORY, 'sign', 'MODULE_ERROR'],
  ] as const)('0x%s during %s → %s', (code, op, reason) => {
    expect(reasonForCkr(code, op)).toBe(reason);
  });
});

describe('ckrCode', () => {
  it('readsTheNumericCodeOfPkcs11Errors_notTheMessage', () => {
    const e = Object.assign(new Error('CKR_PIN_INCORRECT:160'), { name: 'Pkcs11Error', code: C.CKR_DEVICE_REMOVED });
    expect(ckrCode(e)).toBe(C.CKR_DEVICE_REMOVED);
    expect(ckrCode(new InjectedPkcs11Error(C.CKR_PIN_LOCKED, 'C_Login'))).toBe(C.CKR_PIN_LOCKED);
  });
  it('ignoresNativeErrorsAndNonErrors', () => {
    expect(ckrCode(Object.assign(new Error('dlopen failed'), { name: 'NativeError', code: 0 }))).toBeUndefined();
    expect(ckrCode(new TypeError('x'))).toBeUndefined();
    expect(ckrCode('CKR_PIN_INCORRECT')).toBeUndefined();
    expect(ckrCode(null)).toBeUndefined();
  });
});

describe('toAgentError', () => {
  it('attachesPinStatusToPinErrors_andPromotesLockedToPinLocked', () => {
    const e = toAgentError(new InjectedPkcs11Error(C.CKR_PIN_INCORRECT, 'C_Login'), 'login', 'finalTry');
    expect(e).toMatchObject({ reason: 'PIN_INCORRECT', data: { pinStatus: 'finalTry' } });
    expect(toAgentError(new InjectedPkcs11Error(C.CKR_PIN_INCORRECT, 'C_Login'), 'login', 'locked')).toMatchObject({ reason: 'PIN_LOCKED', data: { pinStatus: 'locked' } });
  });
  it('keepsDetailsOutOfTheMessage', () => {
    const e = toAgentError(new Error('/opt/vendor/lib.so: cannot open'), 'sign');
    expect(e.reason).toBe('MODULE_ERROR');
    expect(e.message).toBe('MODULE_ERROR');
    expect(e.logDetail).toContain('/opt/vendor/lib.so');
  });
});

describe('flags', () => {
  it('pinStatusFromFlags_prefersTheWorstState', () => {
    expect(pinStatusFromFlags(0)).toBe('ok');
    expect(pinStatusFromFlags(C.CKF_USER_PIN_COUNT_LOW)).toBe('countLow');
    expect(pinStatusFromFlags(C.CKF_USER_PIN_COUNT_LOW | C.CKF_USER_PIN_FINAL_TRY)).toBe('finalTry');
    expect(pinStatusFromFlags(C.CKF_USER_PIN_FINAL_TRY | C.CKF_USER_PIN_LOCKED)).toBe('locked');
  });
  it('isTokenGone', () => {
    expect(isTokenGone(C.CKR_DEVICE_REMOVED)).toBe(true);
    expect(isTokenGone(C.CKR_PIN_INCORRECT)).toBe(false);
    expect(isTokenGone(undefined)).toBe(false);
  });
});
