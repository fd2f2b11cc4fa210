// What the status service reads from certificates: URLs, names, key hashes, and signature checks over raw bytes.
import { createHash, createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import * as asn1js from 'asn1js';

/** A parsed certificate with the bits the status service needs, computed once. */
export interface CertInfo {
  der: Uint8Array;
  cert: x509.X509Certificate;
  sha256: string;
  /** Raw DER of the subject and issuer Names (for CertID and name matching). */
  subjectDer: Uint8Array;
  issuerDer: Uint8Array;
  /** The subjectPublicKey BIT STRING contents (CertID issuerKeyHash input). */
  publicKeyBits: Uint8Array;
  serialHex: string;
  ocspUrls: string[];
  caIssuerUrls: string[];
  crlUrls: string[];
  isCa: boolean;
  ocspSigning: boolean;
}

const AIA_OID = '1.3.6.1.5.5.7.1.1';
const CRLDP_OID = '2.5.29.31';

export function certInfo(der: Uint8Array): CertInfo {
  const cert = new x509.X509Certificate(new Uint8Array(der));
  const parsed = asn1js.fromBER(der);
  const tbs = (parsed.result as asn1js.Sequence).valueBlock.value[0] as asn1js.Sequence;
  const fields = tbs.valueBlock.value;
  // TBSCertificate: [0] version?, serial, signature, issuer, validity, subject, spki, …
  const o = fields[0]!.idBlock.tagClass === 3 ? 1 : 0;
  const issuerDer = new Uint8Array(fields[o + 2]!.toBER());
  const subjectDer = new Uint8Array(fields[o + 4]!.toBER());
  const spki = fields[o + 5] as asn1js.Sequence;
  const bits = spki.valueBlock.value[1] as asn1js.BitString;
  const aia = cert.getExtension<x509.AuthorityInfoAccessExtension>(AIA_OID);
  const crlDp = cert.getExtension<x509.CRLDistributionPointsExtension>(CRLDP_OID);
  const urlsOf = (names: x509.GeneralName[] | undefined): string[] => (names ?? []).filter((n) => n.type === 'url').map((n) => n.value).slice(0, 4);
  const crlUrls: string[] = [];
  for (const dp of crlDp?.distributionPoints ?? []) {
    for (const name of dp.distributionPoint?.fullName ?? []) if (name.uniformResourceIdentifier) crlUrls.push(name.uniformResourceIdentifier);
  }
  const bc = cert.getExtension(x509.BasicConstraintsExtension);
  const eku = cert.getExtension(x509.ExtendedKeyUsageExtension);
  return {
    der, cert, sha256: createHash('sha256').update(der).digest('hex'), subjectDer, issuerDer,
    publicKeyBits: new Uint8Array(bits.valueBlock.valueHexView), serialHex: cert.serialNumber.toLowerCase(),
    ocspUrls: urlsOf(aia?.ocsp), caIssuerUrls: urlsOf(aia?.caIssuers), crlUrls: crlUrls.slice(0, 4),
    isCa: bc?.ca === true, ocspSigning: (eku?.usages ?? []).map(String).includes('1.3.6.1.5.5.7.3.9'),
  };
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function publicKeyOf(info: CertInfo): KeyObject {
  return createPublicKey({ key: Buffer.from(info.cert.publicKey.rawData), format: 'der', type: 'spki' });
}

/** Signature algorithm OID → Node hash name (RSA PKCS#1 v1.5 and ECDSA; PSS is not used by Vietnamese CAs' responders). */
const SIG_HASH: Record<string, string> = {
  '1.2.840.113549.1.1.5': 'sha1', '1.2.840.113549.1.1.11': 'sha256', '1.2.840.113549.1.1.12': 'sha384', '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.1': 'sha1', '1.2.840.10045.4.3.2': 'sha256', '1.2.840.10045.4.3.3': 'sha384', '1.2.840.10045.4.3.4': 'sha512',
};

/** Checks `signature` over `tbs` with the key of `signer`. False for unknown algorithms or bad signatures. */
export function verifyTbs(tbs: Uint8Array, algorithmOid: string, signature: Uint8Array, signer: CertInfo): boolean {
  const hash = SIG_HASH[algorithmOid];
  if (!hash) return false;
  try {
    return cryptoVerify(hash, tbs, publicKeyOf(signer), signature);
  } catch {
    return false;
  }
}

/** `child` names `parent` as issuer and `parent`'s key signed it. */
export async function issuedBy(child: CertInfo, parent: CertInfo): Promise<boolean> {
  if (!sameBytes(child.issuerDer, parent.subjectDer)) return false;
  try {
    return await child.cert.verify({ publicKey: parent.cert.publicKey, signatureOnly: true });
  } catch {
    return false;
  }
}

export function isSelfIssued(info: CertInfo): boolean {
  return sameBytes(info.issuerDer, info.subjectDer);
}
