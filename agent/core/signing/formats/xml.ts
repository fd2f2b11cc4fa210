// sign.xml: XMLDSig with the enveloped / einvoice / tax profiles, described (DOCUMENT_INVALID) before the dialog.
import type { Clock, XmlSignOptions } from '../../ports.js';
import { encodeBase64 } from '../../protocol/encoding.js';
import { describing, type FormatParams, type ItemSubject, type SignFormat } from '../format.js';

/** What of sign.xml's params becomes XmlSignOptions (the CLI's flags map to the same shape). */
export type XmlOptionParams = Omit<FormatParams<'xml'>, 'xml' | 'fileName'>;

/**
 * sign.xml params → XmlSignOptions, the one mapping (CLI included). Absent signing time: the profile's default;
 * the time is the agent's clock.
 */
export function xmlOptions(p: XmlOptionParams, clock: Clock): XmlSignOptions {
  const options: XmlSignOptions = { profile: p.profile, hashAlgorithm: p.hashAlgorithm ?? 'SHA-256' };
  if (p.reference) options.reference = p.reference.id !== undefined ? { id: p.reference.id } : {};
  if (p.signatureParent !== undefined) options.signatureParent = p.signatureParent;
  if (p.signatureId !== undefined) options.signatureId = p.signatureId;
  if (p.signingTime === false) options.signingTime = false;
  else if (p.signingTime === true) options.signingTime = clock.now();
  if (p.c14n !== undefined) options.c14n = p.c14n;
  return options;
}

export const xmlFormat: SignFormat<'xml'> = async (p, call) => {
  const options = xmlOptions(p, call.deps.clock);
  const { description, plan } = await describing(call, 'xml', () => call.deps.documents.describeXml(p.xml, options));
  const subject: ItemSubject = {
    kind: 'document', format: 'xml', fileName: p.fileName ?? 'document.xml', size: description.size, sha256Hex: description.sha256Hex, profile: p.profile,
    hashAlgorithm: options.hashAlgorithm, ...(p.fileName === undefined ? { unnamed: true as const } : {}),
  };
  if (description.existingSignatures !== undefined) subject.existingSignatures = description.existingSignatures;
  if (description.summary !== undefined) subject.summary = description.summary;
  return {
    kind: 'xml',
    subject,
    async sign(key) {
      const xml = await call.deps.documents.signXml(plan, await key.digestSigner());
      return { xml: encodeBase64(xml) };
    },
  };
};
