// The data types of protocol v1 (docs/protocol.md): tokens, certificates, filters, algorithms.
import type { DocumentSummary } from './ports.js';
import type { PinStatus } from './errors.js';

export type { PinStatus };

export const HASH_ALGORITHMS = ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'] as const;
export type HashAlgorithm = (typeof HASH_ALGORITHMS)[number];

/** Digest length in bytes per algorithm: a hash of any other length is HASH_LENGTH_INVALID. */
export const HASH_LENGTH: Record<HashAlgorithm, number> = { 'SHA-1': 20, 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 };

export const SIGN_SCHEMES = ['PKCS1v15', 'PSS', 'ECDSA'] as const;
export type SignScheme = (typeof SIGN_SCHEMES)[number];
export type EcdsaFormat = 'raw' | 'der';

/** A token as the wire sees it. Never a file path. */
export interface Token {
  tokenId: string;
  label: string;
  manufacturer: string;
  model: string;
  serialNumber: string;
  moduleName: string;
  pinpad: boolean;
  pinStatus: PinStatus;
}

export interface Identifiers {
  citizenId?: string;
  taxCode?: string;
  passport?: string;
  budgetCode?: string;
}

export type CertStatus = 'valid' | 'expired' | 'notYetValid';

/** A certificate as the wire sees it (docs/protocol.md `Cert`). `der` is base64. */
export interface Cert {
  certId: string;
  tokenId: string;
  der: string;
  thumbprintSha256: string;
  serialNumber: string;
  subject: { commonName: string; organization?: string; dn: string };
  issuer: { commonName: string; dn: string };
  notBefore: string;
  notAfter: string;
  status: CertStatus;
  /** "RSA-2048", "RSA-3072", "EC-P256", "EC-P384"… */
  keyAlgorithm: string;
  keyUsage: string[];
  extendedKeyUsage: string[];
  identifiers: Identifiers;
  hasPrivateKey: boolean;
}

export interface CertFilter {
  tokenId?: string;
  thumbprintSha256?: string;
  issuerContains?: string;
  keyUsage?: string[];
  taxCode?: string;
  citizenId?: string;
  /** default true */
  onlyValid?: boolean;
  /** default true */
  onlyWithPrivateKey?: boolean;
}

/** What the signing dialog shows as "what is signed". */
/**
 * What a PDF signature adds that a reader sees (docs/security.md T24): the stamp's page, box, text, image, and how much
 * of the page it covers; reason and location. `rect` is [x, y, width, height] in points from the page's lower left.
 */
export interface PdfStampInfo {
  visible: boolean;
  page?: number;
  rect?: [number, number, number, number];
  /** Visible page size in points (rotation applied). */
  pageSize?: [number, number];
  /** The site's own stamp text; absent: the agent's default lines (signer, time, reason, location). */
  text?: string;
  /** A `data:image/png|jpeg;base64,…` preview of the stamp image, or `true` when it is too large to preview. */
  image?: string | true;
  reason?: string;
  location?: string;
  /** Share of the page the stamp covers (0…1). */
  coverage?: number;
  /** Part or all of the stamp lies outside the visible page. */
  offPage?: boolean;
  /** The same stamp on these pages too (sign.pdf `appearance.pages`): listed pages, or every page. */
  pages?: number[] | 'all';
  /** More text the signature writes onto pages (document number and date, comments), visible or not. */
  textBoxes?: Array<{ page: number; text: string; /** [x, y, width, height] on the page, points. */ rect?: [number, number, number, number] }>;
}

export type SignSubject =
  | { kind: 'hash'; hashHex: string; hashAlgorithm: HashAlgorithm; label?: string }
  | {
      kind: 'document'; format: 'cms' | 'pdf' | 'xml' | 'office'; fileName: string; size: number; sha256Hex: string; pageCount?: number; existingSignatures?: number; profile?: string;
      /** office: the document type (docx, xlsx, pptx). */
      officeKind?: 'docx' | 'xlsx' | 'pptx';
      /** office .docx: the first lines of text, so the user sees what they sign. */
      preview?: string[];
      /** PDF: what is signed is a repaired copy of a damaged file, and why (docs/protocol.md). */
      repaired?: string;
      /** XML: the business facts the dialog shows (e-invoice, tax declaration, or root element and size). */
      summary?: DocumentSummary;
      /** Digest of the signature to be made. */
      hashAlgorithm?: HashAlgorithm;
      /** The page gave no file name: `fileName` is a placeholder the dialog does not show. */
      unnamed?: true;
      /** PDF: the visible stamp the signature adds (docs/security.md T24). */
      stamp?: PdfStampInfo;
    }
  | {
      kind: 'batch';
      label: string;
      count: number;
      kinds: string[];
      /** What each item of the batch is, in batch order, so the dialog can list it. */
      items?: Array<Exclude<SignSubject, { kind: 'batch' }>>;
    };
