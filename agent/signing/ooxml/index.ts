// OOXML (Word, Excel, PowerPoint) package signatures per ECMA-376 Part 2, as Microsoft Office writes them.
export { openOffice, officeInvalid, type OfficeDescription, type OfficeKind, type OfficeReadOptions } from './describe.js';
export { signOffice, type OfficeSignOptions } from './sign.js';
export { verifyOffice } from './verify.js';
export { DEFAULT_ZIP_LIMITS, type ZipLimits } from './zip.js';
