// The signing formats wired as the core's DocumentSigners port: CMS/CAdES, PAdES and XMLDSig.
export { createDocumentSigners } from './document-signers.js';

export { createCades, type CadesOptions } from './cms/cades.js';
export { requestTimestamp, parseTimestampToken, type TimestampToken } from './tsa/client.js';
export { createDocumentVerifier, sniffFormat, type DocumentVerifierOptions, verifyCms, verifyXml, checkChain, type SignatureReport, type TimestampReport, type VerifyOptions } from './verify/index.js';
export { verifyPdf, type PdfSignatureReport } from './pades/index.js';
export { verifyOffice } from './ooxml/index.js';

