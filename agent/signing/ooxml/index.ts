// OOXML (Word, Excel, PowerPoint) package signatures per ECMA-376 Part 2, as Microsoft Office writes them.
import { openOffice, type OfficeDescription, type OfficeReadOptions } from './describe.js';
export { openOffice, officeInvalid, type OfficeDescription, type OfficeKind, type OfficeReadOptions } from './describe.js';
export { signOffice, type OfficeSignOptions } from './sign.js';
export { verifyOffice } from './verify.js';
export { DEFAULT_ZIP_LIMITS, type ZipLimits } from './zip.js';

/** The DocumentSigners port's describeOffice: what the confirmation dialog shows, refusals before any dialog. */
export function describeOffice(document: Uint8Array, options: OfficeReadOptions): Promise<OfficeDescription> {
  return Promise.resolve(openOffice(document, options).description);
}
