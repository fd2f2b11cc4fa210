// XMLDSig: describe and sign XML documents (enveloped, einvoice, tax profiles).
import { createHash } from 'node:crypto';
import type { DocumentDescription, XmlSignOptions } from '../../core/ports.js';
import { parseXml } from './parse.js';
import { placeSignature } from './profiles.js';

export { signXml, vietnamDateTime } from './sign.js';
export { canonicalize, type C14nOptions } from './c14n.js';
export { parseXml, assertNoDtd } from './parse.js';

/**
 * What the confirmation dialog shows (size, SHA-256 of the input). Parses safely and resolves the profile so that
 * a document the profile cannot sign is DOCUMENT_INVALID before any dialog.
 */
export async function describeXml(xml: Uint8Array, options: XmlSignOptions): Promise<DocumentDescription> {
  const { doc } = parseXml(xml);
  placeSignature(doc, options);
  return { size: xml.length, sha256Hex: createHash('sha256').update(xml).digest('hex') };
}
