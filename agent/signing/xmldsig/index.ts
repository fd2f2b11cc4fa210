// XMLDSig: describe and sign XML documents (enveloped, einvoice, tax profiles).
import { createHash } from 'node:crypto';
import type { Described, DigestSigner, XmlPlan, XmlSignOptions } from '../../core/ports.js';
import { parseXml } from './parse.js';
import { planSignature, signPlannedXml, signXml, type XmlSignaturePlan } from './sign.js';
import { summarizeXml } from './summary.js';

export { signXml, vietnamDateTime } from './sign.js';
export { canonicalize, type C14nOptions } from './c14n.js';
export { parseXml, assertNoDtd } from './parse.js';

/**
 * What the confirmation dialog shows (size, SHA-256 of the input). Parses safely and resolves the profile so that
 * a document the profile cannot sign is DOCUMENT_INVALID before any dialog. What signing needs of the document is
 * worked out here once and handed to signing as the plan: a compact plan, not the tree (retaining a batch of trees,
 * ~20× their input, cost more in garbage collection than a second parse).
 */
export async function describeXml(xml: Uint8Array, options: XmlSignOptions): Promise<Described<XmlPlan>> {
  const { doc } = parseXml(xml);
  // The summary reads the document before the plan adds containers to the tree.
  const summary = summarizeXml(doc, xml.length, options);
  const signature = planSignature(doc, options);
  return { description: { size: xml.length, sha256Hex: createHash('sha256').update(xml).digest('hex'), summary }, plan: new PlannedXml(xml, options, signature) };
}

/** The plan describeXml hands to signing: the bytes and options it planned for, and the signature's document part. */
class PlannedXml implements XmlPlan {
  readonly format = 'xml';
  constructor(readonly xml: Uint8Array, readonly options: XmlSignOptions, readonly signature: XmlSignaturePlan) {}
}

/** Signs what describeXml planned; a plan made elsewhere (another DocumentSigners) is planned from its bytes. */
export function signDescribedXml(plan: XmlPlan, signer: DigestSigner): Promise<Uint8Array> {
  return plan instanceof PlannedXml ? signPlannedXml(plan.signature, plan.options, signer) : signXml(plan.xml, plan.options, signer);
}
