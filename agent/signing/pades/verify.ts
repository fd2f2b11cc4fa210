// verifyPdf: per signature field, ByteRange digest + CMS signature check, signer, time, and whole-document coverage.
import { constants, createHash, createPublicKey, verify as cryptoVerify } from 'node:crypto';
import type * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { hashFromOid } from '../../asn1/index.js';
import { NODE_HASH } from '../algorithms.js';
import { findCert } from '../verify/cms.js';
import { asInvalid, PdfFile } from './document.js';
import { decodeTextString, PdfName, PdfString } from './pdf-objects.js';
import { signedFields } from './pages.js';

export interface PdfSignatureReport {
  fieldName: string;
  /** Common name of the signer certificate found in the CMS (undefined when it cannot be found). */
  signer: string | undefined;
  /** signingTime attribute, else the dictionary's /M. */
  signingTime: Date | undefined;
  /** The ByteRange digest matches the CMS messageDigest and the CMS signature verifies with the signer key. */
  integrity: boolean;
  /** The ByteRange reaches the end of the file (nothing was appended after this signature). */
  coversWholeDocument: boolean;
  subFilter: string | undefined;
  /** Why integrity is false (human text). */
  problem?: string;
  /** DER of the signer certificate, for chain checks by the caller. */
  certificate?: Uint8Array;
  /** Whether the CMS carries a signature timestamp (CAdES-B-T). */
  timestamped: boolean;
  /** The /ByteRange when well formed, and the DER in /Contents (for the timestamp and chain re-check). */
  byteRange?: [number, number, number, number];
  contents?: Uint8Array;
}

const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const OID_SIGNING_TIME = '1.2.840.113549.1.9.5';
const OID_TIMESTAMP = '1.2.840.113549.1.9.16.2.14';
const OID_PSS = '1.2.840.113549.1.1.10';
const OID_CN = '2.5.4.3';

/** `D:YYYYMMDDHHmmSS+hh'mm'` → Date. */
export function parsePdfDate(s: string): Date | undefined {
  const m = /^D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz+-])?(\d{2})?'?(\d{2})?/.exec(s);
  if (!m) return undefined;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', se = '00', sign, oh = '00', om = '00'] = m;
  let t = Date.UTC(+y!, +mo - 1, +d, +h, +mi, +se);
  if (sign === '+' || sign === '-') t -= (sign === '+' ? 1 : -1) * (+oh * 60 + +om) * 60_000;
  return new Date(t);
}

/** Exact DER length of the element at the start of `b` (the /Contents hex is zero-padded). */
function derLength(b: Uint8Array): number {
  if (b.length < 2) return b.length;
  const l = b[1]!;
  if (l < 0x80) return 2 + l;
  const n = l & 0x7f;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + (b[2 + i] ?? 0);
  return Math.min(b.length, 2 + n + len);
}

function commonName(cert: pkijs.Certificate): string | undefined {
  const tv = cert.subject.typesAndValues.find((t) => t.type === OID_CN);
  return tv ? String(tv.value.valueBlock.value) : undefined;
}

