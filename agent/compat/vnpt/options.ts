// Reads the VNPT page script's option objects (XmlSigner, CmsSigner, OfficeSigner, hash options) into sign.* params.
// PdfSigner, the largest, lives in pdf-options.ts. Field names are the script's (docs/vnpt-compat.md).

import { parseJson, parseJsonSliced } from '../../core/protocol/json.js';
import { SLICE_CHARS, yieldToEventLoop } from '../../core/protocol/slices.js';

/** Reads a JSON option object sent as text; anything unreadable counts as "no options". */
export function parseOptions(text: string | undefined): Record<string, unknown> {
  return text ? asOptions(parseJson(text)) : {};
}

/** parseOptions for an item of the VNPT batch, whose text carries the document: parsed in slices (T22). */
export async function parseOptionsSliced(text: string): Promise<Record<string, unknown>> {
  return text ? asOptions(await parseJsonSliced(text)) : {};
}

function asOptions(parsed: ReturnType<typeof parseJson>): Record<string, unknown> {
  const v = parsed.ok ? parsed.value : null;
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** Case-insensitive lookup over several names a script version may use for one option; null/"" count as absent. */
export function pick(o: Record<string, unknown>, ...names: string[]): unknown {
  const lower = new Map(Object.keys(o).map((k) => [k.toLowerCase(), k]));
  for (const n of names) {
    const k = lower.get(n.toLowerCase());
    if (k !== undefined && o[k] !== undefined && o[k] !== null && o[k] !== '') return o[k];
  }
  return undefined;
}

export const num = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
};
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
/** The script sends flags as booleans, but portals also write "true"/"1"/1. */
export const flag = (v: unknown): boolean | undefined =>
  typeof v === 'boolean' ? v : v === 'true' || v === '1' || v === 1 ? true : v === 'false' || v === '0' || v === 0 ? false : undefined;

export type HashName = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';
const STRENGTH: Record<HashName, number> = { 'SHA-1': 1, 'SHA-256': 2, 'SHA-384': 3, 'SHA-512': 4 };

/**
 * VNPT names hash algorithms "SHA1", "sha256", "SHA-256", and signature methods "RSAwithSHA256" or XML-DSig URIs
 * ("…#rsa-sha256"): the digest size in the name decides. Unknown names give undefined.
 */
export function hashName(v: unknown): HashName | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /SHA-?(1|256|384|512)(?![0-9])/i.exec(v);
  return m ? (`SHA-${m[1]}` as HashName) : undefined;
}

export function hashAlgorithm(v: unknown, fallback: HashName): HashName {
  return hashName(v) ?? fallback;
}

/** The profile follows the document: e-invoices are `<HDon>`, HTKK tax declarations `<HSoThueDTu>`. */
export function xmlProfile(xmlText: string): 'einvoice' | 'tax' | 'enveloped' {
  const root = rootName(xmlText);
  if (root === 'HDon') return 'einvoice';
  if (root === 'HSoThueDTu') return 'tax';
  return 'enveloped';
}

const START_TAG = /^<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[\s>/]/;
/** Longest element name (with its prefix) looked for at a `<`. */
const NAME_CHARS = 512;
/** `<` that start no element looked at before giving up (a prologue has a few; `<<<<…` is not a document). */
const MAX_STRAY_LT = 4096;

/**
 * The local name of the first element, skipping processing instructions and comments: a walk from the start that
 * stops at the root, so a 64 MiB document costs what its prologue costs, not a pass over all of it (T22).
 */
function rootName(xmlText: string): string | undefined {
  for (let i = 0, stray = 0; stray < MAX_STRAY_LT; stray++) {
    const lt = xmlText.indexOf('<', i);
    if (lt === -1) return undefined;
    const close = xmlText.startsWith('<?', lt) ? '?>' : xmlText.startsWith('<!--', lt) ? '-->' : null;
    const end = close ? xmlText.indexOf(close, lt + 2) : -1;
    if (end !== -1) {
      i = end + close!.length;
      continue;
    }
    const m = START_TAG.exec(xmlText.slice(lt, lt + NAME_CHARS));
    if (m) return m[1];
    i = lt + 1;
  }
  return undefined;
}

