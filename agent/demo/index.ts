// Public surface of agent/demo: the test/demo PKI generator and SoftHSM2 / NSS provisioning.
export { generatePki, generateDemoKey, certPublicKey, CERT_NAMES, type DemoPki, type DemoCert, type DemoKey, type DemoCertName, type DemoKeyAlgorithm } from './pki.js';
export { tokenObjectsFor, certificateFields, type TokenObject } from './token-contents.js';
export { provisionSoftHsm, findSoftHsmModule, softHsmConfText, templatesFor, p11String, SOFTHSM_MODULE_CANDIDATES, type SoftHsmTokenSpec, type ProvisionSoftHsmOptions, type ProvisionedToken } from './softhsm.js';
export { provisionNss, probeNss, nssLibraryParameters, findNssSoftokn, NSS_SOFTOKN_CANDIDATES, type ProvisionNssOptions, type ProvisionedNss } from './nss.js';
export { demoTokenInit, demoTokenConfig, demoTokenDir, DEMO_TOKEN_LABEL, DEMO_TOKEN_PIN, type DemoTokenConfig, type DemoTokenResult } from './demo-token.js';
