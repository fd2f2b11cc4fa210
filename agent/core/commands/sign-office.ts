// sign.office: an OOXML package signature (.docx/.xlsx/.pptx) as Office makes it, described before the dialog
// (type, size, SHA-256, first lines of a .docx; DOCUMENT_INVALID for encrypted, malformed or macro files).
import { encodeBase64Sliced } from '../protocol/slices.js';
import type { OfficeItemParams, SignOfficeParams } from '../protocol/schemas.js';
import type { SignSubject } from '../types.js';
import type { Call } from './command.js';
import { describing, signPrepared, type PreparedSign } from './prepared.js';

export async function prepareOffice(p: OfficeItemParams, call: Call): Promise<PreparedSign> {
  const allowMacros = call.deps.policy.office.allowMacros;
  const description = await describing(call, 'office', () => call.deps.documents.describeOffice(p.document, { fileName: p.fileName, allowMacros }));
  const subject: SignSubject = {
    kind: 'document', format: 'office', officeKind: description.kind, fileName: p.fileName, size: description.size,
    sha256Hex: description.sha256Hex, existingSignatures: description.existingSignatures,
  };
  if (description.preview) subject.preview = description.preview;
  return {
    kind: 'office',
    subject,
    async execute(key) {
      const options = { fileName: p.fileName, allowMacros, hashAlgorithm: p.hashAlgorithm ?? 'SHA-256', signingTime: call.deps.clock.now(), ...(p.comment !== undefined ? { comment: p.comment } : {}) } as const;
      const document = await call.deps.documents.signOffice(p.document, options, await key.digestSigner());
      return { document: await encodeBase64Sliced(document) };
    },
  };
}

export async function signOfficeCommand(params: SignOfficeParams, call: Call): Promise<unknown> {
  const { certId, ...rest } = params;
  return signPrepared(call, certId, () => prepareOffice(rest, call));
}
