// Verification of CMS and XML signatures (PDF lives in ../pades): per-signature reports.
export { verifyCms, checkTimestampToken } from './cms.js';
export { verifyXml } from './xml.js';
export { checkChain } from './chain.js';
export type { SignatureReport, TimestampReport, VerifyOptions } from './report.js';
export { createDocumentVerifier, type DocumentVerifierOptions } from './document.js';
export { sniffFormat } from './sniff.js';
