// Public surface of agent/certs: X.509 parsing into the wire's Cert, SPKI extraction, filters.
export { parseCertificate, publicKeyInfo, identifiersFromUids, statusAt, thumbprintSha256, type CertContext } from './parse.js';
export { formatDn, nameRdns, attributeValues, OID_UID, type RdnAttribute } from './dn.js';
