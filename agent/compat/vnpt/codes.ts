// VNPT-CA Plugin result codes, the certificate-check codes, and the mapping from our stable reasons to them.
import type { Reason } from '../../core/index.js';

/** Result codes the VNPT page scripts test for (docs/protocol.md, VNPT-CA Plugin compatibility). */
export const VNPT = {
  OK: 0,
  BAD_INPUT: 1,
  NO_CERTIFICATE: 2,
  SIGN_FAILED: 3,
  NO_PRIVATE_KEY: 4,
  UNKNOWN: 5,
  BAD_PDF_PAGE: 6,
  XML_TAG_NOT_FOUND: 8,
  USER_CANCELLED: 11,
} as const;

/**
 * Codes of the certificate checks (ValidateCertificate, CheckValidTime, CheckOCSP, CheckCRL), answered as bare
 * numbers in text. Values as VNPT's own test page maps them to messages (docs/vnpt-compat.md).
 */
export const CERT = {
  VALID: 0,
  ERROR: 1,
  EXPIRED: 2,
  NOT_YET_VALID: 3,
  REVOKED: 4,
  REVOCATION_UNKNOWN: 6,
  UNTRUSTED: 7,
  CERTIFICATE_UNREADABLE: 8,
  ISSUER_UNKNOWN: 9,
} as const;

/** One table: a reason from the core becomes the code a VNPT portal understands. */
export function vnptCodeFor(reason: Reason): number {
  switch (reason) {
    case 'USER_CANCELLED':
    case 'USER_TIMEOUT':
      return VNPT.USER_CANCELLED;
    case 'CERTIFICATE_NOT_FOUND':
    case 'TOKEN_NOT_PRESENT':
      return VNPT.NO_CERTIFICATE;
    case 'KEY_NOT_FOUND':
      return VNPT.NO_PRIVATE_KEY;
    case 'INVALID_PARAMS':
    case 'DOCUMENT_INVALID':
    case 'HASH_LENGTH_INVALID':
    case 'PARSE_ERROR':
    case 'INVALID_REQUEST':
    case 'PAYLOAD_TOO_LARGE':
      return VNPT.BAD_INPUT;
    case 'PIN_INCORRECT':
    case 'PIN_LOCKED':
    case 'PIN_LENGTH_INVALID':
    case 'TOKEN_REMOVED':
    case 'ALGORITHM_UNSUPPORTED':
    case 'TSA_FAILED':
    case 'MODULE_ERROR':
    case 'UI_UNAVAILABLE':
    case 'CERTIFICATE_REVOKED':
      return VNPT.SIGN_FAILED;
    default:
      return VNPT.UNKNOWN;
  }
}

/**
 * The error text a portal shows its user: Vietnamese first, English second. The core's messages are written for
 * developers; VNPT portals put `error` straight into an alert, so the words the user reads come from here.
 */
const TEXT: Partial<Record<Reason, string>> = {
  USER_CANCELLED: 'Người dùng đã huỷ / Cancelled by the user',
  USER_TIMEOUT: 'Hết thời gian chờ người dùng / The user did not answer in time',
  BUSY: 'Đang có một yêu cầu khác chờ người dùng; hãy thử lại sau / Another request is waiting for the user; try again later',
  RATE_LIMITED: 'Trang này đã gửi quá nhiều yêu cầu; hãy chờ một lát rồi thử lại / This page sent too many requests; wait a moment and try again',
  ORIGIN_NOT_ALLOWED: 'Trang này không được phép dùng chữ ký số / This site is not allowed to use the signing token',
  ACCESS_DENIED: 'Người dùng chưa cho phép trang này / The user has not allowed this site',
  CERTIFICATE_NOT_FOUND: 'Không tìm thấy chứng thư số / Certificate not found',
  TOKEN_NOT_PRESENT: 'Chưa cắm thiết bị ký số (USB token) / No signing token is inserted',
  TOKEN_REMOVED: 'Thiết bị ký số đã bị rút ra / The signing token was removed',
  KEY_NOT_FOUND: 'Không tìm thấy khoá bí mật của chứng thư số / The certificate has no private key',
  PIN_INCORRECT: 'Mã PIN không đúng / Wrong PIN',
  PIN_LOCKED: 'Thiết bị ký số đã bị khoá PIN / The token PIN is locked',
  PIN_LENGTH_INVALID: 'Độ dài mã PIN không hợp lệ / Invalid PIN length',
  DOCUMENT_INVALID: 'Tài liệu không hợp lệ / The document is not valid',
  INVALID_PARAMS: 'Tham số không hợp lệ / Invalid parameters',
  HASH_LENGTH_INVALID: 'Độ dài giá trị băm không khớp thuật toán / Hash length does not match the algorithm',
  PAYLOAD_TOO_LARGE: 'Dữ liệu quá lớn / The data is too large',
  ALGORITHM_UNSUPPORTED: 'Thuật toán không được hỗ trợ / Algorithm not supported',
  TSA_FAILED: 'Không lấy được dấu thời gian / The timestamp server failed',
  MODULE_ERROR: 'Lỗi thiết bị ký số / Signing token error',
};

/** Bilingual text for a reason; `detail` (already safe for the wire) is appended when the core gave one. */
export function vnptErrorText(reason: Reason, detail?: string): string {
  const base = TEXT[reason] ?? 'Lỗi không xác định / Unknown error';
  return detail ? `${base}: ${detail}` : base;
}
