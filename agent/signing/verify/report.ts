// The per-signature verification report shared by CMS and XML verification (and mirrored by verifyPdf).

/** An RFC 3161 timestamp found on a signature. */
export interface TimestampReport {
  genTime: Date;
  /** The token signature verifies and its imprint matches the signature value. */
  valid: boolean;
  /** TSA certificate common name. */
  tsa?: string;
  /** Chain of the TSA certificate to the trust anchors (undefined when no anchors were given). */
  chainValid?: boolean;
  problem?: string;
}

export interface SignatureReport {
  format: 'cms' | 'xml' | 'ooxml';
  /** Signature Id (XML), signer index (CMS) or signature part name (OOXML). */
  id: string;
  /** Common name of the signer certificate. */
  signer?: string;
  /** signingTime attribute (CMS) or SigningTime property (XML). */
  signingTime?: Date;
  /** Digests match and the signature value verifies with the signer's key. */
  integrity: boolean;
  /** Why integrity is false, or a note on what could not be checked. */
  problem?: string;
  timestamp?: TimestampReport;
  /** Chain to the trust anchors at the timestamp time, else now (undefined when no anchors were given). */
  chainValid?: boolean;
  chainProblem?: string;
  /** The signature covers the whole document (CMS: all content; XML: URI "" or the document element). */
  coversWholeDocument: boolean;
  /** DER of the signer certificate when found. */
  certificate?: Uint8Array;
  /** Other certificates the signature carries (CMS certificates, XML KeyInfo, CAdES certificate values). */
  carried?: Uint8Array[];
  /** Revocation data the signature carries (CAdES revocation values; OCSP responses as OCSPResponse DER). */
  revocation?: { ocsps: Uint8Array[]; crls: Uint8Array[] };
  /** What the signature's attributes say about its AdES level. */
  ades?: { signed: boolean; timestamp: boolean; validationData: boolean; archive: boolean };
}

/** Trust configuration for verification. */
export interface VerifyOptions {
  /** Root certificates (DER) a chain must end in. Without them chainValid stays undefined. */
  trustAnchors?: Uint8Array[];
  /** Extra intermediates (DER) besides those carried by the signature. */
  intermediates?: Uint8Array[];
  /** Validation time; default the time of a valid signature timestamp, else now (a claimed signing time is not evidence). */
  at?: Date;
}

/** The XML and Office verifiers document.verify uses (signing/verify/document.ts); the agent hands large files to its document worker. */
export interface FormatVerifiers {
  xml(xml: Uint8Array, options: VerifyOptions): Promise<SignatureReport[]>;
  office(document: Uint8Array, fileName: string, options: VerifyOptions): Promise<SignatureReport[]>;
}