/** Checks one CMS over the ByteRange bytes. */
function checkCms(buf: Uint8Array, range: number[], cmsDer: Uint8Array, report: PdfSignatureReport): void {
  const ci = pkijs.ContentInfo.fromBER(new Uint8Array(cmsDer));
  const sd = new pkijs.SignedData({ schema: ci.content });
  const si = sd.signerInfos[0];
  if (!si) { report.problem = 'no SignerInfo'; return; }
  const cert = findCert(sd, si);
  if (cert) {
    report.signer = commonName(cert);
    report.certificate = new Uint8Array(cert.toSchema().toBER());
  }
  report.timestamped = !!si.unsignedAttrs?.attributes.some((a) => a.type === OID_TIMESTAMP);
  const hashAlg = hashFromOid(si.digestAlgorithm.algorithmId);
  if (!hashAlg) { report.problem = `unknown digest ${si.digestAlgorithm.algorithmId}`; return; }
  const h = createHash(NODE_HASH[hashAlg]);
  h.update(buf.subarray(range[0]!, range[0]! + range[1]!));
  h.update(buf.subarray(range[2]!, range[2]! + range[3]!));
  const digest = h.digest();
  const attrs = si.signedAttrs?.attributes ?? [];
  const md = attrs.find((a) => a.type === OID_MESSAGE_DIGEST)?.values[0] as asn1js.OctetString | undefined;
  const st = attrs.find((a) => a.type === OID_SIGNING_TIME)?.values[0] as asn1js.UTCTime | asn1js.GeneralizedTime | undefined;
  if (st) report.signingTime = st.toDate();
  if (!md || !Buffer.from(md.valueBlock.valueHexView).equals(digest)) { report.problem = 'digest mismatch'; return; }
  if (!cert) { report.problem = 'signer certificate not in the CMS'; return; }
  const key = createPublicKey({ key: Buffer.from(cert.subjectPublicKeyInfo.toSchema().toBER()), format: 'der', type: 'spki' });
  const signed = Buffer.from(si.signedAttrs!.encodedValue);
  const signature = Buffer.from(si.signature.valueBlock.valueHexView);
  let ok: boolean;
  if (si.signatureAlgorithm.algorithmId === OID_PSS) {
    const params = new pkijs.RSASSAPSSParams({ schema: si.signatureAlgorithm.algorithmParams });
    const pssHash = hashFromOid(params.hashAlgorithm.algorithmId) ?? 'SHA-1';
    ok = cryptoVerify(NODE_HASH[pssHash], signed, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: params.saltLength }, signature);
  } else {
    ok = cryptoVerify(NODE_HASH[hashAlg], signed, key, signature);
  }
  if (!ok) { report.problem = 'signature does not verify'; return; }
  report.integrity = true;
}

/** Reports every signature of a PDF. DOCUMENT_INVALID when the file cannot be read at all. */
export async function verifyPdf(pdf: Uint8Array): Promise<PdfSignatureReport[]> {
  let file: PdfFile;
  try {
    file = PdfFile.open(pdf);
  } catch (e) {
    throw asInvalid(e);
  }
  const reports: PdfSignatureReport[] = [];
  for (const f of signedFields(file)) {
    const sf = file.resolve(f.sig.get('SubFilter'));
    const report: PdfSignatureReport = {
      fieldName: f.name, signer: undefined, signingTime: undefined, integrity: false, coversWholeDocument: false,
      subFilter: sf instanceof PdfName ? sf.name : undefined, timestamped: false,
    };
    const m = file.resolve(f.sig.get('M'));
    if (m instanceof PdfString) report.signingTime = parsePdfDate(decodeTextString(m.bytes));
    reports.push(report);
    const br = file.resolve(f.sig.get('ByteRange'));
    const contents = file.resolve(f.sig.get('Contents'));
    const range = Array.isArray(br) ? br.map((x) => file.resolve(x)) : [];
    if (range.length !== 4 || !range.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0) || !(contents instanceof PdfString)) {
      report.problem = 'bad /ByteRange or /Contents';
      continue;
    }
    const [a, b, c, d] = range as [number, number, number, number];
    if (a !== 0 || c < b || c + d > pdf.length || pdf[b] !== 0x3c || pdf[c - 1] !== 0x3e) {
      report.problem = '/ByteRange does not exclude exactly /Contents';
      continue;
    }
    report.coversWholeDocument = c + d === pdf.length;
    report.byteRange = [a, b, c, d];
    report.contents = contents.bytes.subarray(0, derLength(contents.bytes));
    // A document timestamp's token is checked by its caller (its imprint is over the byte range, not a messageDigest).
    if (report.subFilter === 'ETSI.RFC3161') continue;
    try {
      checkCms(pdf, [a, b, c, d], report.contents, report);
    } catch (e) {
      report.problem = `CMS unreadable: ${(e as Error).message}`;
    }
  }
  return reports;
}
