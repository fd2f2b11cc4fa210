// XMLDSig: describe and sign XML documents (enveloped, einvoice, tax profiles).
import type { DocumentDescription, XmlSignOptions } from '../../core/ports.js';
import { sha256HexSliced } from '../digest-sliced.js';
import { parseXml } from './parse.js';
import { keepPlan } from './plan-memo.js';
import { planSignature } from './sign.js';
import { summarizeXml } from './summary.js';

export { signXml, vietnamDateTime } from './sign.js';
export { canonicalize, type C14nOptions } from './c14n.js';
export { parseXml, assertNoDtd } from './parse.js';

/**
 * What the confirmation dialog shows (size, SHA-256 of the input). Parses safely and resolves the profile so that
 * a document the profile cannot sign is DOCUMENT_INVALID before any dialog. What signing needs of the document is
 * worked out here once and kept for the signXml that follows on the same buffer (plan-memo.ts).
 */
export async function describeXml(xml: Uint8Array, options: XmlSignOptions): Promise<DocumentDescription> {
  const { doc } = parseXml(xml);
  // The summary reads the document before the plan adds containers to the tree.
  const summary = summarizeXml(doc, xml.length, options);
  keepPlan(xml, planSignature(doc, options));
  return { size: xml.length, sha256Hex: await sha256HexSliced(xml), summary };
}
