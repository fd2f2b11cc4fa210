// The markup of an Office package signature (`_xmlsignatures/sigN.xml`) as Microsoft Office writes it: SignedInfo
// over idPackageObject (the manifest of parts + SignatureTime), idOfficeObject (SignatureInfoV1) and the XAdES
// SignedProperties (signing time, signing certificate). See docs/architecture.md (OOXML signatures).
import type { HashAlgorithm, SignScheme } from '../../core/types.js';
import { C14N_URI, DIGEST_URI, DSIG_NS, signatureMethodUri } from '../xmldsig/algorithms.js';
import { DIGSIG_NS, RELATIONSHIP_TRANSFORM, type ManifestReference } from './manifest.js';

export const SIGNATURE_ID = 'idPackageSignature';
export const XADES_NS = 'http://uri.etsi.org/01903/v1.3.2#';
export const OFFICE_DIGSIG_NS = 'http://schemas.microsoft.com/office/2006/digsig';
const C14N = C14N_URI.c14n;
const OBJECT_TYPE = 'http://www.w3.org/2000/09/xmldsig#Object';
const SIGNED_PROPERTIES_TYPE = 'http://uri.etsi.org/01903#SignedProperties';

export const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** OPC SignatureTime and XAdES SigningTime: UTC to the second, as Office writes them. */
export const utcSeconds = (d: Date): string => `${d.toISOString().slice(0, 19)}Z`;

export interface SignatureContent {
  hash: HashAlgorithm;
  manifest: ManifestReference[];
  signingTime: Date;
  comment: string;
  /** Signer certificate then intermediates, base64 DER. */
  certificates: string[];
  certDigest: string;
  issuerDn: string;
  serialDecimal: string;
}

function manifestReference(r: ManifestReference, hash: HashAlgorithm): string {
  const transforms = r.sourceIds
    ? `<Transforms><Transform Algorithm="${RELATIONSHIP_TRANSFORM}">${r.sourceIds
      .map((id) => `<mdssi:RelationshipReference xmlns:mdssi="${DIGSIG_NS}" SourceId="${esc(id)}"/>`)
      .join('')}</Transform><Transform Algorithm="${C14N}"/></Transforms>`
    : '';
  return `<Reference URI="${esc(r.uri)}">${transforms}<DigestMethod Algorithm="${DIGEST_URI[hash]}"/><DigestValue>${r.digest}</DigestValue></Reference>`;
}

/** The three Objects; their digests go into SignedInfo. */
export function signatureObjects(c: SignatureContent): string {
  const packageObject = `<Object Id="idPackageObject"><Manifest>${c.manifest.map((r) => manifestReference(r, c.hash)).join('')}</Manifest>`
    + `<SignatureProperties><SignatureProperty Id="idSignatureTime" Target="#${SIGNATURE_ID}">`
    + `<mdssi:SignatureTime xmlns:mdssi="${DIGSIG_NS}"><mdssi:Format>YYYY-MM-DDThh:mm:ssTZD</mdssi:Format><mdssi:Value>${utcSeconds(c.signingTime)}</mdssi:Value></mdssi:SignatureTime>`
    + '</SignatureProperty></SignatureProperties></Object>';
  const officeObject = `<Object Id="idOfficeObject"><SignatureProperties><SignatureProperty Id="idOfficeV1Details" Target="#${SIGNATURE_ID}">`
    + `<SignatureInfoV1 xmlns="${OFFICE_DIGSIG_NS}"><SetupID/><SignatureText/><SignatureImage/><SignatureComments>${esc(c.comment)}</SignatureComments>`
    + '<WindowsVersion>10.0</WindowsVersion><OfficeVersion>16.0</OfficeVersion><ApplicationVersion>16.0</ApplicationVersion><Monitors>1</Monitors>'
    + '<HorizontalResolution>1920</HorizontalResolution><VerticalResolution>1080</VerticalResolution><ColorDepth>32</ColorDepth>'
    + '<SignatureProviderId>{00000000-0000-0000-0000-000000000000}</SignatureProviderId><SignatureProviderUrl/><SignatureProviderDetails>9</SignatureProviderDetails>'
    + `<SignatureType>1</SignatureType><ManifestHashAlgorithm>${DIGEST_URI[c.hash]}</ManifestHashAlgorithm></SignatureInfoV1></SignatureProperty></SignatureProperties></Object>`;
  const xades = `<Object><xd:QualifyingProperties xmlns:xd="${XADES_NS}" Target="#${SIGNATURE_ID}"><xd:SignedProperties Id="idSignedProperties">`
    + `<xd:SignedSignatureProperties><xd:SigningTime>${utcSeconds(c.signingTime)}</xd:SigningTime><xd:SigningCertificate><xd:Cert>`
    + `<xd:CertDigest><DigestMethod Algorithm="${DIGEST_URI[c.hash]}"/><DigestValue>${c.certDigest}</DigestValue></xd:CertDigest>`
    + `<xd:IssuerSerial><X509IssuerName>${esc(c.issuerDn)}</X509IssuerName><X509SerialNumber>${c.serialDecimal}</X509SerialNumber></xd:IssuerSerial>`
    + '</xd:Cert></xd:SigningCertificate><xd:SignaturePolicyIdentifier><xd:SignaturePolicyImplied/></xd:SignaturePolicyIdentifier></xd:SignedSignatureProperties>'
    + '</xd:SignedProperties></xd:QualifyingProperties></Object>';
  return packageObject + officeObject + xades;
}

export interface ObjectDigests {
  packageObject: string;
  officeObject: string;
  signedProperties: string;
}

export function signedInfo(hash: HashAlgorithm, scheme: SignScheme, d: ObjectDigests): string {
  const ref = (uri: string, type: string, digest: string, transforms = ''): string =>
    `<Reference Type="${type}" URI="${uri}">${transforms}<DigestMethod Algorithm="${DIGEST_URI[hash]}"/><DigestValue>${digest}</DigestValue></Reference>`;
  return `<SignedInfo><CanonicalizationMethod Algorithm="${C14N}"/><SignatureMethod Algorithm="${signatureMethodUri(scheme, hash)}"/>`
    + ref('#idPackageObject', OBJECT_TYPE, d.packageObject)
    + ref('#idOfficeObject', OBJECT_TYPE, d.officeObject)
    + ref('#idSignedProperties', SIGNED_PROPERTIES_TYPE, d.signedProperties, `<Transforms><Transform Algorithm="${C14N}"/></Transforms>`)
    + '</SignedInfo>';
}

/** The whole part; `signedInfoXml` and `value` may be empty while digests are being computed. */
export function signatureDocument(signedInfoXml: string, value: string, certificates: string[], objects: string): string {
  const keyInfo = `<KeyInfo><X509Data>${certificates.map((c) => `<X509Certificate>${c}</X509Certificate>`).join('')}</X509Data></KeyInfo>`;
  return `<?xml version="1.0" encoding="UTF-8" standalone="no"?><Signature xmlns="${DSIG_NS}" Id="${SIGNATURE_ID}">${signedInfoXml}`
    + `<SignatureValue>${value}</SignatureValue>${keyInfo}${objects}</Signature>`;
}
