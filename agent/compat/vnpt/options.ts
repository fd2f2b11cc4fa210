// Maps the VNPT plugin's PdfSigner / XmlSigner option objects onto kyso-agent's sign.pdf / sign.xml params.

import { parseJson } from '../../core/protocol/json.js';

/** Reads a JSON option object sent as text; anything unreadable counts as "no options". */
export function parseOptions(text: string | undefined): Record<string, unknown> {
  if (!text) return {};
  const parsed = parseJson(text);
  const v = parsed.ok ? parsed.value : null;
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** Case-insensitive lookup over several names a script version may use for one option. */
export function pick(o: Record<string, unknown>, ...names: string[]): unknown {
  const lower = new Map(Object.keys(o).map((k) => [k.toLowerCase(), k]));
  for (const n of names) {
    const k = lower.get(n.toLowerCase());
    if (k !== undefined && o[k] !== undefined && o[k] !== null && o[k] !== '') return o[k];
  }
  return undefined;
}

const num = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
};
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

/** VNPT names hash algorithms "SHA1", "sha256", "SHA-256"…; unknown names fall back to the given default. */
export function hashAlgorithm(v: unknown, fallback: 'SHA-1' | 'SHA-256'): 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512' {
  const s = typeof v === 'string' ? v.toUpperCase().replace(/[^A-Z0-9]/g, '') : '';
  if (s === 'SHA1') return 'SHA-1';
  if (s === 'SHA256') return 'SHA-256';
  if (s === 'SHA384') return 'SHA-384';
  if (s === 'SHA512') return 'SHA-512';
  return fallback;
}

/** PdfSigner → the appearance and text params of sign.pdf. No rectangle given → an invisible signature. */
export function pdfParams(o: Record<string, unknown>): Record<string, unknown> {
  const llx = num(pick(o, 'llx')), lly = num(pick(o, 'lly')), urx = num(pick(o, 'urx')), ury = num(pick(o, 'ury'));
  const params: Record<string, unknown> = {};
  const reason = str(pick(o, 'Description', 'Reason'));
  const location = str(pick(o, 'Location'));
  if (reason) params.reason = reason;
  if (location) params.location = location;
  const tsa = str(pick(o, 'TsaUrl'));
  if (tsa) {
    params.timestamp = { url: tsa };
    params.level = 'B-T';
  }
  if (llx === undefined || lly === undefined || urx === undefined || ury === undefined || urx <= llx || ury <= lly) {
    params.appearance = { visible: false };
    return params;
  }
  const page = num(pick(o, 'page', 'Page'));
  const sigType = num(pick(o, 'SigType')) ?? 0;
  const image = str(pick(o, 'ImageBase64'));
  const appearance: Record<string, unknown> = {
    visible: true,
    page: page !== undefined && page >= 1 ? Math.floor(page) : 1,
    rect: [llx, lly, urx - llx, ury - lly],
  };
  const signer = str(pick(o, 'Signer'));
  const position = str(pick(o, 'SignerPosition'));
  const lines = [signer ? `Ký bởi: ${signer}` : undefined, position].filter((l): l is string => Boolean(l));
  if (sigType !== 2 && lines.length > 0) appearance.text = lines.join('\n');
  if ((sigType === 1 || sigType === 2) && image) appearance.image = image;
  params.appearance = appearance;
  return params;
}

/** The profile follows the document: e-invoices are `<HDon>`, HTKK tax declarations `<HSoThueDTu>`. */
export function xmlProfile(xmlText: string): 'einvoice' | 'tax' | 'enveloped' {
  const root = /<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[\s>/]/.exec(xmlText.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->/g, ''));
  if (root?.[1] === 'HDon') return 'einvoice';
  if (root?.[1] === 'HSoThueDTu') return 'tax';
  return 'enveloped';
}

/** XmlSigner → sign.xml params (VNPT defaults to SHA-1 for legacy tax/e-invoice systems). */
export function xmlParams(o: Record<string, unknown>, xmlText: string): Record<string, unknown> {
  const profile = xmlProfile(xmlText);
  const params: Record<string, unknown> = { profile, hashAlgorithm: hashAlgorithm(pick(o, 'HashAlgorithm', 'DigestAlgorithm', 'HashAlg'), 'SHA-1') };
  const id = str(pick(o, 'NodeToSign', 'TagSigning', 'ReferenceId', 'SigningTagId', 'Id'));
  if (id && profile === 'enveloped') params.reference = { id };
  const parent = str(pick(o, 'ParentNodePath', 'ParentNode', 'TagSaveResult'));
  if (parent && profile === 'enveloped') params.signatureParent = parent;
  const sigId = str(pick(o, 'SignatureId', 'SigningId'));
  if (sigId) params.signatureId = sigId;
  return params;
}
