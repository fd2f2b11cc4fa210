// X.509 → the wire's Cert (docs/protocol.md): names, validity status, key algorithm, usages, Vietnamese identifiers.
import { createHash, createPublicKey } from 'node:crypto';
// @peculiar/x509's CommonJS build (what Node resolves) needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import type { Cert, CertStatus, Identifiers } from '../core/types.js';
import { attributeValues, formatDn, nameRdns } from './dn.js';

/** What the caller knows about a certificate that the certificate itself cannot say. */
export interface CertContext {
  certId: string;
  tokenId: string;
  hasPrivateKey: boolean;
  /** The clock status is computed against. */
  now: Date;
}

const KEY_USAGE_NAMES: ReadonlyArray<[x509.KeyUsageFlags, string]> = [
  [x509.KeyUsageFlags.digitalSignature, 'digitalSignature'],
  [x509.KeyUsageFlags.nonRepudiation, 'nonRepudiation'],
  [x509.KeyUsageFlags.keyEncipherment, 'keyEncipherment'],
  [x509.KeyUsageFlags.dataEncipherment, 'dataEncipherment'],
  [x509.KeyUsageFlags.keyAgreement, 'keyAgreement'],
  [x509.KeyUsageFlags.keyCertSign, 'keyCertSign'],
  [x509.KeyUsageFlags.cRLSign, 'cRLSign'],
  [x509.KeyUsageFlags.encipherOnly, 'encipherOnly'],
  [x509.KeyUsageFlags.decipherOnly, 'decipherOnly'],
];

/** Well-known extended key usages by name; anything else is reported as its dotted OID. */
const EKU_NAMES: Record<string, string> = {
  '2.5.29.37.0': 'anyExtendedKeyUsage',
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
  '1.3.6.1.5.5.7.3.36': 'documentSigning',
  '1.3.6.1.4.1.311.10.3.12': 'msDocumentSigning',
  '1.3.6.1.4.1.311.20.2.2': 'smartcardLogon',
  '1.2.840.113583.1.1.5': 'adobeAuthenticDocumentsTrust',
};

/** UID prefix → identifier field. CMND (old 9/12-digit ID card) and CCCD (citizen ID card) are both citizenId. */
const UID_PREFIXES: Record<string, keyof Identifiers> = {
  CCCD: 'citizenId', CMND: 'citizenId', MST: 'taxCode', HC: 'passport', MNS: 'budgetCode',
};

/**
 * Identifiers from subject UID values such as `CCCD:001099012345`, `MST:0101234567`, `mst: 0101234567-001`.
 * Prefixes are case-insensitive; several UID attributes are all read; CCCD wins over CMND; the first value of a kind wins.
 */
export function identifiersFromUids(uids: readonly string[]): Identifiers {
  const out: Identifiers = {};
  let citizenFromCmnd = false;
  for (const raw of uids) {
    const m = /^\s*([A-Za-z]+)\s*[:=]\s*(\S.*?)\s*$/.exec(raw);
    if (!m) continue;
    const prefix = m[1]!.toUpperCase();
    const field = UID_PREFIXES[prefix];
    if (!field) continue;
    const value = m[2]!;
    if (field === 'citizenId') {
      if (out.citizenId === undefined || (citizenFromCmnd && prefix === 'CCCD')) {
        out.citizenId = value;
        citizenFromCmnd = prefix === 'CMND';
      }
    } else if (out[field] === undefined) {
      out[field] = value;
    }
  }
  return out;
}

/** "RSA-2048", "EC-P256", "EC-P384", "EC-P521", "Ed25519", or the key type when unknown. */
function keyAlgorithmOf(spki: Uint8Array): string {
  try {
    const key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
    const d = key.asymmetricKeyDetails ?? {};
    switch (key.asymmetricKeyType) {
      case 'rsa':
      case 'rsa-pss':
        return `RSA-${d.modulusLength ?? 0}`;
      case 'ec': {
        const curves: Record<string, string> = { prime256v1: 'P256', secp384r1: 'P384', secp521r1: 'P521', secp256k1: 'secp256k1' };
        return `EC-${curves[d.namedCurve ?? ''] ?? d.namedCurve ?? 'unknown'}`;
      }
      case 'ed25519': return 'Ed25519';
      case 'ed448': return 'Ed448';
      default: return key.asymmetricKeyType ?? 'unknown';
    }
  } catch {
    return 'unknown'; // a key Node cannot load (e.g. GOST) is still a certificate worth listing
  }
}

/** The certificate's validity relative to `now`. */
export function statusAt(notBefore: Date, notAfter: Date, now: Date): CertStatus {
  if (now.getTime() < notBefore.getTime()) return 'notYetValid';
  if (now.getTime() > notAfter.getTime()) return 'expired';
  return 'valid';
}

/**
 * Serial number as lower-case hex of its magnitude: the DER sign-padding zero byte is dropped
 * (so `00c3…` becomes `c3…`), matching what Windows and browsers display, minus case.
 */
function serialHex(serialFromLib: string): string {
  let s = serialFromLib.toLowerCase();
  while (s.length > 2 && s.startsWith('00')) s = s.slice(2);
  return s;
}

/** Parses a DER certificate. Throws (a plain Error) on bytes that are not a certificate; callers map that. */
function load(der: Uint8Array): x509.X509Certificate {
  // Copy: the library wants an ArrayBuffer-backed view, callers may hand a Buffer slice of a larger pool.
  return new x509.X509Certificate(new Uint8Array(der));
}

/** SubjectPublicKeyInfo DER of a certificate: pkcs11 pairs keys with certificates by it when CKA_ID is missing. */
export function publicKeyInfo(der: Uint8Array): Uint8Array {
  return new Uint8Array(load(der).publicKey.rawData);
}

/** Builds the wire's `Cert` from a DER certificate and what the token layer knows about it. */
export function parseCertificate(der: Uint8Array, ctx: CertContext): Cert {
  const cert = load(der);
  const subject = nameRdns(cert.subjectName.toArrayBuffer());
  const issuer = nameRdns(cert.issuerName.toArrayBuffer());
  const ku = cert.getExtension(x509.KeyUsagesExtension);
  const eku = cert.getExtension(x509.ExtendedKeyUsageExtension);
  const organization = attributeValues(subject, 'O')[0];
  const result: Cert = {
    certId: ctx.certId,
    tokenId: ctx.tokenId,
    der: Buffer.from(der).toString('base64'),
    thumbprintSha256: createHash('sha256').update(der).digest('hex'),
    serialNumber: serialHex(cert.serialNumber),
    subject: { commonName: attributeValues(subject, 'CN')[0] ?? '', dn: formatDn(subject) },
    issuer: { commonName: attributeValues(issuer, 'CN')[0] ?? '', dn: formatDn(issuer) },
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    status: statusAt(cert.notBefore, cert.notAfter, ctx.now),
    keyAlgorithm: keyAlgorithmOf(new Uint8Array(cert.publicKey.rawData)),
    keyUsage: ku ? KEY_USAGE_NAMES.filter(([flag]) => (ku.usages & flag) !== 0).map(([, name]) => name) : [],
    extendedKeyUsage: eku ? eku.usages.map((u) => EKU_NAMES[String(u)] ?? String(u)) : [],
    identifiers: identifiersFromUids(attributeValues(subject, 'UID')),
    hasPrivateKey: ctx.hasPrivateKey,
  };
  if (organization !== undefined) result.subject.organization = organization;
  return result;
}

/** Lower-case hex SHA-256 of the DER bytes (the `thumbprintSha256` of docs/protocol.md). */
export function thumbprintSha256(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}


