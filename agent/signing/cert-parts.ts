// Certificate pieces CMS and XMLDSig copy byte for byte (issuer, serial), and DER of asn1js values (OIDs).
import * as asn1js from 'asn1js';
import { AgentError } from '../core/errors.js';

/** DER of an asn1js value. */
export function encode(value: asn1js.AsnType): Uint8Array {
  return new Uint8Array(value.toBER(false));
}

/** DER of an OBJECT IDENTIFIER. */
export function oid(id: string): Uint8Array {
  return encode(new asn1js.ObjectIdentifier({ value: id }));
}

/** The byte-exact pieces of a certificate that CMS and XMLDSig copy. */
export interface CertParts {
  der: Uint8Array;
  /** Issuer Name TLV. */
  issuer: Uint8Array;
  /** Serial INTEGER TLV. */
  serial: Uint8Array;
  /** Serial as an unsigned decimal string (XMLDSig X509SerialNumber). */
  serialDecimal: string;
}

/** Extracts issuer and serial from a certificate DER without re-encoding them. */
export function certParts(der: Uint8Array): CertParts {
  const parsed = asn1js.fromBER(new Uint8Array(der));
  const cert = parsed.result as asn1js.Sequence;
  const tbs = cert.valueBlock?.value?.[0] as asn1js.Sequence | undefined;
  const fields = tbs?.valueBlock?.value;
  if (parsed.offset === -1 || !fields) throw new AgentError('DOCUMENT_INVALID', 'Bad certificate', { detail: 'the signer certificate is not X.509 DER' });
  // TBSCertificate: [0] version (optional), serialNumber, signature, issuer, …
  const hasVersion = fields[0]?.idBlock.tagClass === 3;
  const serialEl = fields[hasVersion ? 1 : 0] as asn1js.Integer;
  const issuerEl = fields[hasVersion ? 3 : 2];
  if (!serialEl || !issuerEl) throw new AgentError('DOCUMENT_INVALID', 'Bad certificate', { detail: 'the signer certificate is not X.509 DER' });
  const serialHex = Buffer.from(serialEl.valueBlock.valueHexView).toString('hex') || '00';
  return {
    der,
    issuer: new Uint8Array(issuerEl.valueBeforeDecodeView),
    serial: new Uint8Array(serialEl.valueBeforeDecodeView),
    serialDecimal: BigInt('0x' + serialHex).toString(10),
  };
}
