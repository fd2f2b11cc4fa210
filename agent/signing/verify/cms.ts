// verifyCms: each SignerInfo's messageDigest, signature value, signing time, signature timestamp and chain.
import { createHash } from 'node:crypto';
import type * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { AgentError } from '../../core/errors.js';
import type { HashAlgorithm } from '../../core/types.js';
import { hashFromOid } from '../../asn1/index.js';
import { NODE_HASH } from '../algorithms.js';
import { parseTimestampToken } from '../tsa/client.js';
import { OID } from '../cms/attributes.js';
import { wrapBasicOcsp } from '../../certs/status/index.js';
import { checkChain, commonName } from './chain.js';
import { SPLIT_ABOVE, splitAttached } from './cms-split.js';
import { cmsScheme, publicKeyOf, verifyData } from './crypto.js';
import type { SignatureReport, TimestampReport, VerifyOptions } from './report.js';

const invalid = (detail: string): AgentError => new AgentError('DOCUMENT_INVALID', 'CMS không hợp lệ / Invalid CMS', { detail });

function hashOf(data: Uint8Array, hash: HashAlgorithm): Buffer {
  const h = createHash(NODE_HASH[hash]);
  const chunk = 4 << 20;
  for (let p = 0; p < data.length; p += chunk) h.update(data.subarray(p, Math.min(p + chunk, data.length)));
  return h.digest();
}

/** Raw DER of each SignerInfo's signedAttrs ([0] IMPLICIT), re-tagged as the SET that was signed. */
function rawSignedAttrs(ci: pkijs.ContentInfo): (Uint8Array | undefined)[] {
  const sd = ci.content as asn1js.Sequence;
  const infos = sd.valueBlock.value[sd.valueBlock.value.length - 1] as asn1js.Set;
  return infos.valueBlock.value.map((si) => {
    const el = (si as asn1js.Sequence).valueBlock.value.find((v) => v.idBlock.tagClass === 3 && v.idBlock.tagNumber === 0);
    if (!el) return undefined;
    const bytes = new Uint8Array(el.valueBeforeDecodeView);
    bytes[0] = 0x31;
    return bytes;
  });
}

const attr = (si: pkijs.SignerInfo, type: string, unsigned = false): pkijs.Attribute | undefined =>
  (unsigned ? si.unsignedAttrs : si.signedAttrs)?.attributes.find((a) => a.type === type);

