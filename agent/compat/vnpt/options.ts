// Reads the VNPT page script's option objects (XmlSigner, CmsSigner, OfficeSigner, hash options) into sign.* params.
// PdfSigner, the largest, lives in pdf-options.ts. Field names are the script's (docs/vnpt-compat.md).

import { parseJson } from '../../core/protocol/json.js';

/** Reads a JSON option object sent as text; anything unreadable counts as "no options". */
export function parseOptions(text: string | undefined): Record<string, unknown> {
  if (!text) return {};
  const parsed = parseJson(text);
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
  const root = /<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[\s>/]/.exec(xmlText.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->/g, ''));
  if (root?.[1] === 'HDon') return 'einvoice';
  if (root?.[1] === 'HSoThueDTu') return 'tax';
  return 'enveloped';
}

const XML_NAME = /^[A-Za-z_][\w.-]{0,127}$/;

/** The Id attribute of the first element named `tag` (any prefix), from the document text. */
function idOfTag(xmlText: string, tag: string): string | undefined {
  if (!XML_NAME.test(tag)) return undefined;
  const m = new RegExp(`<(?:[A-Za-z_][\\w.-]*:)?${tag.replaceAll('.', '\\.')}\\s[^>]*?\\b(?:Id|ID|id)\\s*=\\s*["']([^"']+)["']`).exec(xmlText);
  return m?.[1];
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
export function xmlParams(o: Record<string, unknown>, xmlText: string): Record<string, unknown> {
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
    const id = node && XML_NAME.test(node) ? node : tag ? idOfTag(xmlText, tag) : undefined;
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
