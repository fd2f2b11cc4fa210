// Strict schemas for every method's params (unknown fields rejected), decoding base64 and checking hash lengths.
import { z } from 'zod';
import { AgentError, type Reason } from '../errors.js';
import { HASH_ALGORITHMS, HASH_LENGTH, SIGN_SCHEMES, type HashAlgorithm } from '../types.js';
import { Base64Literal } from './base64-literal.js';
import { decodeBase64Sliced } from './slices.js';
import { MAX_BATCH_ITEMS, MAX_DOCUMENT_BYTES, MAX_IMAGE_BYTES } from './limits.js';
import type { Method } from './methods.js';

/** A custom issue may name its reason (HASH_LENGTH_INVALID, PAYLOAD_TOO_LARGE); the rest are INVALID_PARAMS. */
type IssueParams = { reason: Reason };

/**
 * Base64 that decodes to at most `maxBytes`; longer text is PAYLOAD_TOO_LARGE without being decoded. A long text is
 * decoded in slices with turns of the event loop between them (T22), hence parseParams is async. A large message's
 * long base64 literal arrives already decoded from its bytes (Base64Literal, see json-bytes.ts) and gets the same
 * answers; anything else that is not a string is refused as z.string() refuses it.
 */
function base64(maxBytes: number) {
  const maxChars = Math.ceil(maxBytes / 3) * 4;
  return z.unknown().transform(async (value, ctx) => {
    if (typeof value !== 'string' && !(value instanceof Base64Literal)) {
      ctx.addIssue({ code: 'invalid_type', expected: 'string', input: value });
      return z.NEVER;
    }
    if ((typeof value === 'string' ? value.length : value.chars) > maxChars) {
      ctx.addIssue({ code: 'custom', message: `larger than ${maxBytes} bytes`, params: { reason: 'PAYLOAD_TOO_LARGE' } satisfies IssueParams });
      return z.NEVER;
    }
    const bytes = typeof value === 'string' ? await decodeBase64Sliced(value) : value.bytes;
    if (bytes === null) {
      ctx.addIssue({ code: 'custom', message: 'not standard padded base64' });
      return z.NEVER;
    }
    return bytes;
  });
}

/**
 * Bidi embedding/override/isolate controls: the dialog would show the text reordered while a PDF stamp or a file
 * name elsewhere reads it in stored order ("invoice\u202Efdp.exe"), so what the user reads is not what is drawn.
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/u;
/** Printable text for dialogs: no control characters (they could fake line breaks in what the user reads). */
const displayText = (max: number) => z.string().max(max).regex(/^[^\p{Cc}]*$/u, 'must not contain control characters')
  .refine((v) => !BIDI_CONTROLS.test(v), 'must not contain bidirectional control characters');
/** Text a PDF stamp draws (lines separated by \n): no bidi controls (docs/security.md T24). */
const stampText = (max: number) => z.string().max(max).refine((v) => !BIDI_CONTROLS.test(v), 'must not contain bidirectional control characters');
const fileName = displayText(255).min(1);
const certId = z.string().min(1).max(512);
const hashAlgorithm = z.enum(HASH_ALGORITHMS);
const scheme = z.enum(SIGN_SCHEMES);
const ecdsaFormat = z.enum(['raw', 'der']);
/** An http(s) URL without credentials (TSA addresses); the policy file uses the same rule. */
export const httpUrl = z.string().max(2048).refine((u) => {
  try {
    const url = new URL(u);
    return (url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password;
  } catch {
    return false;
  }
}, 'must be an http(s) URL without credentials');
const timestamp = z.strictObject({ url: httpUrl });
const xmlName = z.string().min(1).max(200).regex(/^[\p{L}_][\p{L}\p{N}_.:-]*$/u, 'not an XML name');

const empty = z.strictObject({});

export const certFilterSchema = z.strictObject({
  tokenId: z.string().max(512).optional(),
  thumbprintSha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex digits').optional(),
  issuerContains: z.string().max(256).optional(),
  keyUsage: z.array(z.string().max(64)).max(16).optional(),
  taxCode: z.string().max(64).optional(),
  citizenId: z.string().max(64).optional(),
  onlyValid: z.boolean().optional(),
  onlyWithPrivateKey: z.boolean().optional(),
});

/** Adds the hash-length check (HASH_LENGTH_INVALID, a reason of its own) to an object with `hash`+`hashAlgorithm`. */
function checkHashLength(value: { hash?: Uint8Array | undefined; hashAlgorithm?: HashAlgorithm | undefined }, ctx: z.RefinementCtx): void {
  if (value.hash === undefined) return;
  const algorithm = value.hashAlgorithm ?? 'SHA-256';
  if (value.hash.length !== HASH_LENGTH[algorithm]) {
    ctx.addIssue({
      code: 'custom', path: ['hash'], params: { reason: 'HASH_LENGTH_INVALID' } satisfies IssueParams,
      message: `${value.hash.length} bytes; ${algorithm} needs ${HASH_LENGTH[algorithm]}`,
    });
  }
}

// ── per-method shapes without certId (sign.batch items reuse them) ──

const hashShape = {
  hash: base64(64),
  hashAlgorithm,
  scheme: scheme.optional(),
  ecdsaFormat: ecdsaFormat.optional(),
  label: displayText(200).optional(),
};

const cmsShape = {
  data: base64(MAX_DOCUMENT_BYTES).optional(),
  hash: base64(64).optional(),
  hashAlgorithm: hashAlgorithm.optional(),
  detached: z.boolean().optional(),
  /** false: no signingTime attribute; true/absent: the agent's clock (a page never chooses the time). */
  signingTime: z.boolean().optional(),
  timestamp: timestamp.optional(),
  fileName: fileName.optional(),
};

const stampRect = z.tuple([z.number().finite().min(0).max(14_400), z.number().finite().min(0).max(14_400),
  z.number().finite().gt(0).max(14_400), z.number().finite().gt(0).max(14_400)]);
const textColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, '#RRGGBB');
const fontSize = z.number().finite().min(4).max(72);
/** Text drawn with the signature in its own box (document number, date, comments). */
const textBox = z.strictObject({
  page: z.number().int().min(1).max(100_000),
  rect: stampRect,
  text: stampText(1000).min(1),
  fontSize: fontSize.optional(),
  textColor: textColor.optional(),
  bold: z.boolean().optional(),
  italic: z.boolean().optional(),
});

