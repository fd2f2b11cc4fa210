// The questions every signature gets, whatever its format: who signed (subject and Vietnamese identifiers), when
// (timestamp or claim), the trust path to an anchor, validity at signing and now, status from the document's own
// revocation data and from the status service now. docs/trust.md "Verification".
import { attributeValues, nameRdns, parseCertificate, statusAt } from '../../certs/index.js';
import { buildChain, certInfo, embeddedStatus, type CertInfo, type EmbeddedStatus } from '../../certs/status/index.js';
import type { CertificateStatus, StatusReport } from '../../core/status/port.js';
import type { IntegrityFacts, SignatureLevel, SignatureResult, SignerFacts, SigningTimeFacts, StatusFacts, TimestampFacts, TrustFacts } from '../../core/verify/report.js';
import { withVerdict } from '../../core/verify/verdict.js';
import type { TimestampReport } from './report.js';

export interface TrustContext {
  anchorDers: readonly Uint8Array[];
  anchors: ReadonlyMap<string, CertInfo>;
  now: Date;
  status?: CertificateStatus;
  signal?: AbortSignal;
}

export function trustContext(o: { anchors: readonly Uint8Array[]; now: Date; status?: CertificateStatus; signal?: AbortSignal }): TrustContext {
  const anchors = new Map<string, CertInfo>();
  for (const der of o.anchors) {
    const info = parse(der);
    if (info) anchors.set(info.sha256, info);
  }
  return { anchorDers: o.anchors, anchors, now: o.now, ...(o.status ? { status: o.status } : {}), ...(o.signal ? { signal: o.signal } : {}) };
}

export interface SignatureInput {
  id: string;
  kind: SignatureResult['kind'];
  /** Signer (or TSA, for a document timestamp) certificate, DER. */
  certificate: Uint8Array | undefined;
  /** Certificates the document carries (CMS certificates, KeyInfo, DSS /Certs). */
  carried: Uint8Array[];
  claimedTime: Date | undefined;
  timestamp: TimestampReport | undefined;
  integrity: IntegrityFacts;
  /** Revocation data the document carries (PDF DSS, CAdES revocation values). */
  revocation: { ocsps: Uint8Array[]; crls: Uint8Array[] };
  level: SignatureLevel | null;
  levelName: string;
}

function parse(der: Uint8Array): CertInfo | undefined {
  try {
    return certInfo(der);
  } catch {
    return undefined;
  }
}

const cn = (info: CertInfo): string => attributeValues(nameRdns(info.cert.subjectName.toArrayBuffer()), 'CN')[0] ?? info.cert.subject;
const NONE: StatusFacts = { status: 'unknown', source: 'none', at: null, revokedAt: null, revocationReason: null, detail: null };

function embeddedFacts(e: EmbeddedStatus): StatusFacts {
  return { status: e.status, source: e.source, at: e.at?.toISOString() ?? null, revokedAt: e.revokedAt?.toISOString() ?? null, revocationReason: e.reason ?? null, detail: null };
}

function serviceFacts(r: StatusReport): StatusFacts {
  return { status: r.status, source: r.source, at: r.checkedAt, revokedAt: r.revokedAt ?? null, revocationReason: r.revocationReason ?? null, detail: r.detail ?? null };
}

function signerFacts(der: Uint8Array, now: Date): SignerFacts | null {
  try {
    const c = parseCertificate(der, { certId: '', tokenId: '', hasPrivateKey: false, now });
    return {
      commonName: c.subject.commonName || null, organization: c.subject.organization ?? null, identifiers: c.identifiers,
      issuer: c.issuer.commonName || null, serialNumber: c.serialNumber, certificateSha256: c.thumbprintSha256, notBefore: c.notBefore, notAfter: c.notAfter,
    };
  } catch {
    return null;
  }
}

function timestampFacts(t: TimestampReport | undefined): TimestampFacts | null {
  if (!t) return null;
  return { time: t.valid ? t.genTime.toISOString() : null, valid: t.valid, tsa: t.tsa ?? null, trusted: t.chainValid ?? null, problem: t.problem ?? null };
}

function signingTimeFacts(claimed: Date | undefined, t: TimestampFacts | null): SigningTimeFacts {
  const claimedIso = claimed && !Number.isNaN(claimed.getTime()) ? claimed.toISOString() : null;
  // A timestamp proves the time only when it verifies and its TSA is not known to be untrusted.
  if (t?.valid && t.time && t.trusted !== false) return { time: t.time, source: 'timestamp', claimed: claimedIso, tsa: t.tsa };
  return { time: claimedIso, source: claimedIso ? 'claimed' : 'none', claimed: claimedIso, tsa: t?.tsa ?? null };
}

/** The full result of one signature: facts, then the verdict (core/verify/verdict.ts). */
export async function signatureResult(x: SignatureInput, ctx: TrustContext): Promise<SignatureResult> {
  const timestamp = timestampFacts(x.timestamp);
  const signingTime = signingTimeFacts(x.claimedTime, timestamp);
  const leaf = x.certificate ? parse(x.certificate) : undefined;
  const signer = x.certificate ? signerFacts(x.certificate, ctx.now) : null;
  const trust: TrustFacts = { anchored: false, path: [], anchor: null, problem: 'signer certificate not found' };
  let statusAtSigning = NONE;
  let statusNow: StatusFacts = { ...NONE, status: 'notChecked' };
  if (leaf) {
    const pool = x.carried.flatMap((d) => parse(d) ?? []);
    // Document certificates: no caIssuers fetch (docs/trust.md "Network behaviour"); the pool and anchors only.
    const chain = await buildChain(leaf, pool, ctx.anchors);
    trust.anchored = chain.anchored;
    trust.path = [leaf, ...chain.issuers].map(cn);
    trust.anchor = chain.anchored ? (trust.path.at(-1) ?? null) : null;
    trust.problem = chain.anchored ? null : 'the chain does not reach a trusted anchor';
    const issuer = chain.issuers[0];
    if (issuer) statusAtSigning = embeddedFacts(await embeddedStatus(leaf, issuer, x.revocation.ocsps, x.revocation.crls));
    if (ctx.status && x.kind === 'signature') {
      statusNow = serviceFacts(await ctx.status.check({ certificate: leaf.der, candidates: [...x.carried], purpose: 'document', ...(ctx.signal ? { signal: ctx.signal } : {}) }));
    }
  }
  const validity = signer
    ? {
      atSigning: signingTime.time ? statusAt(new Date(signer.notBefore), new Date(signer.notAfter), new Date(signingTime.time)) : null,
      now: statusAt(new Date(signer.notBefore), new Date(signer.notAfter), ctx.now),
    }
    : { atSigning: null, now: null };
  return withVerdict({
    id: x.id, kind: x.kind, signer, signingTime, timestamp, integrity: x.integrity, trust, validity, statusAtSigning, statusNow,
    level: x.level, levelName: x.levelName,
  });
}
