// Typed errors of the SDK: one class per stable reason of docs/protocol.md, plus the SDK's own transport reasons.
import type { PinStatus, Reason } from '../../agent/core/index.js';

/** Reasons the SDK raises itself (never sent by the agent). */
export type SdkReason = 'AGENT_UNAVAILABLE' | 'TIMEOUT' | 'CONNECTION_LOST' | 'ABORTED';
export type AnyReason = Reason | SdkReason;

/** Why the agent could not be reached, as far as discovery could tell. */
export type UnavailableHint = 'notInstalled' | 'localNetworkBlocked' | 'certificateNotTrusted';

/** `error.data` of a JSON-RPC error, as the agent sends it. */
export interface KysoErrorData {
  reason?: string;
  retriable?: boolean;
  detail?: string;
  pinStatus?: PinStatus;
  /** CERTIFICATE_REVOKED: ISO time of revocation/suspension. */
  revokedAt?: string;
  /** CERTIFICATE_REVOKED: RFC 5280 reason name. */
  revocationReason?: string;
  [key: string]: unknown;
}

/** Base of every error the SDK throws. Switch on `reason` (stable) or use `instanceof` on the subclasses. */
export class KysoError extends Error {
  /** Stable reason string (docs/protocol.md "Errors", or an SdkReason). */
  readonly reason: AnyReason;
  /** JSON-RPC error code (-32000 for most reasons, 0 for SDK-side errors). */
  readonly code: number;
  /** True when simply trying again (after the user fixes something) can succeed. */
  readonly retriable: boolean;
  readonly data: KysoErrorData;

  constructor(reason: AnyReason, message?: string, code = 0, retriable = false, data: KysoErrorData = {}) {
    super(message ?? reason);
    this.reason = reason;
    this.code = code;
    this.retriable = retriable;
    this.data = data;
    // Minifiers rename classes: keep a readable, stable name from the table.
    this.name = NAMES[reason] ?? 'KysoError';
  }
}

export class ParseError extends KysoError {}
export class InvalidRequestError extends KysoError {}
export class MethodNotFoundError extends KysoError {}
export class InvalidParamsError extends KysoError {}
export class InternalError extends KysoError {}
export class OriginNotAllowedError extends KysoError {}
export class AccessDeniedError extends KysoError {}
export class UserCancelledError extends KysoError {}
export class UserTimeoutError extends KysoError {}
export class BusyError extends KysoError {}
export class RateLimitedError extends KysoError {}
export class PayloadTooLargeError extends KysoError {}
export class TokenNotPresentError extends KysoError {}
export class TokenRemovedError extends KysoError {}
export class CertificateNotFoundError extends KysoError {}
export class KeyNotFoundError extends KysoError {}
/** Wrong PIN; `pinStatus` says how many tries the token has left ("countLow", "finalTry", "locked"). */
export class PinIncorrectError extends KysoError {
  get pinStatus(): PinStatus | undefined {
    return this.data.pinStatus;
  }
}
export class PinLockedError extends KysoError {}
export class PinLengthInvalidError extends KysoError {}
export class AlgorithmUnsupportedError extends KysoError {}
export class HashLengthInvalidError extends KysoError {}
/** The document could not be signed as given; `detail` says why. */
export class DocumentInvalidError extends KysoError {
  get detail(): string | undefined {
    return this.data.detail;
  }
}
export class TsaFailedError extends KysoError {}
/** The certificate is revoked or suspended (`revocationReason` "certificateHold"); it cannot sign. */
export class CertificateRevokedError extends KysoError {
  get revokedAt(): string | undefined {
    return this.data.revokedAt;
  }
  get revocationReason(): string | undefined {
    return this.data.revocationReason;
  }
}
export class ModuleError extends KysoError {}
/** The agent could not show its dialog (no display, no browser): retrying will not help until that changes. */
export class UiUnavailableError extends KysoError {}
/** The agent could not be reached. `hint` says what discovery saw (see docs/sdk.md). */
export class AgentUnavailableError extends KysoError {
  readonly hint: UnavailableHint;
  /**
   * The companion extension, seen from the page: 'absent' (installing it avoids Local Network Access altogether),
   * 'noAgent' (installed, but its relay found no kyso-agent: install or repair kyso-agent). Unset: not checked.
   */
  extension?: 'absent' | 'noAgent';
  constructor(hint: UnavailableHint, message?: string) {
    super('AGENT_UNAVAILABLE', message ?? `kyso-agent unavailable (${hint})`, 0, true);
    this.hint = hint;
  }
}
/** The call did not answer within its timeout. The agent may still finish it. */
export class TimeoutError extends KysoError {}
/** The connection dropped while a call was waiting (agent stopped or restarted). */
export class ConnectionLostError extends KysoError {}
/** The caller's AbortSignal fired. */
export class AbortedError extends KysoError {}

