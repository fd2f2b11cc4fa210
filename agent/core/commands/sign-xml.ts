// sign.xml: XMLDSig with the enveloped / einvoice / tax profiles, described (DOCUMENT_INVALID) before the dialog.
import type { XmlSignOptions } from '../ports.js';
import { encodeBase64Sliced } from '../protocol/slices.js';
import type { SignXmlParams, XmlItemParams } from '../protocol/schemas.js';
import type { SignSubject } from '../types.js';
import type { Call } from './command.js';
import { describing, signPrepared, type PreparedSign } from './prepared.js';

function xmlOptions(p: XmlItemParams, call: Call): XmlSignOptions {
  const options: XmlSignOptions = { profile: p.profile, hashAlgorithm: p.hashAlgorithm ?? 'SHA-256' };
  if (p.reference) options.reference = p.reference.id !== undefined ? { id: p.reference.id } : {};
  if (p.signatureParent !== undefined) options.signatureParent = p.signatureParent;
  if (p.signatureId !== undefined) options.signatureId = p.signatureId;
  // Absent: the profile's default (einvoice always carries a SigningTime). The time is the agent's clock.
  if (p.signingTime === false) options.signingTime = false;
  else if (p.signingTime === true) options.signingTime = call.deps.clock.now();
  if (p.c14n !== undefined) options.c14n = p.c14n;
  return options;
}

export async function prepareXml(p: XmlItemParams, call: Call): Promise<PreparedSign> {
  const options = xmlOptions(p, call);
  const description = await describing(call, 'xml', () => call.deps.documents.describeXml(p.xml, options));
  const subject: SignSubject = {
    kind: 'document', format: 'xml', fileName: p.fileName ?? 'document.xml', size: description.size, sha256Hex: description.sha256Hex, profile: p.profile,
    hashAlgorithm: options.hashAlgorithm, ...(p.fileName === undefined ? { unnamed: true as const } : {}),
  };
  if (description.existingSignatures !== undefined) subject.existingSignatures = description.existingSignatures;
  if (description.summary !== undefined) subject.summary = description.summary;
  return {
    kind: 'xml',
    subject,
    async execute(key) {
      const xml = await call.deps.documents.signXml(p.xml, options, await key.digestSigner());
      return { xml: await encodeBase64Sliced(xml) };
    },
  };
}

export async function signXmlCommand(params: SignXmlParams, call: Call): Promise<unknown> {
  const { certId, ...rest } = params;
  return signPrepared(call, certId, () => prepareXml(rest, call));
}
