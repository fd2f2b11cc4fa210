// The verdict per signature and per document: which check decides, in which order.
import { describe, expect, it } from 'vitest';
import { VALID_FACTS as ok } from '../testing/verify-facts.js';
import { decideDocument, decideSignature, withVerdict, type SignatureFacts } from './verdict.js';

const vary = (change: (f: SignatureFacts) => void): SignatureFacts => {
  const f = structuredClone(ok);
  change(f);
  return f;
};
const revoked = (revokedAt: string) => ({ status: 'revoked' as const, source: 'ocsp' as const, at: null, revokedAt, revocationReason: 'keyCompromise' as const, detail: null });

describe('decideSignature', () => {
  it.each<[string, (f: SignatureFacts) => void, string, string]>([
    ['valid', () => undefined, 'valid', 'OK'],
    ['modified', (f) => void (f.integrity = { ...f.integrity, intact: false, failure: 'modified' }), 'invalid', 'MODIFIED'],
    ['broken', (f) => void (f.integrity = { ...f.integrity, intact: false, failure: 'broken' }), 'invalid', 'SIGNATURE_BROKEN'],
    ['detached without content', (f) => void (f.integrity = { ...f.integrity, intact: false, failure: 'contentMissing' }), 'indeterminate', 'CONTENT_MISSING'],
    ['bad timestamp', (f) => void (f.timestamp!.valid = false), 'invalid', 'TIMESTAMP_INVALID'],
    ['revoked before signing (embedded)', (f) => void (f.statusAtSigning = revoked('2026-03-01T00:00:00Z')), 'invalid', 'REVOKED_BEFORE_SIGNING'],
    ['revoked before signing (now)', (f) => void (f.statusNow = revoked('2026-03-01T00:00:00Z')), 'invalid', 'REVOKED_BEFORE_SIGNING'],
    ['revoked after a timestamped signature', (f) => void (f.statusNow = revoked('2026-06-01T00:00:00Z')), 'valid', 'OK'],
    ['revoked later, no timestamp', (f) => { f.statusNow = revoked('2026-06-01T00:00:00Z'); f.signingTime.source = 'claimed'; }, 'indeterminate', 'REVOKED_NO_PROOF_OF_TIME'],
    ['expired at signing', (f) => void (f.validity.atSigning = 'expired'), 'invalid', 'EXPIRED_AT_SIGNING'],
    ['not yet valid at signing', (f) => void (f.validity.atSigning = 'notYetValid'), 'invalid', 'NOT_YET_VALID_AT_SIGNING'],
    ['untrusted', (f) => void (f.trust.anchored = false), 'indeterminate', 'UNTRUSTED'],
    ['expired now, timestamped', (f) => void (f.validity.now = 'expired'), 'valid', 'OK'],
    ['expired now, no timestamp', (f) => { f.validity.now = 'expired'; f.signingTime.source = 'claimed'; }, 'indeterminate', 'EXPIRED_NO_PROOF_OF_TIME'],
    ['no status anywhere', (f) => { f.statusAtSigning.status = 'unknown'; f.statusNow.status = 'notChecked'; }, 'indeterminate', 'STATUS_UNKNOWN'],
    ['status only now', (f) => void (f.statusAtSigning.status = 'unknown'), 'valid', 'OK'],
  ])('%s', (_name, change, verdict, reason) => {
    expect(decideSignature(vary(change))).toEqual({ verdict, reason });
  });

  it('integrity is asked first: a changed document with a revoked certificate is MODIFIED', () => {
    expect(decideSignature(vary((f) => { f.integrity.intact = false; f.integrity.failure = 'modified'; f.statusNow = revoked('2020-01-01T00:00:00Z'); })).reason).toBe('MODIFIED');
  });
});

describe('decideDocument', () => {
  it('noSignatures_invalid', () => expect(decideDocument([])).toEqual({ verdict: 'invalid', reason: 'NO_SIGNATURE', decidedBy: null }));
  it('invalidWins_thenIndeterminate_thenValid', () => {
    const good = withVerdict(ok);
    const unsure = withVerdict(vary((f) => { f.id = 'B'; f.trust.anchored = false; }));
    const bad = withVerdict(vary((f) => { f.id = 'C'; f.validity.atSigning = 'expired'; }));
    expect(decideDocument([good, unsure, bad])).toEqual({ verdict: 'invalid', reason: 'EXPIRED_AT_SIGNING', decidedBy: 'C' });
    expect(decideDocument([good, unsure])).toEqual({ verdict: 'indeterminate', reason: 'UNTRUSTED', decidedBy: 'B' });
    expect(decideDocument([good])).toEqual({ verdict: 'valid', reason: 'OK', decidedBy: null });
  });
});