type ErrorClass = new (reason: AnyReason, message?: string, code?: number, retriable?: boolean, data?: KysoErrorData) => KysoError;

/** The one table: reason → class (and name). */
const TABLE: Record<Exclude<AnyReason, 'AGENT_UNAVAILABLE'>, [ErrorClass, string]> = {
  PARSE_ERROR: [ParseError, 'ParseError'],
  INVALID_REQUEST: [InvalidRequestError, 'InvalidRequestError'],
  METHOD_NOT_FOUND: [MethodNotFoundError, 'MethodNotFoundError'],
  INVALID_PARAMS: [InvalidParamsError, 'InvalidParamsError'],
  INTERNAL: [InternalError, 'InternalError'],
  ORIGIN_NOT_ALLOWED: [OriginNotAllowedError, 'OriginNotAllowedError'],
  ACCESS_DENIED: [AccessDeniedError, 'AccessDeniedError'],
  USER_CANCELLED: [UserCancelledError, 'UserCancelledError'],
  USER_TIMEOUT: [UserTimeoutError, 'UserTimeoutError'],
  BUSY: [BusyError, 'BusyError'],
  RATE_LIMITED: [RateLimitedError, 'RateLimitedError'],
  PAYLOAD_TOO_LARGE: [PayloadTooLargeError, 'PayloadTooLargeError'],
  TOKEN_NOT_PRESENT: [TokenNotPresentError, 'TokenNotPresentError'],
  TOKEN_REMOVED: [TokenRemovedError, 'TokenRemovedError'],
  CERTIFICATE_NOT_FOUND: [CertificateNotFoundError, 'CertificateNotFoundError'],
  KEY_NOT_FOUND: [KeyNotFoundError, 'KeyNotFoundError'],
  PIN_INCORRECT: [PinIncorrectError, 'PinIncorrectError'],
  PIN_LOCKED: [PinLockedError, 'PinLockedError'],
  PIN_LENGTH_INVALID: [PinLengthInvalidError, 'PinLengthInvalidError'],
  ALGORITHM_UNSUPPORTED: [AlgorithmUnsupportedError, 'AlgorithmUnsupportedError'],
  HASH_LENGTH_INVALID: [HashLengthInvalidError, 'HashLengthInvalidError'],
  DOCUMENT_INVALID: [DocumentInvalidError, 'DocumentInvalidError'],
  TSA_FAILED: [TsaFailedError, 'TsaFailedError'],
  CERTIFICATE_REVOKED: [CertificateRevokedError, 'CertificateRevokedError'],
  MODULE_ERROR: [ModuleError, 'ModuleError'],
  UI_UNAVAILABLE: [UiUnavailableError, 'UiUnavailableError'],
  TIMEOUT: [TimeoutError, 'TimeoutError'],
  CONNECTION_LOST: [ConnectionLostError, 'ConnectionLostError'],
  ABORTED: [AbortedError, 'AbortedError'],
};
const NAMES: Record<string, string> = { AGENT_UNAVAILABLE: 'AgentUnavailableError' };
for (const [reason, [, name]] of Object.entries(TABLE)) NAMES[reason] = name;

/** Builds the typed error for a reason (unknown reasons from a newer agent become a plain KysoError). */
export function errorFor(reason: string, message?: string, code = 0, retriable = false, data: KysoErrorData = {}): KysoError {
  const entry = (TABLE as Record<string, [ErrorClass, string] | undefined>)[reason];
  const Cls: ErrorClass = entry ? entry[0] : KysoError;
  return new Cls(reason as AnyReason, message, code, retriable, data);
}

/** Turns a JSON-RPC `error` object into the typed error. */
export function fromWireError(error: unknown): KysoError {
  const e = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; message?: unknown; data?: unknown };
  const data = (typeof e.data === 'object' && e.data !== null ? e.data : {}) as KysoErrorData;
  const code = typeof e.code === 'number' ? e.code : -32603;
  const reason = typeof data.reason === 'string' ? data.reason : reasonFromCode(code);
  const message = typeof e.message === 'string' ? e.message : reason;
  return errorFor(reason, message, code, data.retriable === true, data);
}

function reasonFromCode(code: number): Reason {
  const map: Record<number, Reason> = { [-32700]: 'PARSE_ERROR', [-32600]: 'INVALID_REQUEST', [-32601]: 'METHOD_NOT_FOUND', [-32602]: 'INVALID_PARAMS' };
  return map[code] ?? 'INTERNAL';
}
