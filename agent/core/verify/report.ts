// The verification report (docs/trust.md "Verification"): what `document.verify`, `kyso-agent verify` and the
// "Kiểm tra chữ ký" page show. Facts per signature, one verdict per signature and per document.
import type { Identifiers } from '../types.js';
import type { RevocationReason } from '../status/port.js';

export type VerifiedFormat = 'pdf' | 'xml' | 'cms' | 'ooxml';

/** valid: every check passed. invalid: a check failed. indeterminate: something needed could not be established. */
export type Verdict = 'valid' | 'invalid' | 'indeterminate';

/**
 * Why the verdict is what it is (stable codes; the words come from render.ts). The first failing check in the
 * order of verdict.ts decides.
 */
export type VerdictReason =
  | 'OK'
  | 'NO_SIGNATURE'
  | 'MODIFIED'
  | 'SIGNATURE_BROKEN'
  | 'CONTENT_MISSING'
  | 'TIMESTAMP_INVALID'
  | 'REVOKED_BEFORE_SIGNING'
  | 'EXPIRED_AT_SIGNING'
  | 'NOT_YET_VALID_AT_SIGNING'
  | 'UNTRUSTED'
  | 'REVOKED_NO_PROOF_OF_TIME'
  | 'EXPIRED_NO_PROOF_OF_TIME'
  | 'STATUS_UNKNOWN';

/** PAdES/CAdES/XAdES baseline level; null for a plain XMLDSig or PDF signature without CAdES attributes. */
export type SignatureLevel = 'B-B' | 'B-T' | 'B-LT' | 'B-LTA';

export interface SignerFacts {
  commonName: string | null;
  organization: string | null;
  /** MST, CCCD/CMND, passport, budget code from the subject UID (docs/protocol.md `Cert`). */
  identifiers: Identifiers;
  issuer: string | null;
  serialNumber: string | null;
  certificateSha256: string;
  notBefore: string;
  notAfter: string;
}

export interface SigningTimeFacts {
  /** ISO; null when the signature names no time. */
  time: string | null;
  /** timestamp: proven by a valid RFC 3161 timestamp; claimed: the signer's own clock (not evidence); none. */
  source: 'timestamp' | 'claimed' | 'none';
  /** The signer's claimed time when a timestamp gave the time. */
  claimed: string | null;
  /** TSA common name when a timestamp is present. */
  tsa: string | null;
}

export interface TimestampFacts {
  time: string | null;
  valid: boolean;
  tsa: string | null;
  /** The TSA's chain reaches an anchor (null: not checked). */
  trusted: boolean | null;
  problem: string | null;
}

/** One incremental update of a PDF after a signature, and what it carries. */
export interface PdfChange {
  /** 1-based revision number of the file. */
  revision: number;
  kind: 'signature' | 'documentTimestamp' | 'validationData' | 'other';
  /** Objects the update (re)defines, when they could be counted. */
  objects: number | null;
}

export interface IntegrityFacts {
  /** The signed bytes are unchanged and the signature value verifies with the signer's key. */
  intact: boolean;
  /** Why not intact: the signed data changed, the signature value or structure is bad, or detached content is missing. */
  failure: 'modified' | 'broken' | 'contentMissing' | null;
  problem: string | null;
  /** PDF: nothing after the signature's revision; XML: the whole document; CMS: all content; OOXML: every part. */
  coversWholeDocument: boolean;
  /** PDF only: the incremental updates after this signature's revision, in file order. */
  changesAfter: PdfChange[];
}

export interface TrustFacts {
  /** The chain reaches a trust anchor (shipped list, policy `trust.anchors`, user/test anchors). */
  anchored: boolean;
  /** Common names from the signer certificate up to the last certificate reached (the anchor when anchored). */
  path: string[];
  /** The anchor's name when anchored. */
  anchor: string | null;
  problem: string | null;
}

export type Validity = 'valid' | 'expired' | 'notYetValid';

export interface StatusFacts {
  /** notChecked: the caller asked for no network (offline) or there is no status service. */
  status: 'good' | 'revoked' | 'unknown' | 'notChecked';
  source: 'ocsp' | 'crl' | 'none';
  /** ISO time the answer speaks for (OCSP thisUpdate / CRL thisUpdate). */
  at: string | null;
  revokedAt: string | null;
  revocationReason: RevocationReason | null;
  detail: string | null;
}

export interface SignatureResult {
  /** Field name (PDF), Signature Id (XML), signer index (CMS), signature part (OOXML). */
  id: string;
  kind: 'signature' | 'documentTimestamp';
  verdict: Verdict;
  reason: VerdictReason;
  signer: SignerFacts | null;
  signingTime: SigningTimeFacts;
  timestamp: TimestampFacts | null;
  integrity: IntegrityFacts;
  trust: TrustFacts;
  /** The certificate's validity period at the signing time (null: no time) and now. */
  validity: { atSigning: Validity | null; now: Validity | null };
  /** From the revocation data embedded in the document (PDF DSS, CAdES/XAdES revocation values). */
  statusAtSigning: StatusFacts;
  /** From the certificate-status service at verification time. */
  statusNow: StatusFacts;
  level: SignatureLevel | null;
  /** E.g. `PAdES-B-LT`, `CAdES-B-T`, `XAdES-B-B`, `XMLDSig`, `PDF (adbe.pkcs7.detached)`. */
  levelName: string;
}

export interface VerificationReport {
  format: VerifiedFormat;
  fileName: string | null;
  size: number;
  sha256: string;
  /** ISO time of the verification (the "now" of statusNow and validity.now). */
  verifiedAt: string;
  verdict: Verdict;
  reason: VerdictReason;
  /** The id of the signature that decided a non-valid verdict. */
  decidedBy: string | null;
  /** PDF: content was added after the last signature that is not a signature, timestamp or validation data. */
  changedAfterLastSignature: boolean;
  signatures: SignatureResult[];
}

/** What the verifier takes: the document, its name, and for a detached CMS the signed content. */
export interface VerifyInput {
  document: Uint8Array;
  fileName?: string;
  content?: Uint8Array;
}

/** The verification service (agent/signing/verify/document.ts). Rejects only with DOCUMENT_INVALID for unreadable input. */
export interface DocumentVerifier {
  verify(input: VerifyInput, signal?: AbortSignal): Promise<VerificationReport>;
}
