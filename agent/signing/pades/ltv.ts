// PAdES B-LT and B-LTA on top of a B-T signature: DSS with the validation data, then (LTA) a document timestamp
// (ETSI.RFC3161). Each is its own incremental update, so every earlier signature keeps its byte range.
import { AgentError } from '../../core/errors.js';
import type { HashAlgorithm } from '../../core/types.js';
import { requestTimestamp } from '../tsa/client.js';
import { addDss, type ValidationMaterial, type VriEntry } from './dss.js';
import { asInvalid, invalid, PdfFile } from './document.js';
import { name, PdfDict, PdfRaw, textString } from './pdf-objects.js';
import { getPage, listFields, pageCount } from './pages.js';
import { attachSignatureWidget, BYTE_RANGE_PLACEHOLDER, byteRangeDigest, fillByteRange, uniqueFieldName } from './sign.js';
import { IncrementalWriter } from './writer.js';

export { addDss, type ValidationMaterial, type VriEntry } from './dss.js';

/** Room for an RFC 3161 token with its TSA chain. */
const TOKEN_PLACEHOLDER_BYTES = 16384;

/**
 * Adds an invisible document timestamp field (/Type /DocTimeStamp, /SubFilter /ETSI.RFC3161) whose /Contents is a
 * timestamp token over the byte range, from the TSA at `url`.
 */
export async function addDocumentTimestamp(pdf: Uint8Array, options: { url: string; hashAlgorithm: HashAlgorithm }): Promise<Uint8Array> {
  const file = PdfFile.open(pdf);
  let out: Buffer;
  let contentsStart: number;
  let contentsEnd: number;
  try {
    if (pageCount(file) < 1) throw invalid('tài liệu không có trang / document has no pages');
    const page = getPage(file, 0);
    const w = new IncrementalWriter(file);
    const fieldName = uniqueFieldName(new Set(listFields(file).map((f) => f.name)), undefined);
    const sigRef = w.allocate();
    const widgetRef = w.allocate();
    w.put(sigRef, new PdfDict([
      ['Type', name('DocTimeStamp')], ['Filter', name('Adobe.PPKLite')], ['SubFilter', name('ETSI.RFC3161')],
      ['ByteRange', new PdfRaw(BYTE_RANGE_PLACEHOLDER)], ['Contents', new PdfRaw(`<${'0'.repeat(TOKEN_PLACEHOLDER_BYTES * 2)}>`)],
    ]));
    w.put(widgetRef, new PdfDict([
      ['Type', name('Annot')], ['Subtype', name('Widget')], ['FT', name('Sig')], ['T', textString(fieldName)],
      ['V', sigRef], ['F', 132], ['P', page.ref], ['Rect', [0, 0, 0, 0]],
    ]));
    attachSignatureWidget(file, w, page, widgetRef);
    out = (await w.buildSliced()).out;
    const sigOffset = w.offsetOf(sigRef);
    ({ contentsStart, contentsEnd } = fillByteRange(out, sigOffset, TOKEN_PLACEHOLDER_BYTES));
  } catch (e) {
    throw asInvalid(e);
  }
  const digest = await byteRangeDigest(out, contentsStart, contentsEnd, options.hashAlgorithm);
  const token = await requestTimestamp(options.url, digest, options.hashAlgorithm);
  if (token.token.length > TOKEN_PLACEHOLDER_BYTES) throw new AgentError('TSA_FAILED', 'Timestamp authority failed', { detail: 'the timestamp token is too large' });
  out.write(Buffer.from(token.token).toString('hex'), contentsStart + 1, 'latin1');
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/** The /Contents bytes (hex-decoded, padding included) of the newest signature field's value. */
export function newestSignatureContents(pdf: Uint8Array): Uint8Array | undefined {
  const text = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.length);
  const at = text.lastIndexOf('/Contents <', undefined, 'latin1');
  const alt = text.lastIndexOf('/Contents<', undefined, 'latin1');
  const start = Math.max(at, alt);
  if (start < 0) return undefined;
  const open = text.indexOf('<', start, 'latin1');
  const close = text.indexOf('>', open, 'latin1');
  if (open < 0 || close < 0) return undefined;
  return new Uint8Array(Buffer.from(text.subarray(open + 1, close).toString('latin1'), 'hex'));
}

export interface LongTermOptions {
  level: 'B-LT' | 'B-LTA';
  /** Chain, OCSP responses and CRLs for the signer (and any other signature to extend). */
  material: ValidationMaterial;
  /** B-LTA: the TSA for the document timestamp. */
  timestamp?: { url: string };
  hashAlgorithm: HashAlgorithm;
  /** VRI for the newest signature (the one just made). Default true. */
  vri?: boolean;
}

/** Turns a B-T output (or any signed PDF) into B-LT / B-LTA. */
export async function extendToLongTerm(pdf: Uint8Array, options: LongTermOptions): Promise<Uint8Array> {
  const vri: VriEntry[] = [];
  const contents = options.vri === false ? undefined : newestSignatureContents(pdf);
  if (contents) vri.push({ signatureContents: contents, material: options.material });
  let out = addDss(pdf, options.material, vri);
  if (options.level === 'B-LTA') {
    if (!options.timestamp) throw new AgentError('INVALID_PARAMS', 'B-LTA cần máy chủ dấu thời gian / B-LTA needs a timestamp server', { detail: 'level B-LTA requires timestamp.url' });
    out = await addDocumentTimestamp(out, { url: options.timestamp.url, hashAlgorithm: options.hashAlgorithm });
  }
  return out;
}