const appearance = z.strictObject({
  visible: z.boolean().optional(),
  page: z.union([z.number().int().min(1).max(100_000), z.literal('last')]).optional(),
  rect: stampRect.optional(),
  text: stampText(1000).optional(),
  image: base64(MAX_IMAGE_BYTES).optional(),
  fontSize: fontSize.optional(),
  pages: z.union([z.array(z.number().int().min(1).max(100_000)).min(1).max(1000), z.literal('all')]).optional(),
  textColor: textColor.optional(),
  background: z.boolean().optional(),
  border: z.boolean().optional(),
  layout: z.enum(['text', 'image', 'image-left', 'image-top', 'image-background']).optional(),
  bold: z.boolean().optional(),
  italic: z.boolean().optional(),
  verticalAlign: z.enum(['top', 'middle', 'bottom']).optional(),
  textBoxes: z.array(textBox).max(50).optional(),
  signerName: displayText(200).optional(),
  organization: displayText(200).optional(),
  position: displayText(200).optional(),
  description: displayText(500).optional(),
  documentNumber: displayText(100).optional(),
  documentDate: displayText(100).optional(),
});

const pdfShape = {
  pdf: base64(MAX_DOCUMENT_BYTES),
  fileName,
  hashAlgorithm: hashAlgorithm.optional(),
  level: z.enum(['B-B', 'B-T', 'B-LT', 'B-LTA']).optional(),
  timestamp: timestamp.optional(),
  appearance: appearance.optional(),
  reason: displayText(500).optional(),
  location: displayText(500).optional(),
  contactInfo: displayText(500).optional(),
  fieldName: z.string().min(1).max(128).regex(/^[^.\p{Cc}]+$/u, 'no dots or control characters').optional(),
  /** Extension: 'adbe.pkcs7.detached' for older Vietnamese validators. */
  subFilter: z.enum(['ETSI.CAdES.detached', 'adbe.pkcs7.detached']).optional(),
};

const xmlShape = {
  xml: base64(MAX_DOCUMENT_BYTES),
  profile: z.enum(['enveloped', 'einvoice', 'tax']),
  hashAlgorithm: hashAlgorithm.optional(),
  reference: z.strictObject({ id: xmlName.optional() }).optional(),
  signatureParent: z.string().min(1).max(500).optional(),
  signatureId: xmlName.optional(),
  signingTime: z.boolean().optional(),
  c14n: z.enum(['c14n', 'c14n-with-comments', 'exc-c14n']).optional(),
  /** Extension: the name shown in the confirmation dialog (default "document.xml"). */
  fileName: fileName.optional(),
};

const officeShape = {
  document: base64(MAX_DOCUMENT_BYTES),
  /** Shown in the dialog; its extension must match the content (.docx, .xlsx, .pptx). */
  fileName,
  hashAlgorithm: hashAlgorithm.optional(),
  /** The signer's comment (SignatureComments), as Office's "Purpose for signing this document". */
  comment: displayText(500).optional(),
};

function cmsRefine(value: { data?: Uint8Array | undefined; hash?: Uint8Array | undefined; detached?: boolean | undefined; hashAlgorithm?: HashAlgorithm | undefined }, ctx: z.RefinementCtx): void {
  if ((value.data === undefined) === (value.hash === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['data'], message: 'exactly one of data or hash is required' });
    return;
  }
  if (value.hash !== undefined && value.detached === false) {
    ctx.addIssue({ code: 'custom', path: ['detached'], message: 'a CMS over a hash is always detached' });
    return;
  }
  checkHashLength(value, ctx);
}

export const hashItemSchema = z.strictObject(hashShape).superRefine(checkHashLength);
export const cmsItemSchema = z.strictObject(cmsShape).superRefine(cmsRefine);
export const pdfItemSchema = z.strictObject(pdfShape);
export const xmlItemSchema = z.strictObject(xmlShape);
export const officeItemSchema = z.strictObject(officeShape);

