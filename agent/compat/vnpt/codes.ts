// VNPT-CA Plugin result codes and the mapping from our stable reasons to them.
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
      return VNPT.BAD_INPUT;
    case 'PIN_INCORRECT':
    case 'PIN_LOCKED':
    case 'PIN_LENGTH_INVALID':
    case 'TOKEN_REMOVED':
    case 'ALGORITHM_UNSUPPORTED':
    case 'TSA_FAILED':
    case 'MODULE_ERROR':
    case 'CERTIFICATE_REVOKED':
      return VNPT.SIGN_FAILED;
    default:
      return VNPT.UNKNOWN;
  }
}
