// One verdict per signature and per document from the facts (docs/trust.md "Verification"): the order of the checks
// is the order in which a person would ask — is it intact, was the certificate usable when it signed, do we trust it.
import type { SignatureResult, Verdict, VerdictReason, VerificationReport } from './report.js';

export type SignatureFacts = Omit<SignatureResult, 'verdict' | 'reason'>;

const before = (a: string | null, b: string | null): boolean => a !== null && b !== null && Date.parse(a) <= Date.parse(b);

/** The verdict of one signature. */
export function decideSignature(f: SignatureFacts): { verdict: Verdict; reason: VerdictReason } {
  const no = (reason: VerdictReason) => ({ verdict: 'invalid' as const, reason });
  const unsure = (reason: VerdictReason) => ({ verdict: 'indeterminate' as const, reason });
  if (!f.integrity.intact) {
    if (f.integrity.failure === 'contentMissing') return unsure('CONTENT_MISSING');
    return f.integrity.failure === 'modified' ? no('MODIFIED') : no('SIGNATURE_BROKEN');
  }
  if (f.timestamp && !f.timestamp.valid) return no('TIMESTAMP_INVALID');
  const signedAt = f.signingTime.time;
  const proven = f.signingTime.source === 'timestamp';
  // Revoked before it signed — from the embedded data or from today's answer, whichever knows.
  for (const s of [f.statusAtSigning, f.statusNow]) {
    if (s.status === 'revoked' && (s.revokedAt === null || before(s.revokedAt, signedAt))) return no('REVOKED_BEFORE_SIGNING');
  }
  if (f.validity.atSigning === 'expired') return no('EXPIRED_AT_SIGNING');
  if (f.validity.atSigning === 'notYetValid') return no('NOT_YET_VALID_AT_SIGNING');
  if (f.kind === 'signature' && !f.trust.anchored) return unsure('UNTRUSTED');
  if (f.kind === 'documentTimestamp') return { verdict: 'valid', reason: 'OK' };
  // Revoked (or expired) later: fine only when a timestamp proves the signature existed before.
  if (!proven && (f.statusNow.status === 'revoked' || f.statusAtSigning.status === 'revoked')) return unsure('REVOKED_NO_PROOF_OF_TIME');
  if (!proven && f.validity.now === 'expired') return unsure('EXPIRED_NO_PROOF_OF_TIME');
  const known = (s: SignatureFacts['statusNow']) => s.status === 'good' || s.status === 'revoked';
  if (!known(f.statusAtSigning) && !known(f.statusNow)) return unsure('STATUS_UNKNOWN');
  return { verdict: 'valid', reason: 'OK' };
}

/** The document's verdict: invalid if any signature is, else indeterminate if any is, else valid. */
export function decideDocument(signatures: SignatureResult[]): Pick<VerificationReport, 'verdict' | 'reason' | 'decidedBy'> {
  if (signatures.length === 0) return { verdict: 'invalid', reason: 'NO_SIGNATURE', decidedBy: null };
  for (const level of ['invalid', 'indeterminate'] as const) {
    const s = signatures.find((x) => x.verdict === level);
    if (s) return { verdict: level, reason: s.reason, decidedBy: s.id };
  }
  return { verdict: 'valid', reason: 'OK', decidedBy: null };
}

/** Adds the verdict to the facts. */
export function withVerdict(f: SignatureFacts): SignatureResult {
  return { ...f, ...decideSignature(f) };
}
