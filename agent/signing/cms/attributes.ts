// CMS/CAdES attributes as DER: contentType, messageDigest, signingTime, ESS signingCertificateV2, signature timestamp.
import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import { derSetOf, tlv, OCTET_STRING, SEQUENCE, SET } from '../../asn1/index.js';
import { certParts, encode, oid } from '../cert-parts.js';

export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  signatureTimeStampToken: '1.2.840.113549.1.9.16.2.14',
} as const;

/** Attribute ::= SEQUENCE { attrType OID, attrValues SET OF value }. */
export function attribute(type: string, ...values: Uint8Array[]): Uint8Array {
  return tlv(SEQUENCE, oid(type), derSetOf(values, SET));
}

export function contentTypeAttr(contentType: string): Uint8Array {
  return attribute(OID.contentType, oid(contentType));
}

export function messageDigestAttr(digest: Uint8Array): Uint8Array {
  return attribute(OID.messageDigest, tlv(OCTET_STRING, digest));
}

/** RFC 5652 §11.3: UTCTime for 1950–2049, GeneralizedTime otherwise. */
export function signingTimeAttr(time: Date): Uint8Array {
  const year = time.getUTCFullYear();
  const value = year >= 1950 && year < 2050 ? new asn1js.UTCTime({ valueDate: time }) : new asn1js.GeneralizedTime({ valueDate: time });
  return attribute(OID.signingTime, encode(value));
}

/**
 * ESS signingCertificateV2 (RFC 5035): SEQUENCE { SEQUENCE OF ESSCertIDv2 }, ESSCertIDv2 with the default hash
 * (SHA-256, so hashAlgorithm is omitted), the certificate hash and issuerSerial {GeneralNames{directoryName}, serial}.
 */
export function signingCertificateV2Attr(certDer: Uint8Array): Uint8Array {
  const parts = certParts(certDer);
  const certHash = createHash('sha256').update(certDer).digest();
  const generalNames = tlv(SEQUENCE, tlv(0xa4, parts.issuer));
  const issuerSerial = tlv(SEQUENCE, generalNames, parts.serial);
  const essCertId = tlv(SEQUENCE, tlv(OCTET_STRING, certHash), issuerSerial);
  return attribute(OID.signingCertificateV2, tlv(SEQUENCE, tlv(SEQUENCE, essCertId)));
}

/** Unsigned attribute carrying an RFC 3161 token (ContentInfo DER) over the signature value. */
export function signatureTimestampAttr(token: Uint8Array): Uint8Array {
  return attribute(OID.signatureTimeStampToken, token);
}
