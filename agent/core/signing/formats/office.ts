// sign.office: an OOXML package signature (.docx/.xlsx/.pptx) as Office makes it, described before the dialog
// (type, size, SHA-256, first lines of a .docx; DOCUMENT_INVALID for encrypted, malformed or macro files).
import type { OfficeSignOptions } from '../../ports.js';
import { encodeBase64 } from '../../protocol/encoding.js';
import { describing, type ItemSubject, type SignFormat } from '../format.js';

export const officeFormat: SignFormat<'office'> = async (p, call) => {
  const allowMacros = call.deps.policy.office.allowMacros;
  const description = await describing(call, 'office', () => call.deps.documents.describeOffice(p.document, { fileName: p.fileName, allowMacros }));
  const subject: ItemSubject = {
    kind: 'document', format: 'office', officeKind: description.kind, fileName: p.fileName, size: description.size,
    sha256Hex: description.sha256Hex, existingSignatures: description.existingSignatures,
  };
  if (description.preview) subject.preview = description.preview;
  return {
    kind: 'office',
    subject,
    async sign(key) {
      const options: OfficeSignOptions = { fileName: p.fileName, allowMacros, hashAlgorithm: p.hashAlgorithm ?? 'SHA-256', signingTime: call.deps.clock.now() };
      if (p.comment !== undefined) options.comment = p.comment;
      const document = await call.deps.documents.signOffice(p.document, options, await key.digestSigner());
      return { document: encodeBase64(document) };
    },
  };
};
