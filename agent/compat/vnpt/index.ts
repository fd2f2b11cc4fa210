// VNPT-CA Plugin compatible protocol: existing portals that ship the plugin's page script work with kyso-agent.
export { createVnptSession, type VnptSessionOptions, type VnptPdfSignature } from './session.js';
export { FN } from './functions.js';
export { parseVnptFrame, formatVnptReply, vnptResult } from './frames.js';
export { VNPT, CERT, vnptCodeFor, vnptErrorText } from './codes.js';
export { certCode, type CertificateChecks, type CertPurpose, type CertVerdict, type RevocationSource } from './cert-checks.js';
