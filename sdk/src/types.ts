// Parameter and result types of the SDK's methods (the wire types come from agent/core, as types only).
import type { Cert, CertFilter, EcdsaFormat, HashAlgorithm, SignScheme, Token } from '../../agent/core/index.js';
import type { BinaryInput, SignedData } from './bytes.js';
import type { KysoError } from './errors.js';

export type { Cert, CertFilter, EcdsaFormat, HashAlgorithm, SignScheme, Token };
export type {
  VerificationReport, SignatureResult, Verdict, VerdictReason, SignatureLevel, SignerFacts, SigningTimeFacts, TimestampFacts,
  IntegrityFacts, PdfChange, TrustFacts, StatusFacts, Validity, VerifiedFormat,
} from '../../agent/core/verify/report.js';

export interface VerifyParams {
  /** The signed file: PDF, XML (e-invoice, tax declaration…), CMS/PKCS#7 (.p7s/.p7m) or Office (.docx/.xlsx/.pptx). */
  document: BinaryInput;
  /** Shown in the report; defaults to the File's name. */
  fileName?: string;
  /** The signed content of a detached CMS signature. */
  content?: BinaryInput;
}

export interface AgentInfo {
  name: string;
  protocol: number;
  version?: string;
  features?: string[];
}

export interface TimestampOptions {
  /** RFC 3161 TSA URL. */
  url: string;
}

export interface SignHashParams {
  certId: string;
  /** The digest (not the data). Use `fromHex()` for a hex digest. */
  hash: BinaryInput;
  /** Default SHA-256; the hash length must match. */
  hashAlgorithm?: HashAlgorithm;
  scheme?: SignScheme;
  ecdsaFormat?: EcdsaFormat;
  /** Shown in the agent's confirmation dialog. */
  label?: string;
}

export interface HashSignature {
  signature: SignedData;
  scheme: SignScheme;
  hashAlgorithm: HashAlgorithm;
  /** The signing certificate (its `der` is base64). */
  certificate: Cert;
}

export interface SignCmsParams {
  certId: string;
  data?: BinaryInput;
  hash?: BinaryInput;
  hashAlgorithm?: HashAlgorithm;
  /** Default true (detached; over a hash always). false: an attached CMS that embeds `data`. */
  detached?: boolean;
  /** false: no signingTime attribute; true/absent: the agent's clock (a page never chooses the time). */
  signingTime?: boolean;
  timestamp?: TimestampOptions;
  fileName?: string;
}

export interface PdfAppearance {
  /** Default true. */
  visible?: boolean;
  /** 1-based page number or "last". */
  page?: number | 'last';
  /** [x, y, width, height] in PDF points from the page's lower-left corner. */
  rect?: [number, number, number, number];
  text?: string;
  /** PNG or JPEG. */
  image?: BinaryInput;
  fontSize?: number;
  /** The same box on these pages (1-based), or on every page. */
  pages?: number[] | 'all';
  /** '#RRGGBB' (default black). */
  textColor?: string;
  /** White background / thin grey border (both default true). */
  background?: boolean;
  border?: boolean;
  layout?: 'text' | 'image' | 'image-left' | 'image-top' | 'image-background';
  bold?: boolean;
  italic?: boolean;
  verticalAlign?: 'top' | 'middle' | 'bottom';
  signerName?: string;
  organization?: string;
  position?: string;
  description?: string;
  documentNumber?: string;
  documentDate?: string;
  /** More text written with the signature, each in its own box; `{signingTime}` becomes the signing time. */
  textBoxes?: Array<{ page: number; rect: [number, number, number, number]; text: string; fontSize?: number; textColor?: string; bold?: boolean; italic?: boolean }>;
}

export interface SignPdfParams {
  certId: string;
  pdf: BinaryInput;
  /** Shown in the agent's confirmation dialog; defaults to the File's name or "document.pdf". */
  fileName?: string;
  hashAlgorithm?: HashAlgorithm;
  level?: 'B-B' | 'B-T';
  timestamp?: TimestampOptions;
  appearance?: PdfAppearance;
  reason?: string;
  location?: string;
  contactInfo?: string;
  fieldName?: string;
  /** Extension: 'adbe.pkcs7.detached' for older validators (default ETSI.CAdES.detached). */
  subFilter?: 'ETSI.CAdES.detached' | 'adbe.pkcs7.detached';
}

export type XmlProfile = 'enveloped' | 'einvoice' | 'tax';

export interface SignXmlParams {
  certId: string;
  /** XML bytes, or XML text (a string starting with "<" is taken as text, any other string as base64). */
  xml: BinaryInput;
  profile: XmlProfile;
  hashAlgorithm?: HashAlgorithm;
  /** The element to sign by its Id (default: the profile's element, or the whole document). */
  reference?: { id?: string };
  signatureParent?: string;
  signatureId?: string;
  /** false: no SigningTime; true: the agent's clock; absent: the profile's default (einvoice carries one). */
  signingTime?: boolean;
  c14n?: 'c14n' | 'c14n-with-comments' | 'exc-c14n';
  /** Shown in the agent's confirmation dialog. */
  fileName?: string;
}

export interface SignOfficeParams {
  certId: string;
  /** A .docx, .xlsx or .pptx package. */
  document: BinaryInput;
  /** Shown in the dialog; its extension must match the content. Defaults to the File's name. */
  fileName?: string;
  /** SHA-256 by default; SHA-1 only for legacy systems that ask for it. */
  hashAlgorithm?: HashAlgorithm;
  /** The signer's comment, shown by Office as the purpose of the signature. */
  comment?: string;
}

export type BatchItem =
  | { kind: 'hash'; params: Omit<SignHashParams, 'certId'> }
  | { kind: 'cms'; params: Omit<SignCmsParams, 'certId'> }
  | { kind: 'pdf'; params: Omit<SignPdfParams, 'certId'> }
  | { kind: 'xml'; params: Omit<SignXmlParams, 'certId'> }
  | { kind: 'office'; params: Omit<SignOfficeParams, 'certId'> };

export interface SignBatchParams {
  certId: string;
  /** Shown once in the agent's confirmation dialog. */
  label: string;
  items: BatchItem[];
}

export type BatchResult = { ok: true; result: SignedData | HashSignature } | { ok: false; error: KysoError };

/** Events of a connected client. */
export interface ClientEvents {
  /** A token was inserted or removed (WebSocket mode only). */
  tokenschanged: Token[];
  /** The connection dropped (agent stopped or restarted). The next call reconnects. */
  disconnected: undefined;
  /** A (re)connection was established. */
  connected: { transport: 'ws' | 'http' | 'extension'; secure: boolean; port: number };
}
