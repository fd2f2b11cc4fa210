// The certificate-status port: is a certificate revoked right now (OCSP, then CRL)? Owned by the core, filled by agent/certs.

/** RFC 5280 §5.3.1 CRLReason names (OCSP uses the same list). `certificateHold` means suspended. */
export type RevocationReason =
  | 'unspecified' | 'keyCompromise' | 'cACompromise' | 'affiliationChanged' | 'superseded'
  | 'cessationOfOperation' | 'certificateHold' | 'removeFromCRL' | 'privilegeWithdrawn' | 'aACompromise';

/** One answer about one certificate. `unknown` covers "no responder", "unreachable", "refused URL", "untrusted chain". */
export interface StatusReport {
  status: 'good' | 'revoked' | 'unknown';
  /** Where the answer came from. */
  source: 'ocsp' | 'crl' | 'none';
  /** Served from the cache (no network round trip). */
  fromCache: boolean;
  /** ISO time the status was established (OCSP producedAt / CRL thisUpdate, or the check time when unknown). */
  checkedAt: string;
  /** ISO; the cache keeps the answer until then. */
  nextUpdate?: string;
  revokedAt?: string;
  revocationReason?: RevocationReason;
  /** Plain-English why, for logs and the dialog (unknown: what went wrong; never a local path). */
  detail?: string;
  /** Validation data behind the answer (DER), for long-term signatures: the chain found, OCSP responses, CRLs. */
  evidence?: StatusEvidence;
}

export interface StatusEvidence {
  /** Issuer chain from the certificate's issuer up to (and including) the anchor when one was reached. */
  chain: Uint8Array[];
  ocspResponses: Uint8Array[];
  crls: Uint8Array[];
  /** The chain ends at a trusted anchor. */
  anchored: boolean;
}

export interface StatusQuery {
  /** The certificate to check, DER. */
  certificate: Uint8Array;
  /** Other certificates that may help build its chain (token intermediates, certificates inside a document). */
  candidates: Uint8Array[];
  /**
   * `token`: the user's own certificate before signing. `document`: a certificate found in a document someone
   * else supplied — its URLs are fetched only when its chain reaches a trusted anchor (SSRF guard).
   */
  purpose: 'token' | 'document';
  signal?: AbortSignal;
  /** Skip the cache (the answer is still stored): long-term signatures need answers newer than the signature. */
  fresh?: boolean;
  /** Also fetch the CRLs when OCSP answered (long-term signatures embed both where the CA publishes both). */
  allSources?: boolean;
}

/** Certificate status service. Never rejects for network or parse trouble: those come back as `unknown`. */
export interface CertificateStatus {
  check(query: StatusQuery): Promise<StatusReport>;
}
