// OCSP (RFC 6960): the request with a nonce (RFC 8954) and a SHA-1 or SHA-256 CertID, and a strict response check.
import { createHash, randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import type { RevocationReason } from '../../core/status/port.js';
import { certInfo, issuedBy, sameBytes, verifyTbs, type CertInfo } from './cert-info.js';

export type CertIdHash = 'SHA-1' | 'SHA-256';
const HASH_OID: Record<CertIdHash, string> = { 'SHA-1': '1.3.14.3.2.26', 'SHA-256': '2.16.840.1.101.3.4.2.1' };
const NODE_HASH: Record<CertIdHash, string> = { 'SHA-1': 'sha1', 'SHA-256': 'sha256' };
const NONCE_OID = '1.3.6.1.5.5.7.48.1.2';
const BASIC_OID = '1.3.6.1.5.5.7.48.1.1';
/** Clock skew tolerated between us and the responder. */
const SKEW_MS = 5 * 60_000;

export const REASON_NAMES: readonly RevocationReason[] = [
  'unspecified', 'keyCompromise', 'cACompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation',
  'certificateHold', 'unspecified', 'removeFromCRL', 'privilegeWithdrawn', 'aACompromise',
];

export interface OcspRequest {
  der: Uint8Array;
  nonce: Uint8Array;
  hash: CertIdHash;
}

function certIdSchema(cert: CertInfo, issuer: CertInfo, hash: CertIdHash): asn1js.Sequence {
  const h = (b: Uint8Array): Uint8Array => new Uint8Array(createHash(NODE_HASH[hash]).update(b).digest());
  return new asn1js.Sequence({
    value: [
      new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: HASH_OID[hash] }), new asn1js.Null()] }),
      new asn1js.OctetString({ valueHex: h(issuer.subjectDer) }),
      new asn1js.OctetString({ valueHex: h(issuer.publicKeyBits) }),
      new asn1js.Integer({ valueHex: Buffer.from(cert.serialHex.length % 2 ? `0${cert.serialHex}` : cert.serialHex, 'hex') }),
    ],
  });
}

/** One-certificate OCSPRequest, unsigned, with a 32-byte nonce. */
export function buildOcspRequest(cert: CertInfo, issuer: CertInfo, hash: CertIdHash): OcspRequest {
  const nonce = new Uint8Array(randomBytes(32));
  const nonceExt = new asn1js.Sequence({
    value: [new asn1js.ObjectIdentifier({ value: NONCE_OID }), new asn1js.OctetString({ valueHex: new asn1js.OctetString({ valueHex: nonce }).toBER() })],
  });
  const tbs = new asn1js.Sequence({
    value: [
      new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [certIdSchema(cert, issuer, hash)] })] }),
      new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 2 }, value: [new asn1js.Sequence({ value: [nonceExt] })] }),
    ],
  });
  return { der: new Uint8Array(new asn1js.Sequence({ value: [tbs] }).toBER()), nonce, hash };
}

export type OcspVerdict =
  | { ok: true; status: 'good' | 'revoked' | 'unknown'; producedAt: Date; thisUpdate: Date; nextUpdate?: Date; revokedAt?: Date; reason?: RevocationReason }
  | { ok: false; why: string };

const RESPONSE_STATUS = ['successful', 'malformedRequest', 'internalError', 'tryLater', '(unused)', 'sigRequired', 'unauthorized'];

type Node = asn1js.AsnType & { valueBlock: { value?: Node[]; valueHexView?: Uint8Array; valueDec?: number }; idBlock: { tagClass: number; tagNumber: number } };

function parse(bytes: Uint8Array): Node | null {
  const r = asn1js.fromBER(bytes);
  return r.offset === -1 ? null : (r.result as unknown as Node);
}
const kids = (n: Node | undefined): Node[] => n?.valueBlock.value ?? [];
const isContext = (n: Node | undefined, tag: number): boolean => n?.idBlock.tagClass === 3 && n.idBlock.tagNumber === tag;
const timeOf = (n: Node | undefined): Date | undefined => (n instanceof asn1js.GeneralizedTime ? n.toDate() : undefined);
/** The exact bytes a node was decoded from (signatures cover these, not a re-encoding). */
const rawOf = (n: Node): Uint8Array => new Uint8Array((n as unknown as { valueBeforeDecodeView: Uint8Array }).valueBeforeDecodeView);
const hexOf = (n: Node | undefined): Uint8Array => n?.valueBlock.valueHexView ?? new Uint8Array(0);

/**
 * Checks an OCSPResponse for `cert`: successful status, BasicOCSPResponse signed by the issuer or by a responder
 * certificate the issuer issued for OCSP signing, a SingleResponse for exactly our CertID, fresh times, our nonce
 * when the responder echoes one. `now` is the check time. A response embedded in a document (verification) is
 * checked with `now` null and no nonce: genuine and about this certificate, whatever its age.
 */
