// The one place that turns PKCS#11 return codes (CKR_*) into AgentError reasons.
import { AgentError } from '../core/errors.js';
import type { PinStatus, Reason } from '../core/errors.js';
import * as C from './constants.js';

/** Which PKCS#11 operation failed: the same CKR code means different things in C_Login and C_Sign. */
export type Pkcs11Operation = 'login' | 'contextLogin' | 'sign' | 'session' | 'enumerate' | 'logout';

/**
 * The numeric CKR code carried by a pkcs11js `Pkcs11Error` (or our fault-injecting wrapper), else undefined.
 * We read `code`, never the message text: messages differ between pkcs11js versions and vendor drivers.
 */
export function ckrCode(e: unknown): number | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const code = (e as { code?: unknown }).code;
  const name = (e as { name?: unknown }).name;
  // NativeError (dlopen failures, bad arguments) has code 0: that is not a PKCS#11 answer.
  if (name !== 'Pkcs11Error' || typeof code !== 'number' || code === 0) return undefined;
  return code >>> 0;
}

/** CKR codes that mean the token (or our session on it) is gone. */
const GONE = new Set<number>([
  C.CKR_DEVICE_REMOVED, C.CKR_TOKEN_NOT_PRESENT, C.CKR_SESSION_HANDLE_INVALID, C.CKR_SESSION_CLOSED,
  C.CKR_DEVICE_ERROR, C.CKR_SLOT_ID_INVALID, C.CKR_TOKEN_NOT_RECOGNIZED, C.CKR_CRYPTOKI_NOT_INITIALIZED,
]);

/** CKR codes that mean the key or mechanism cannot do what was asked. */
const ALGORITHM = new Set<number>([
  C.CKR_MECHANISM_INVALID, C.CKR_MECHANISM_PARAM_INVALID, C.CKR_KEY_TYPE_INCONSISTENT, C.CKR_KEY_SIZE_RANGE,
  C.CKR_KEY_FUNCTION_NOT_PERMITTED, C.CKR_FUNCTION_NOT_SUPPORTED,
]);

/** True when the code says our session or token is no longer usable (drop cached sessions and handles). */
export function isTokenGone(code: number | undefined): boolean {
  return code !== undefined && GONE.has(code);
}

/**
 * The reason for a CKR code in the context of an operation. Pure; unit-tested code by code.
 * - CKR_GENERAL_ERROR during C_Login is PIN_INCORRECT: several Vietnamese vendor drivers (rebranded Feitian
 *   middleware) answer a wrong PIN that way instead of CKR_PIN_INCORRECT. Elsewhere it is MODULE_ERROR.
 * - CKR_TOKEN_NOT_PRESENT before any session existed is TOKEN_NOT_PRESENT; once we were talking to the token,
 *   every "gone" code is TOKEN_REMOVED (the user pulled it).
 */
export function reasonForCkr(code: number, op: Pkcs11Operation): Reason {
  const login = op === 'login' || op === 'contextLogin';
  switch (code) {
    case C.CKR_PIN_INCORRECT:
    case C.CKR_PIN_INVALID:
      return 'PIN_INCORRECT';
    case C.CKR_PIN_LOCKED:
    case C.CKR_PIN_EXPIRED:
      return 'PIN_LOCKED';
    case C.CKR_PIN_LEN_RANGE:
      return 'PIN_LENGTH_INVALID';
    case C.CKR_GENERAL_ERROR:
      return login ? 'PIN_INCORRECT' : 'MODULE_ERROR';
    case C.CKR_FUNCTION_CANCELED:
      return 'USER_CANCELLED';
    case C.CKR_DATA_LEN_RANGE:
      return 'HASH_LENGTH_INVALID';
    case C.CKR_KEY_HANDLE_INVALID:
    case C.CKR_OBJECT_HANDLE_INVALID:
      // The key handle went stale: the token was re-inserted or re-initialised under us.
      return 'TOKEN_REMOVED';
    case C.CKR_TOKEN_NOT_PRESENT:
      return op === 'enumerate' ? 'TOKEN_NOT_PRESENT' : 'TOKEN_REMOVED';
    case C.CKR_USER_NOT_LOGGED_IN:
      // The login expired on the token side (some drivers log out on their own): the caller asks for the PIN again.
      return 'PIN_INCORRECT';
    default:
      if (GONE.has(code)) return 'TOKEN_REMOVED';
      if (ALGORITHM.has(code)) return 'ALGORITHM_UNSUPPORTED';
      return 'MODULE_ERROR';
  }
}

/** PIN status from CK_TOKEN_INFO.flags. */
export function pinStatusFromFlags(flags: number): PinStatus {
  if (flags & C.CKF_USER_PIN_LOCKED) return 'locked';
  if (flags & C.CKF_USER_PIN_FINAL_TRY) return 'finalTry';
  if (flags & C.CKF_USER_PIN_COUNT_LOW) return 'countLow';
  return 'ok';
}

const MESSAGES: Partial<Record<Reason, string>> = {
  PIN_INCORRECT: 'Mã PIN không đúng / Incorrect PIN',
  PIN_LOCKED: 'Mã PIN đã bị khoá / PIN is locked',
  PIN_LENGTH_INVALID: 'Độ dài mã PIN không hợp lệ / PIN length is invalid',
  TOKEN_REMOVED: 'Thiết bị ký số đã bị rút ra / The token was removed',
  TOKEN_NOT_PRESENT: 'Không tìm thấy thiết bị ký số / No token present',
  ALGORITHM_UNSUPPORTED: 'Khoá không hỗ trợ thuật toán này / The key does not support this algorithm',
  HASH_LENGTH_INVALID: 'Độ dài giá trị băm không đúng / Wrong hash length',
  USER_CANCELLED: 'Người dùng đã huỷ / Cancelled by the user',
  MODULE_ERROR: 'MODULE_ERROR',
};

/**
 * Any error thrown by a PKCS#11 call → AgentError. `pinStatus` (read from the token after a failed login) is
 * attached to PIN_INCORRECT / PIN_LOCKED. Non-PKCS#11 errors (NativeError, TypeError) become MODULE_ERROR with the
 * original message in logDetail only.
 */
export function toAgentError(e: unknown, op: Pkcs11Operation, pinStatus?: PinStatus): AgentError {
  if (e instanceof AgentError) return e;
  const code = ckrCode(e);
  const detail = `${op}: ${code !== undefined ? `CKR 0x${code.toString(16)}` : e instanceof Error ? e.message : String(e)}`;
  if (code === undefined) return new AgentError('MODULE_ERROR', 'MODULE_ERROR', {}, detail);
  let reason = reasonForCkr(code, op);
  // A wrong PIN that leaves the token locked is reported as locked: the user cannot try again.
  if (reason === 'PIN_INCORRECT' && pinStatus === 'locked') reason = 'PIN_LOCKED';
  const data = (reason === 'PIN_INCORRECT' || reason === 'PIN_LOCKED') && pinStatus ? { pinStatus } : {};
  return new AgentError(reason, MESSAGES[reason] ?? reason, data, detail);
}