const XML_NAME = /^[A-Za-z_][\w.-]{0,127}$/;
/** A start tag is searched for in windows of SLICE_CHARS plus this much of the next (its attributes up to there). */
const TAG_OVERLAP = 64 * 1024;

/**
 * The Id attribute of the first element named `tag` (any prefix), from the document text, searched window by window
 * with a turn between them (T22). A start tag whose Id comes more than 64 KiB after its `<` is not found.
 */
async function idOfTag(xmlText: string, tag: string): Promise<string | undefined> {
  if (!XML_NAME.test(tag)) return undefined;
  const re = new RegExp(`<(?:[A-Za-z_][\\w.-]*:)?${tag.replaceAll('.', '\\.')}\\s[^>]*?\\b(?:Id|ID|id)\\s*=\\s*["']([^"']+)["']`);
  for (let from = 0; from < xmlText.length; from += SLICE_CHARS) {
    const m = re.exec(xmlText.slice(from, from + SLICE_CHARS + TAG_OVERLAP));
    // A match starting in the overlap is the next window's (found there with its whole tag).
    if (m && (m.index < SLICE_CHARS || from + SLICE_CHARS >= xmlText.length)) return m[1];
    if (from + SLICE_CHARS < xmlText.length) await yieldToEventLoop();
  }
  return undefined;
}

/**
 * Thrown for an option or document type the agent cannot honour: answered with this bilingual text and `code`
 * (1 "bad input" for options, 5 "not supported" for whole features).
 */
export class UnsupportedOption extends Error {
  constructor(message: string, readonly code: number = 1) {
    super(message);
    this.name = 'UnsupportedOption';
  }
}

/**
 * XmlSigner → sign.xml params. DigestMethod and SignatureMethod name one algorithm for both in kyso-agent; when
 * they differ the stronger wins. The script's own default is SHA-1 (legacy tax/e-invoice systems), so absent
 * names mean SHA-1 as with the plugin.
 */
export async function xmlParams(o: Record<string, unknown>, xmlText: string): Promise<Record<string, unknown>> {
  const type = str(pick(o, 'SigningType'));
  if (type && type.toLowerCase() !== 'enveloped') {
    throw new UnsupportedOption(`Kiểu ký XML "${type}" chưa được hỗ trợ / XML signing type "${type}" is not supported (Enveloped only)`);
  }
  const named = [pick(o, 'DigestMethod'), pick(o, 'SignatureMethod'), pick(o, 'HashAlgorithm', 'DigestAlgorithm')]
    .map(hashName).filter((h): h is HashName => h !== undefined);
  const hash = named.reduce<HashName>((best, h) => (STRENGTH[h] > STRENGTH[best] ? h : best), named[0] ?? 'SHA-1');
  const profile = xmlProfile(xmlText);
  const params: Record<string, unknown> = { profile, hashAlgorithm: hash };
  if (profile === 'enveloped') {
    // NodeToSign: the Id of the element to sign ("#id" or "id"); TagSigning: its tag name (its Id attribute is used).
    const node = str(pick(o, 'NodeToSign'))?.replace(/^#/, '');
    const tag = str(pick(o, 'TagSigning'));
    const id = node && XML_NAME.test(node) ? node : tag ? await idOfTag(xmlText, tag) : undefined;
    if (id) params.reference = { id };
    const parent = str(pick(o, 'TagSaveResult', 'ParrentTagSigning'));
    if (parent && XML_NAME.test(parent.replace(/^.*:/, ''))) params.signatureParent = parent;
  }
  return params;
}

/** CmsSigner / OfficeSigner → the hash algorithm (the script defaults the field itself to "SHA1"). */
export function digestOf(o: Record<string, unknown>, fallback: HashName = 'SHA-256'): HashName {
  return hashAlgorithm(pick(o, 'DigestAlgorithm', 'HashAlgorithm', 'DigestMethod'), fallback);
}
