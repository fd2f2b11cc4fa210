// Interfaces the core owns and the composition roots fill with real parts (or tests with fakes).
import type { AgentError, PinStatus } from './errors.js';
import type { StatusNotice } from './status/gate.js';
import type { RevocationMark } from './status/marks.js';
import type { Cert, EcdsaFormat, HashAlgorithm, SignScheme, SignSubject, Token } from './types.js';
import type { MessageText } from './protocol/pieces.js';

// ───────────────────────────── tokens ─────────────────────────────

/** What the agent must ask before it can sign with a certificate's key. */
export interface AuthState {
  tokenId: string;
  /** The token session is not logged in (or requirePinEveryTime): a PIN (or PIN-pad entry) is needed. */
  loginRequired: boolean;
  /** The key has CKA_ALWAYS_AUTHENTICATE: every signature needs a context-specific login. */
  alwaysAuthenticate: boolean;
  /** Protected authentication path: the PIN is typed on the reader, not in our dialog. */
  pinpad: boolean;
  pinStatus: PinStatus;
}

export interface SignDigestRequest {
  certId: string;
  /** The digest itself (not DigestInfo): the token layer builds DigestInfo for RSA PKCS#1 v1.5. */
  digest: Uint8Array;
  hashAlgorithm: HashAlgorithm;
  /** Default from the key: PKCS1v15 for RSA, ECDSA for EC. */
  scheme?: SignScheme;
  /** ECDSA output: DER SEQUENCE{r,s} (default) or raw r||s (XMLDSig, JWS). */
  ecdsaFormat?: EcdsaFormat;
}

export interface SignatureResult {
  signature: Uint8Array;
  scheme: SignScheme;
}

/** A PKCS#11 module the agent tried, for `doctor` and the diagnostics page (never sent to portals). */
export interface ModuleReport {
  name: string;
  /** Absolute path, local display only. */
  path: string;
  /** Where discovery found it: catalog entry, p11-kit, policy, environment, demo. */
  source: 'catalog' | 'p11-kit' | 'policy' | 'env' | 'demo';
  status: 'loaded' | 'failed' | 'refused' | 'notFound';
  /** Why it failed or was refused (human text for doctor). */
  reason?: string;
  libraryDescription?: string;
  cryptokiVersion?: string;
  slotCount?: number;
}

/**
 * The token layer as the core sees it. Implemented over pkcs11js in agent/pkcs11, by fakes in unit tests.
 * Every method rejects only with AgentError reasons (TOKEN_REMOVED, PIN_INCORRECT, CERTIFICATE_NOT_FOUND, …).
 */
export interface TokenService {
  listTokens(): Promise<Token[]>;
  /** Re-scan, re-initialising modules that do not report slot changes. */
  refresh(): Promise<Token[]>;
  /** All certificates on all present tokens (filtering is the caller's business). */
  listCertificates(): Promise<Cert[]>;
  /** CERTIFICATE_NOT_FOUND when unknown (or its token was removed). */
  getCertificate(certId: string): Promise<Cert>;
  /** Intermediate CA certificates found on the token or configured, for building chains in CMS/PDF (DER). */
  getChain(certId: string): Promise<Uint8Array[]>;
  authState(certId: string): Promise<AuthState>;
  /**
   * User login. `pin` null means PIN-pad (protected authentication path). The buffer is zeroed before this
   * resolves or rejects. Never retried: a wrong PIN rejects with PIN_INCORRECT and the token's new pinStatus.
   */
  login(tokenId: string, pin: Uint8Array | null): Promise<void>;
  logout(tokenId?: string): Promise<void>;
  /**
   * Signs a digest with the certificate's private key. `contextPin` is used (and zeroed by the caller) for
   * keys with CKA_ALWAYS_AUTHENTICATE; null means PIN-pad for that context login.
   */
  sign(request: SignDigestRequest, contextPin?: Uint8Array | null): Promise<SignatureResult>;
  /**
   * Optional: the same signature with the driver's blocking call on a worker thread, so that sign.batch prepares
   * the next document while the token signs. Same contract as {@link sign}; calls into one module stay serialised.
   * Single signatures keep using `sign` (lower latency).
   */
  signOffThread?(request: SignDigestRequest, contextPin?: Uint8Array | null, hooks?: SignHooks): Promise<SignatureResult>;
  /**
   * Optional (additive): keeps the token logged in for the signatures of one operation even when every
   * signature needs the PIN (requirePinEveryTime), so a batch asks the PIN once. The returned function ends the
   * hold; when the last hold ends, a service that logs out after each signature logs the token out then.
   * Services that never log out per signature may leave it out.
   */
  holdLogin?(tokenId: string): () => Promise<void>;
  /** Token inserted/removed. Returns an unsubscribe function. */
  onTokensChanged(listener: (tokens: Token[]) => void): () => void;
  modules(): ModuleReport[];
  close(): Promise<void>;
}