/** The certificate a SignerInfo names (issuer + serial, or subject key identifier) among the SignedData's certificates. */
export function findCert(sd: pkijs.SignedData, si: pkijs.SignerInfo): pkijs.Certificate | undefined {
  const certs = (sd.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
  if (si.sid instanceof pkijs.IssuerAndSerialNumber) {
    const sid = si.sid;
    return certs.find((c) => c.issuer.isEqual(sid.issuer) && c.serialNumber.isEqual(sid.serialNumber));
  }
  const ski = Buffer.from((si.sid as asn1js.OctetString).valueBlock.valueHexView);
  return certs.find((c) => {
    const ext = c.extensions?.find((e) => e.extnID === '2.5.29.14');
    const v = ext?.parsedValue as asn1js.OctetString | undefined;
    return v ? Buffer.from(v.valueBlock.valueHexView).equals(ski) : false;
  });
}

/** Checks a signature timestamp token: TSA signature, imprint over `signatureValue`, TSA chain. */
export async function checkTimestampToken(token: Uint8Array, signatureValue: Uint8Array, options: VerifyOptions): Promise<TimestampReport> {
  try {
    const { signedData, tstInfo } = parseTimestampToken(token);
    const report: TimestampReport = { genTime: tstInfo.genTime, valid: false };
    const imprintHash = hashFromOid(tstInfo.messageImprint.hashAlgorithm.algorithmId);
    if (!imprintHash) return { ...report, problem: 'unknown imprint hash' };
    if (!hashOf(signatureValue, imprintHash).equals(Buffer.from(tstInfo.messageImprint.hashedMessage.valueBlock.valueHexView))) {
      return { ...report, problem: 'the timestamp is not over this signature' };
    }
    const tsaSi = signedData.signerInfos[0];
    const tsaCert = tsaSi ? findCert(signedData, tsaSi) : undefined;
    if (!tsaSi || !tsaCert) return { ...report, problem: 'the TSA certificate is missing' };
    report.tsa = commonName(tsaCert);
    const inner = await verifySignerInfo(tsaSi, tsaCert, new Uint8Array(signedData.encapContentInfo.eContent!.getValue()), rawSignedAttrs(pkijs.ContentInfo.fromBER(new Uint8Array(token)))[0]);
    if (!inner.ok) return { ...report, problem: `TSA signature: ${inner.problem}` };
    report.valid = true;
    const extra = (signedData.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate).map((c) => new Uint8Array(c.toSchema().toBER(false)));
    const chain = await checkChain(new Uint8Array(tsaCert.toSchema().toBER(false)), [...extra, ...(options.intermediates ?? [])], options.trustAnchors, tstInfo.genTime);
    if (chain) {
      report.chainValid = chain.valid;
      if (chain.problem) report.problem = `TSA chain: ${chain.problem}`;
    }
    return report;
  } catch (e) {
    return { genTime: new Date(0), valid: false, problem: e instanceof AgentError ? (e.data.detail ?? e.message) : String(e) };
  }
}

async function verifySignerInfo(si: pkijs.SignerInfo, cert: pkijs.Certificate, content: Uint8Array | undefined, signedAttrs: Uint8Array | undefined): Promise<{ ok: boolean; problem?: string }> {
  const digestHash = hashFromOid(si.digestAlgorithm.algorithmId);
  if (!digestHash) return { ok: false, problem: `unsupported digest ${si.digestAlgorithm.algorithmId}` };
  const alg = cmsScheme(si.signatureAlgorithm);
  if (!alg) return { ok: false, problem: `unsupported signature algorithm ${si.signatureAlgorithm.algorithmId}` };
  let signedBytes: Uint8Array;
  if (signedAttrs) {
    const md = attr(si, OID.messageDigest)?.values[0] as asn1js.OctetString | undefined;
    if (!md) return { ok: false, problem: 'no messageDigest attribute' };
    if (!content) return { ok: false, problem: 'detached signature: the signed content is needed' };
    if (!hashOf(content, digestHash).equals(Buffer.from(md.valueBlock.valueHexView))) return { ok: false, problem: 'the content does not match the messageDigest' };
    signedBytes = signedAttrs;
  } else {
    if (!content) return { ok: false, problem: 'detached signature: the signed content is needed' };
    signedBytes = content;
  }
  const ok = verifyData(publicKeyOf(cert), alg.scheme, alg.hash ?? digestHash, signedBytes, new Uint8Array(si.signature.valueBlock.valueHexView), { saltLength: alg.saltLength });
  return ok ? { ok } : { ok, problem: 'the signature value does not verify with the signer certificate' };
}

const OID_SIGNING_CERT = ['1.2.840.113549.1.9.16.2.12', '1.2.840.113549.1.9.16.2.47'];
const OID_CERT_VALUES = '1.2.840.113549.1.9.16.2.23';
const OID_REVOCATION_VALUES = '1.2.840.113549.1.9.16.2.24';
const OID_ARCHIVE_TS_V3 = '0.4.0.1733.2.4';

/** CAdES level hints and the validation data of CAdES-LT (certificate and revocation values, RFC 5126 §6.3). */
function describeAdes(si: pkijs.SignerInfo, report: SignatureReport): void {
  const unsigned = si.unsignedAttrs?.attributes ?? [];
  const has = (oid: string) => unsigned.some((a) => a.type === oid);
  report.ades = {
    signed: (si.signedAttrs?.attributes ?? []).some((a) => OID_SIGNING_CERT.includes(a.type)),
    timestamp: has(OID.signatureTimeStampToken),
    validationData: has(OID_REVOCATION_VALUES),
    archive: has(OID_ARCHIVE_TS_V3),
  };
  const ders = (v: asn1js.AsnType | undefined): Uint8Array[] =>
    ((v as asn1js.Sequence | undefined)?.valueBlock?.value ?? []).slice(0, 32).map((x) => new Uint8Array(x.toBER(false)));
  const certValues = unsigned.find((a) => a.type === OID_CERT_VALUES)?.values[0];
  if (certValues) report.carried = [...(report.carried ?? []), ...ders(certValues)];
  const rv = unsigned.find((a) => a.type === OID_REVOCATION_VALUES)?.values[0] as asn1js.Sequence | undefined;
  if (rv) {
    // RevocationValues ::= SEQUENCE { crlVals [0] SEQUENCE OF CertificateList, ocspVals [1] SEQUENCE OF BasicOCSPResponse, … }
    const tagged = (n: number) => (rv.valueBlock.value ?? []).find((x) => x.idBlock.tagClass === 3 && x.idBlock.tagNumber === n) as asn1js.Constructed | undefined;
    const inner = (n: number) => ders(tagged(n)?.valueBlock.value[0]);
    report.revocation = { crls: inner(0), ocsps: inner(1).map(wrapBasicOcsp) };
  }
}

/**
 * Verifies every SignerInfo of a CMS SignedData (DER). `content` is required for detached signatures.
 * Unparsable input → DOCUMENT_INVALID; a bad signature is a report with integrity false, not an error.
 */
export async function verifyCms(cms: Uint8Array, content?: Uint8Array, options: VerifyOptions = {}): Promise<SignatureReport[]> {
  // Large attached content: parse the SignedData without it and hash the content where it lies.
  if (cms.length > SPLIT_ABOVE) {
    const split = splitAttached(cms);
    if (split) return verifyCms(split.detached, split.content, options);
  }
  let ci: pkijs.ContentInfo;
  let sd: pkijs.SignedData;
  try {
    ci = pkijs.ContentInfo.fromBER(new Uint8Array(cms));
    if (ci.contentType !== OID.signedData) throw new Error(`content type ${ci.contentType}`);
    sd = new pkijs.SignedData({ schema: ci.content });
  } catch (e) {
    throw invalid(`not a CMS SignedData (${e instanceof Error ? e.message : String(e)})`);
  }
  const attached = sd.encapContentInfo.eContent ? new Uint8Array(sd.encapContentInfo.eContent.getValue()) : undefined;
  const data = attached ?? content;
  const raws = rawSignedAttrs(ci);
  const carried = (sd.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate).map((c) => new Uint8Array(c.toSchema().toBER(false)));
  const reports: SignatureReport[] = [];
  for (const [i, si] of sd.signerInfos.entries()) {
    const cert = findCert(sd, si);
    const report: SignatureReport = { format: 'cms', id: String(i), integrity: false, coversWholeDocument: false };
    const st = attr(si, OID.signingTime)?.values[0] as asn1js.UTCTime | asn1js.GeneralizedTime | undefined;
    if (st) report.signingTime = st.toDate();
    if (!cert) {
      report.problem = 'the signer certificate is not in the CMS';
      reports.push(report);
      continue;
    }
    report.signer = commonName(cert);
    report.certificate = new Uint8Array(cert.toSchema().toBER(false));
    report.carried = carried;
    describeAdes(si, report);
    const r = await verifySignerInfo(si, cert, data, raws[i]);
    report.integrity = r.ok;
    if (r.problem) report.problem = r.problem;
    report.coversWholeDocument = r.ok;
    const tsAttr = attr(si, OID.signatureTimeStampToken, true);
    if (tsAttr?.values[0]) {
      report.timestamp = await checkTimestampToken(new Uint8Array(tsAttr.values[0].toBER(false)), new Uint8Array(si.signature.valueBlock.valueHexView), options);
    }
    // The claimed signingTime is the signer's own word: only a valid timestamp moves the validation time back.
    const at = options.at ?? (report.timestamp?.valid ? report.timestamp.genTime : undefined) ?? new Date();
    const chain = await checkChain(report.certificate, [...carried, ...(options.intermediates ?? [])], options.trustAnchors, at);
    if (chain) {
      report.chainValid = chain.valid;
      if (chain.problem) report.chainProblem = chain.problem;
    }
    reports.push(report);
  }
  return reports;
}
