// The signing module of the core: formats, the one flow (describe → confirm → login → sign), the approved key.
export { runSigning, slotOf, usableCertificate, type SigningOptions } from './flow.js';
export { approvedKey, digestSignerFor, digestSignerOver, loginForSigning, signDigestWith, throwIfAborted, type ApprovedKey, type KeyOptions, type SignDigest } from './key.js';
export { assertHashSigningAllowed, describing, type FormatKind, type FormatParams, type ItemSubject, type PlannedSign, type SignFormat } from './format.js';
export { formatCommands, signCommand } from './sign.js';
export { SIGN_FORMATS } from './formats/index.js';
export { pdfOptions, type PdfOptionParams } from './formats/pdf.js';
export { xmlOptions, type XmlOptionParams } from './formats/xml.js';
export type { SignHashResult } from './formats/hash.js';