export const signHashSchema = z.strictObject({ certId, ...hashShape }).superRefine(checkHashLength);
export const signCmsSchema = z.strictObject({ certId, ...cmsShape }).superRefine(cmsRefine);
export const signPdfSchema = z.strictObject({ certId, ...pdfShape });
export const signXmlSchema = z.strictObject({ certId, ...xmlShape });
export const signOfficeSchema = z.strictObject({ certId, ...officeShape });

/** document.verify: the signed file, its name (shown in the report), and the signed content of a detached CMS. */
export const documentVerifySchema = z.strictObject({
  document: base64(MAX_DOCUMENT_BYTES),
  fileName: fileName.optional(),
  content: base64(MAX_DOCUMENT_BYTES).optional(),
});

export const batchItemSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('hash'), params: hashItemSchema }),
  z.strictObject({ kind: z.literal('cms'), params: cmsItemSchema }),
  z.strictObject({ kind: z.literal('pdf'), params: pdfItemSchema }),
  z.strictObject({ kind: z.literal('xml'), params: xmlItemSchema }),
  z.strictObject({ kind: z.literal('office'), params: officeItemSchema }),
]);

export const signBatchSchema = z.strictObject({
  certId,
  label: displayText(200).min(1),
  items: z.array(batchItemSchema).min(1).max(MAX_BATCH_ITEMS),
});

export const paramSchemas = {
  'agent.info': empty,
  'session.requestAccess': empty,
  'tokens.list': empty,
  'tokens.refresh': empty,
  'certificates.list': z.strictObject({ filter: certFilterSchema.optional() }),
  'certificates.select': z.strictObject({ filter: certFilterSchema.optional(), title: displayText(200).optional() }),
  'sign.hash': signHashSchema,
  'sign.cms': signCmsSchema,
  'sign.pdf': signPdfSchema,
  'sign.xml': signXmlSchema,
  'sign.office': signOfficeSchema,
  'sign.batch': signBatchSchema,
  'document.verify': documentVerifySchema,
} satisfies Record<Method, z.ZodType>;

export type ParamsOf<M extends Method> = z.output<(typeof paramSchemas)[M]>;
export type SignHashParams = z.output<typeof signHashSchema>;
export type SignCmsParams = z.output<typeof signCmsSchema>;
export type SignPdfParams = z.output<typeof signPdfSchema>;
export type SignXmlParams = z.output<typeof signXmlSchema>;
export type SignOfficeParams = z.output<typeof signOfficeSchema>;
export type SignBatchParams = z.output<typeof signBatchSchema>;
export type BatchItem = z.output<typeof batchItemSchema>;
export type HashItemParams = z.output<typeof hashItemSchema>;
export type CmsItemParams = z.output<typeof cmsItemSchema>;
export type PdfItemParams = z.output<typeof pdfItemSchema>;
export type XmlItemParams = z.output<typeof xmlItemSchema>;
export type OfficeItemParams = z.output<typeof officeItemSchema>;

const clip = (s: string, n = 64) => (s.length > n ? `${s.slice(0, n)}…` : s);

/** `params.items.3.hash: …` — the offending field and why, never its value. */
function describeIssue(issue: z.core.$ZodIssue): string {
  const where = ['params', ...issue.path.map((p) => clip(String(p)))].join('.');
  switch (issue.code) {
    case 'unrecognized_keys':
      return `${where}: unknown field ${issue.keys.slice(0, 3).map((k) => JSON.stringify(clip(k))).join(', ')}`;
    case 'invalid_type':
      return `${where}: expected ${issue.expected}`;
    case 'invalid_union':
      return `${where}: does not match any accepted form`;
    default:
      return `${where}: ${clip(issue.message, 200)}`;
  }
}

/**
 * Validates and decodes `params` for `method`. Absent params are `{}`; positional (array) params are refused.
 * Throws AgentError INVALID_PARAMS (data.detail names the field), HASH_LENGTH_INVALID or PAYLOAD_TOO_LARGE.
 */
export async function parseParams<M extends Method>(method: M, params: unknown): Promise<ParamsOf<M>> {
  const value = params === undefined ? {} : params;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AgentError('INVALID_PARAMS', 'Invalid params', { detail: 'params: must be an object (by-name params)' });
  }
  const r = await paramSchemas[method].safeParseAsync(value);
  if (r.success) return r.data as ParamsOf<M>;
  const issues = r.error.issues;
  const reasonOf = (i: z.core.$ZodIssue): Reason | undefined =>
    i.code === 'custom' ? (i.params as IssueParams | undefined)?.reason : undefined;
  const special = issues.find((i) => reasonOf(i) !== undefined);
  const chosen = special ?? issues[0]!;
  const reason: Reason = (special && reasonOf(special)) ?? 'INVALID_PARAMS';
  const message = reason === 'HASH_LENGTH_INVALID' ? 'Hash length does not match hashAlgorithm'
    : reason === 'PAYLOAD_TOO_LARGE' ? 'Payload too large' : 'Invalid params';
  throw new AgentError(reason, message, { detail: describeIssue(chosen) });
}
