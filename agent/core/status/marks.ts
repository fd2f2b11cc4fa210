// The picker's status marks: which offered certificates are revoked or suspended right now, asked of the status
// service within a bounded time so a slow or dead responder never holds the list up (docs/trust.md "The picker").
import type { Logger, TokenService } from '../ports.js';
import type { Policy } from '../policy/policy.js';
import { decodeBase64 } from '../protocol/encoding.js';
import type { Cert } from '../types.js';
import type { CertificateStatus, RevocationReason } from './port.js';

/** A certificate the picker shows as not usable: revoked, or suspended (reason certificateHold). */
export interface RevocationMark {
  certId: string;
  state: 'revoked' | 'suspended';
  /** ISO time of the revocation or suspension, when the answer gave one. */
  revokedAt?: string;
  reason: RevocationReason;
}

/**
 * How long the picker waits for status answers. A warm cache answers at once; a cold one needs about one OCSP round
 * trip. Answers still on the way after this keep going and fill the cache for the signing gate, which checks again.
 */
export const PICKER_STATUS_BUDGET_MS = 1500;

export interface MarkDeps {
  tokens: TokenService;
  policy: Policy;
  logger: Logger;
  status?: CertificateStatus;
}

/** Marks for the certificates that could otherwise be chosen (valid, with a key); none when policy turns checks off. */
export async function revocationMarks(deps: MarkDeps, certificates: readonly Cert[], budgetMs = PICKER_STATUS_BUDGET_MS): Promise<RevocationMark[]> {
  const status = deps.status;
  if (!status || deps.policy.signing.revocationCheck === 'off') return [];
  const marks: RevocationMark[] = [];
  let open = true;
  const one = async (cert: Cert): Promise<void> => {
    const candidates = await deps.tokens.getChain(cert.certId).catch(() => []);
    const report = await status.check({ certificate: decodeBase64(cert.der) ?? new Uint8Array(0), candidates, purpose: 'token' });
    if (report.status !== 'revoked') return;
    const reason = report.revocationReason ?? 'unspecified';
    const mark: RevocationMark = { certId: cert.certId, state: reason === 'certificateHold' ? 'suspended' : 'revoked', reason };
    if (report.revokedAt) mark.revokedAt = report.revokedAt;
    if (open) marks.push(mark);
  };
  const checks = certificates.filter((c) => c.status === 'valid' && c.hasPrivateKey).map((c) => one(c).catch((e: unknown) => {
    deps.logger.warn('status.picker-check-failed', { certId: c.certId, detail: e instanceof Error ? e.message : String(e) });
  }));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = await Promise.race([
    Promise.all(checks).then(() => false),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), budgetMs);
    }),
  ]);
  clearTimeout(timer);
  open = false;
  if (late) deps.logger.info('status.picker-budget-exceeded', { budgetMs, certificates: checks.length, marked: marks.length });
  return [...marks];
}