export async function checkOcspResponse(der: Uint8Array, request: Pick<OcspRequest, 'hash'> & { nonce?: Uint8Array }, cert: CertInfo, issuer: CertInfo, now: Date | null): Promise<OcspVerdict> {
  const top = parse(der);
  if (!top) return { ok: false, why: 'the OCSP response is not DER' };
  const [statusNode, bytesNode] = kids(top);
  const code = statusNode?.valueBlock.valueDec ?? -1;
  if (code !== 0) return { ok: false, why: `the OCSP responder answered ${RESPONSE_STATUS[code] ?? `status ${code}`}` };
  const responseBytes = kids(bytesNode)[0];
  const [typeNode, octets] = kids(responseBytes);
  if (!(typeNode instanceof asn1js.ObjectIdentifier) || typeNode.valueBlock.toString() !== BASIC_OID) return { ok: false, why: 'not a basic OCSP response' };
  const basic = parse(hexOf(octets));
  const [tbsNode, algNode, sigNode, certsNode] = kids(basic ?? undefined);
  if (!tbsNode || !algNode || !sigNode) return { ok: false, why: 'the OCSP response is incomplete' };
  const tbs = rawOf(tbsNode);
  const algOid = String((kids(algNode)[0] as unknown as asn1js.ObjectIdentifier | undefined)?.valueBlock.toString());
  const signature = hexOf(sigNode);
  const signers = await responderCandidates(certsNode, issuer);
  if (!signers.some((s) => verifyTbs(tbs, algOid, signature, s))) return { ok: false, why: 'the OCSP response signature does not verify with the issuer or its responder' };

  const fields = kids(tbsNode);
  let i = isContext(fields[0], 0) ? 1 : 0; // version
  i++; // responderID
  const producedAt = timeOf(fields[i++]);
  const responses = kids(fields[i++]);
  const extensions = isContext(fields[i], 1) ? kids(kids(fields[i])[0]) : [];
  if (!producedAt) return { ok: false, why: 'the OCSP response has no producedAt' };
  const echoed = extensions.find((e) => String((kids(e)[0] as unknown as asn1js.ObjectIdentifier).valueBlock.toString()) === NONCE_OID);
  if (echoed && request.nonce) {
    const inner = parse(hexOf(kids(echoed).at(-1)));
    if (!inner || !sameBytes(hexOf(inner), request.nonce)) return { ok: false, why: 'the OCSP response nonce does not match the request' };
  }
  const wanted = new Uint8Array(certIdSchema(cert, issuer, request.hash).toBER());
  const single = responses.find((r) => sameBytes(rawOf(kids(r)[0]!), wanted));
  if (!single) return { ok: false, why: 'the OCSP response is not about this certificate' };
  const [, statusField, thisNode, ...rest] = kids(single);
  const thisUpdate = timeOf(thisNode);
  const nextUpdate = timeOf(kids(rest.find((n) => isContext(n, 0)))[0]);
  if (!thisUpdate) return { ok: false, why: 'the OCSP response has no thisUpdate' };
  if (now && thisUpdate.getTime() > now.getTime() + SKEW_MS) return { ok: false, why: 'the OCSP response is from the future' };
  if (now && nextUpdate && nextUpdate.getTime() < now.getTime() - SKEW_MS) return { ok: false, why: 'the OCSP response is stale (nextUpdate has passed)' };
  const base = { ok: true as const, producedAt, thisUpdate, ...(nextUpdate ? { nextUpdate } : {}) };
  const tag = statusField?.idBlock.tagNumber;
  if (tag === 0) return { ...base, status: 'good' };
  if (tag === 1) {
    const info = parse(rawOf(statusField!));
    const parts = kids(info ?? undefined);
    const revokedAt = timeOf(parts[0]);
    const reasonCode = kids(parts.find((n) => isContext(n, 0)))[0]?.valueBlock.valueDec;
    const reason = reasonCode === undefined ? 'unspecified' : REASON_NAMES[reasonCode] ?? 'unspecified';
    return { ...base, status: 'revoked', reason, ...(revokedAt ? { revokedAt } : {}) };
  }
  return { ...base, status: 'unknown' };
}

/** The issuer itself, and any certificate in the response that the issuer issued with the OCSPSigning usage. */
async function responderCandidates(certsNode: Node | undefined, issuer: CertInfo): Promise<CertInfo[]> {
  const out: CertInfo[] = [issuer];
  const list = isContext(certsNode, 0) ? kids(kids(certsNode)[0]).slice(0, 4) : [];
  for (const node of list) {
    try {
      const info = certInfo(rawOf(node));
      if (info.ocspSigning && (await issuedBy(info, issuer))) out.push(info);
    } catch {
      // not a certificate: ignored, the signature check decides
    }
  }
  return out;
}