/**
 * Callbacks of one off-thread signature, for a caller that pipelines signatures (sign.batch). `beforeToken` and
 * `onFailure` run INSIDE the module's call queue, so what they decide holds before any later call enters the module.
 */
export interface SignHooks {
  /** Right before the token is touched, inside the queue slot: throw (an AgentError) to skip this signature. */
  beforeToken?(): void;
  /** The signature failed: called inside the queue slot, before the next queued call can run. */
  onFailure?(error: AgentError): void;
  /** The signature has taken its place in the module queue; later calls queue behind it. */
  queued?(): void;
}

/** What signing formats (CMS, PAdES, XMLDSig) need from a key: they never see the token or the PIN. */
export interface DigestSigner {
  certificate: Cert;
  /** Intermediates to include after the signer certificate (DER). */
  chain: Uint8Array[];
  sign(digest: Uint8Array, hashAlgorithm: HashAlgorithm, options?: { scheme?: SignScheme; ecdsaFormat?: EcdsaFormat }): Promise<Uint8Array>;
}

// ───────────────────────────── the user ─────────────────────────────

export type Lang = 'vi' | 'en';

/** Every dialog knows who asks and dies with the connection that asked. */
export interface PromptContext {
  /** Normalised origin from the handshake header, exactly as shown to the user. */
  origin: string;
  /** Aborted when the connection/request goes away: the dialog closes and the call rejects USER_CANCELLED. */
  signal: AbortSignal;
  lang: Lang;
}

/** How an operation ended, for the dialog's last words. */
export type PromptOutcome = 'done' | 'failed';

export type AccessDecision = 'allowOnce' | 'allowAlways' | 'deny' | 'block';

export interface PinRequest {
  /** true: the dialog shows a PIN field (or the PIN-pad hint when `pinpad`). */
  required: boolean;
  pinpad: boolean;
  pinStatus: PinStatus;
  /** Set when the previous attempt in this same dialog failed; the user decides whether to try again. */
  previousError?: 'PIN_INCORRECT' | 'PIN_LENGTH_INVALID';
}

export interface ConfirmRequest {
  subject: SignSubject;
  certificate: Cert;
  pin: PinRequest;
  /** Set when the certificate's status could not be confirmed good (policy signing.revocationCheck "warn"). */
  certificateStatus?: StatusNotice;
  /** Set when something in the subject would be signed with SHA-1: policy `signing.sha1` "warn" or "allow". */
  legacyHash?: 'warn' | 'allow';
  /** Extra lines about what is signed (an invoice's totals, the certificate's revocation status…), shown as given. */
  facts?: ConfirmFact[];
  /**
   * The PDF(s) whose pages the dialog renders with the planned stamp on them (docs/security.md T24). Never part of the
   * dialog's state: the host hands them to its own page only, while it asks (the browser host at /ui/<id>/document,
   * Electron over its preload).
   */
  preview?: ConfirmPreview;
}

/**
 * The documents a confirmation may render: one sign.pdf's PDF, or a batch's PDFs by item index (undefined: that item
 * has nothing to render). References to the documents being signed, never copies: the host drops them when the
 * question ends.
 */
export type ConfirmPreview = { pdf: Uint8Array } | { items: ReadonlyArray<Uint8Array | undefined> };

/** One extra line of the confirmation: a bilingual label and a value (already in the user's words). */
export interface ConfirmFact {
  label: { vi: string; en: string };
  value: string;
  /** "warning" draws it as a warning. */
  tone?: 'warning';
}

