// Stable reason codes of docs/protocol.md and the one error value the whole agent uses to carry them.

/** Every reason string on the wire. Stable: portals and the SDK key their handling on these. */
export const REASONS = [
  'PARSE_ERROR', 'INVALID_REQUEST', 'METHOD_NOT_FOUND', 'INVALID_PARAMS', 'INTERNAL',
  'ORIGIN_NOT_ALLOWED', 'ACCESS_DENIED', 'USER_CANCELLED', 'USER_TIMEOUT', 'BUSY', 'RATE_LIMITED',
  'PAYLOAD_TOO_LARGE', 'TOKEN_NOT_PRESENT', 'TOKEN_REMOVED', 'CERTIFICATE_NOT_FOUND', 'KEY_NOT_FOUND',
  'PIN_INCORRECT', 'PIN_LOCKED', 'PIN_LENGTH_INVALID', 'ALGORITHM_UNSUPPORTED', 'HASH_LENGTH_INVALID',
  'DOCUMENT_INVALID', 'TSA_FAILED', 'MODULE_ERROR', 'CERTIFICATE_REVOKED', 'UI_UNAVAILABLE',
] as const;
export type Reason = (typeof REASONS)[number];

/** JSON-RPC error codes; every reason not listed uses -32000. */
const CODES: Partial<Record<Reason, number>> = {
  PARSE_ERROR: -32700, INVALID_REQUEST: -32600, METHOD_NOT_FOUND: -32601, INVALID_PARAMS: -32602, INTERNAL: -32603,
};
export function reasonCode(reason: Reason): number {
  return CODES[reason] ?? -32000;
}

/** Reasons a caller may simply try again (after the user fixes something or waits). Decided once, here. */
const RETRIABLE: ReadonlySet<Reason> = new Set<Reason>([
  'USER_CANCELLED', 'USER_TIMEOUT', 'BUSY', 'RATE_LIMITED', 'TOKEN_NOT_PRESENT', 'TOKEN_REMOVED',
  'PIN_INCORRECT', 'TSA_FAILED',
]);
export function isRetriable(reason: Reason): boolean {
  return RETRIABLE.has(reason);
}

/** The wire message of UI_UNAVAILABLE: the caller may show it as is (Vietnamese first, English second). */
export const UI_UNAVAILABLE_MESSAGE =
  'Không mở được hộp thoại xác nhận của kyso-agent trên máy này (không có trình duyệt hoặc màn hình). / ' +
  'kyso-agent could not show its confirmation dialog on this computer (no browser or display).';

export type PinStatus = 'ok' | 'countLow' | 'finalTry' | 'locked';

/** Extra, wire-safe data for some reasons. Never a path, stack or PIN. */
export interface ErrorData {
  /** DOCUMENT_INVALID, INVALID_PARAMS, TSA_FAILED…: a human-readable why, safe to show the caller. */
  detail?: string;
  /**
   * DOCUMENT_INVALID: a machine-readable kind for the cases a caller can act on (docs/protocol.md):
   * `password-required` (the PDF needs an open password), `permissions` (its permissions forbid signing),
   * `damaged-signed` (damaged cross-reference data in a file that already carries signatures).
   */
  documentProblem?: 'password-required' | 'permissions' | 'damaged-signed';
  /** PIN_INCORRECT / PIN_LOCKED: what the token reports after the failed attempt. */
  pinStatus?: PinStatus;
  /** CERTIFICATE_REVOKED: ISO time of the revocation or suspension. */
  revokedAt?: string;
  /** CERTIFICATE_REVOKED: RFC 5280 CRLReason name (`certificateHold` for a suspended certificate). */
  revocationReason?: string;
}

/**
 * The one error value of the agent. Anything thrown that is not an AgentError is an INTERNAL bug: its message
 * goes to the log only. `logDetail` is for the log (may name a module path), never for the wire.
 */
export class AgentError extends Error {
  readonly reason: Reason;
  readonly data: ErrorData;
  readonly logDetail: string | undefined;

  constructor(reason: Reason, message?: string, data: ErrorData = {}, logDetail?: string) {
    super(message ?? reason);
    this.name = 'AgentError';
    this.reason = reason;
    this.data = data;
    this.logDetail = logDetail;
  }

  get retriable(): boolean {
    return isRetriable(this.reason);
  }
}

export function isAgentError(e: unknown): e is AgentError {
  return e instanceof AgentError;
}

/** Shape of JSON-RPC `error` for a reason: `{code, message, data:{reason, retriable, ...}}`. */
export interface WireError {
  code: number;
  message: string;
  data: { reason: Reason; retriable: boolean } & ErrorData;
}

/** Turns anything thrown into the wire error. Non-AgentErrors become INTERNAL with no detail. */
export function toWireError(e: unknown): WireError {
  if (isAgentError(e)) {
    const reasonsWithHiddenDetail: Reason[] = ['INTERNAL', 'MODULE_ERROR'];
    const data: WireError['data'] = { reason: e.reason, retriable: e.retriable };
    if (e.data.pinStatus) data.pinStatus = e.data.pinStatus;
    if (e.data.revokedAt !== undefined) data.revokedAt = e.data.revokedAt;
    if (e.data.revocationReason !== undefined) data.revocationReason = e.data.revocationReason;
    if (e.data.detail !== undefined && !reasonsWithHiddenDetail.includes(e.reason)) data.detail = e.data.detail;
    const message = reasonsWithHiddenDetail.includes(e.reason) ? e.reason : e.message;
    return { code: reasonCode(e.reason), message, data };
  }
  return { code: reasonCode('INTERNAL'), message: 'INTERNAL', data: { reason: 'INTERNAL', retriable: false } };
}
