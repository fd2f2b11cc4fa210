// The ASN.1 toolbox every adapter may import: DER TLV writing, DigestInfo and hash OIDs, ECDSA raw ↔ DER.
export { concat, ctx, derSetOf, flatten, lengthBytes, node, tlv, OCTET_STRING, SEQUENCE, SET, type DerNode } from './der.js';
export { digestInfo, hashFromOid, HASH_OID } from './digest-info.js';
export { ecdsaDerToRaw, ecdsaRawToDer } from './ecdsa.js';