/** `pin` is a fresh buffer the caller zeroes after use. Absent when no PIN was required or on PIN-pad. */
/** What the picker shows besides the list: the site's title, its last choice, revoked/suspended marks. */
export interface PickerOptions {
  title?: string;
  lastChoice?: string;
  /** Certificates the status service found revoked or suspended: shown with why, not choosable. */
  revocation?: RevocationMark[];
}

export type ConfirmResult = { approved: false } | { approved: true; pin?: Uint8Array };

/**
 * The agent's trusted dialogs. Implemented by Electron windows, browser-hosted pages, and a test double.
 * Every method rejects with USER_CANCELLED when ctx.signal aborts, and USER_TIMEOUT when the user never answers.
 */
export interface UserPrompt {
  requestAccess(ctx: PromptContext): Promise<AccessDecision>;
  /** null: the user cancelled. */
  chooseCertificate(ctx: PromptContext, certificates: Cert[], options: PickerOptions): Promise<Cert | null>;
  /** May be called again for the same operation after a wrong PIN (same dialog, with pin.previousError). */
  confirmSigning(ctx: PromptContext, request: ConfirmRequest): Promise<ConfirmResult>;
  /** Batch progress in the open confirmation; a no-op for hosts without one. */
  progress(ctx: PromptContext, done: number, total: number): void;
  /**
   * The operation is over: close whatever is still open for it. `outcome` (when known) lets the window say what
   * happened ("Đã ký xong" / failed) instead of a bare "closed".
   */
  finish(ctx: PromptContext, outcome?: PromptOutcome): void;
}

// ───────────────────────────── infrastructure ─────────────────────────────

export interface Clock {
  now(): Date;
}

export type LogFields = Record<string, string | number | boolean | null | undefined>;

/** Structured log. Callers never pass a PIN, document bytes or a full chain; the sink is a rotating file. */
export interface Logger {
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

// ───────────────────────────── documents ─────────────────────────────

/** What a document-format signer reports for the confirmation dialog before anything is signed. */
export interface DocumentDescription {
  size: number;
  sha256Hex: string;
  pageCount?: number;
  existingSignatures?: number;
  /** PDF: the visible size (points, rotation applied) of the page a stamp was asked for. */
  stampPage?: { page: number; width: number; height: number };
  /** PDF: the distinct visible sizes of every page the stamp is drawn on (`appearance.pages`), for the warnings. */
  stampPageSizes?: Array<[number, number]>;
  /**
   * PDF: the file was damaged and what gets signed is a repaired copy (why, in English: e.g. bytes before the
   * header removed, cross-reference data rebuilt by scanning). Shown in the dialog and returned in the result.
   */
  repaired?: string;
  /** XML: the business facts the confirmation shows ("what you see is what you sign"). */
  summary?: DocumentSummary;
}

/** Facts of a document for the confirmation dialog: Vietnamese label first, then English, and the value. */
export interface DocumentSummary {
  /** Which reading produced the facts: an e-invoice, a tax declaration, or any XML (root element and size). */
  kind: 'einvoice' | 'tax' | 'xml';
  /** e.g. "HÓA ĐƠN GIÁ TRỊ GIA TĂNG / E-invoice", "Tờ khai thuế / Tax declaration". */
  title: string;
  facts: Array<{ label: string; value: string }>;
}

/** What describeOffice adds: the document type and, for Word, the first lines of text. */
export interface OfficeDescription extends DocumentDescription {
  kind: 'docx' | 'xlsx' | 'pptx';
  existingSignatures: number;
  preview?: string[];
}

export interface OfficeSignOptions {
  /** Its extension must match the content; macro-enabled names are refused unless allowMacros. */
  fileName: string;
  /** policy office.allowMacros. */
  allowMacros: boolean;
  hashAlgorithm: HashAlgorithm;
  comment?: string;
  signingTime: Date;
}

/**
 * What `describe*` hands back: the dialog's description and the format's own plan of the signature (the parsed
 * document, what signing needs of it), passed unchanged to `sign*` so a document is parsed once.
 */
export interface Described<P> {
  description: DocumentDescription;
  plan: P;
}

/** A PDF as describePdf read it. Only the format that made it looks inside; it keeps the bytes the user confirmed. */
export interface PdfPlan {
  readonly format: 'pdf';
  readonly pdf: Uint8Array;
}

/** An XML document planned for one set of options by describeXml (the bytes and options the user confirmed). */
export interface XmlPlan {
  readonly format: 'xml';
  readonly xml: Uint8Array;
  readonly options: XmlSignOptions;
}

/**
 * The signing formats as the core sees them (implemented in agent/signing, wired by the composition roots).
 * `describe*` parses the input and throws DOCUMENT_INVALID (with data.detail) before any dialog is shown;
 * `sign*` signs what was described, asking `signer` for the signature: the key never leaves the token.
 * Params are the validated JSON-RPC params (docs/protocol.md) with binary fields already decoded.
 */
export interface DocumentSigners {
  /**
   * `stampPage`: also measure that page (1-based or 'last') for the dialog's stamp description; `stampPages`: the
   * stamp is drawn on these pages instead (the first is measured as stampPage, all of them in stampPageSizes).
   */
  describePdf(pdf: Uint8Array, options?: { stampPage?: number | 'last'; stampPages?: number[] | 'all' }): Promise<Described<PdfPlan>>;
  signPdf(plan: PdfPlan, options: PdfSignOptions, signer: DigestSigner): Promise<Uint8Array>;
  /**
   * B-LT / B-LTA on an already signed PDF (the one just signed at B-T, or any signed file): a DSS with `validation`
   * (and VRI for the newest signature), then for B-LTA a document timestamp. Earlier byte ranges are untouched.
   */
  extendPdf?(pdf: Uint8Array, options: PdfExtendOptions): Promise<Uint8Array>;
  describeXml(xml: Uint8Array, options: XmlSignOptions): Promise<Described<XmlPlan>>;
  signXml(plan: XmlPlan, signer: DigestSigner): Promise<Uint8Array>;
  signCms(input: CmsInput, options: CmsSignOptions, signer: DigestSigner): Promise<Uint8Array>;
  /** OOXML (.docx/.xlsx/.pptx): refuses encrypted, malformed, oversized and (unless allowed) macro files. */
  describeOffice(document: Uint8Array, options: Pick<OfficeSignOptions, 'fileName' | 'allowMacros'>): Promise<OfficeDescription>;
  signOffice(document: Uint8Array, options: OfficeSignOptions, signer: DigestSigner): Promise<Uint8Array>;
  /** SHA-256 (lower-case hex) of a large input without blocking the event loop (T22); absent: WebCrypto. */
  sha256Hex?(data: Uint8Array): Promise<string>;
}

export interface TimestampOptions {
  url: string;
}

export interface PdfAppearance {
  visible?: boolean;
  page?: number | 'last';
  /** The same box on several pages (1-based), or on every page: one signature field, one widget per page. */
  pages?: number[] | 'all';
  rect?: [number, number, number, number];
  text?: string;
  image?: Uint8Array;
  fontSize?: number;
  /** '#RRGGBB' of the text (default black). */
  textColor?: string;
  /** White background under the box (default true). */
  background?: boolean;
  /** Thin grey border around the box (default true). */
  border?: boolean;
  /**
   * 'text' | 'image' (image only) | 'image-left' (image on the left 40 %) | 'image-top' (image above the text) |
   * 'image-background' (image under the text, the whole box).
   */
  layout?: 'text' | 'image' | 'image-left' | 'image-top' | 'image-background';
  /** Shown instead of the certificate's CN on the "Ký bởi" line. */
  signerName?: string;
  /** Extra lines of the default text. */
  organization?: string;
  position?: string;
  description?: string;
  /** Document number and date stamps ("Số:", "Ngày văn bản:"). */
  documentNumber?: string;
  documentDate?: string;
  /** Text drawn bold (filled and stroked: the embedded font has one weight) / slanted 12°. */
  bold?: boolean;
  italic?: boolean;
  /** Where the block of lines sits in the box (default 'middle'). */
  verticalAlign?: 'top' | 'middle' | 'bottom';
  /**
   * More text drawn with the signature, each in its own box on its own page (document number and date written into
   * the document's blanks, comments): locked, print-only stamp annotations inside the signed update.
   */
  textBoxes?: PdfTextBox[];
}

/** `{signingTime}` in `text` or a text box is replaced by the moment the key signs, `HH:mm:ss dd/MM/yyyy (GMT+7)` (local-time.ts). */
export const SIGNING_TIME_FIELD = '{signingTime}';

export interface PdfTextBox {
  /** 1-based. */
  page: number;
  /** [x, y, width, height] as `PdfAppearance.rect`. */
  rect: [number, number, number, number];
  text: string;
  fontSize?: number;
  textColor?: string;
  bold?: boolean;
  italic?: boolean;
}

/** Long-term validation data written into a PDF's DSS. */
export interface PdfValidationData {
  certs: Uint8Array[];
  ocsps: Uint8Array[];
  crls: Uint8Array[];
}

export interface PdfExtendOptions {
  level: 'B-LT' | 'B-LTA';
  validation: PdfValidationData;
  hashAlgorithm: HashAlgorithm;
  /** B-LTA: the TSA of the document timestamp. */
  timestamp?: TimestampOptions;
}

export interface PdfSignOptions {
  fileName: string;
  hashAlgorithm: HashAlgorithm;
  level: 'B-B' | 'B-T' | 'B-LT' | 'B-LTA';
  timestamp?: TimestampOptions;
  appearance?: PdfAppearance;
  reason?: string;
  location?: string;
  contactInfo?: string;
  fieldName?: string;
  /** 'ETSI.CAdES.detached' (default) or 'adbe.pkcs7.detached' (older Vietnamese validators). */
  subFilter?: 'ETSI.CAdES.detached' | 'adbe.pkcs7.detached';
  signingTime: Date;
}

export interface XmlSignOptions {
  profile: 'enveloped' | 'einvoice' | 'tax';
  hashAlgorithm: HashAlgorithm;
  reference?: { id?: string };
  signatureParent?: string;
  signatureId?: string;
  signingTime?: Date | false;
  c14n?: 'c14n' | 'c14n-with-comments' | 'exc-c14n';
}

export type CmsInput = { data: Uint8Array } | { hash: Uint8Array; hashAlgorithm: HashAlgorithm };

export interface CmsSignOptions {
  hashAlgorithm: HashAlgorithm;
  detached: boolean;
  /** false: no signingTime attribute. */
  signingTime: Date | false;
  timestamp?: TimestampOptions;
}

// ───────────────────────────── dispatch ─────────────────────────────

/** One connection (WebSocket) or one request (POST /v1/rpc), as the transport hands it to the dispatcher. */
export interface ConnectionContext {
  /** Normalised Origin from the handshake header. Never from the message body. */
  origin: string;
  /** `extension` / `extension-vnpt`: a page channel relayed by the companion extension and the native host. */
  transport: 'ws' | 'http' | 'vnpt' | 'extension' | 'extension-vnpt';
  /** Aborted when the socket closes or the HTTP request is abandoned. */
  signal: AbortSignal;
  /** WebSocket only: send a JSON-RPC notification (already serialised by the dispatcher). */
  notify?: (message: string) => void;
  /** Dialog language chosen for this connection (VNPT SetLanguage); absent: the user's setting. */
  lang?: Lang;
}

/** The transport-facing core: takes one raw JSON-RPC text, answers with one serialised text (null for notifications). */
export interface Dispatcher {
  /**
   * One JSON-RPC message in, its answer out (null: none): a string, or from SLICE_CHARS characters on (a signed
   * document) its pieces, which the transport writes in order without joining them (docs/security.md T22).
   * `parsed` is called once, as soon as the message is parsed and its params decoded (or refused): until then the
   * transport keeps counting the raw message against its in-flight budget (docs/security.md T23). `raw` is the
   * message's text, or (a large message) its UTF-8 bytes, which the transport has checked or decodes with
   * replacement as it would decode them to text.
   */
  handle(raw: string | Uint8Array, connection: ConnectionContext, parsed?: () => void): Promise<MessageText | null>;
}
