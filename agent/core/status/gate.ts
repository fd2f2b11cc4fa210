// Before every signature: the key is strong enough and the certificate is not revoked or suspended (docs/trust.md).
import { AgentError } from '../errors.js';
import type { Logger, TokenService } from '../ports.js';
import type { Policy } from '../policy/policy.js';
import type { Cert } from '../types.js';
import { decodeBase64 } from '../protocol/encoding.js';
import type { CertificateStatus, StatusReport } from './port.js';

/** What the confirmation dialog shows about the certificate's status when it could not be confirmed good. */
export interface StatusNotice {
  status: 'unknown';
  /** Plain-English why (the dialog shows its own Vietnamese sentence and this as a detail). */
  detail: string;
}

/** Minimum EC field size of Circular 15/2025/TT-BKHCN; RSA's minimum is policy `signing.minRsaBits`. */
export const MIN_EC_BITS = 256;

/** "RSA-2048" → {RSA, 2048}; "EC-P256" → {EC, 256}. Null when the label says nothing about size. */
export function keySize(keyAlgorithm: string): { family: 'RSA' | 'EC'; bits: number } | null {
  const rsa = /^RSA-(\d+)$/.exec(keyAlgorithm);
  if (rsa) return { family: 'RSA', bits: Number(rsa[1]) };
  const ec = /^EC-P(\d+)$/.exec(keyAlgorithm);
  if (ec) return { family: 'EC', bits: Number(ec[1]) };
  return null;
}

/** ALGORITHM_UNSUPPORTED for keys below policy/regulation minimums (refused before any dialog). */
export function assertKeyStrength(cert: Cert, policy: Policy): void {
  const size = keySize(cert.keyAlgorithm);
  if (!size) return;
  const min = size.family === 'RSA' ? policy.signing.minRsaBits : MIN_EC_BITS;
  if (size.bits < min) {
    throw new AgentError('ALGORITHM_UNSUPPORTED', 'The key is too short for a legally valid signature', {
      detail: `${size.family} key of ${size.bits} bits is below the minimum of ${min} bits`,
    });
  }
}

export interface GateDeps {
  tokens: TokenService;
  policy: Policy;
  logger: Logger;
  status?: CertificateStatus;
}

/**
 * Checks the certificate's status per policy `signing.revocationCheck`:
 * revoked or suspended → CERTIFICATE_REVOKED (always, whatever the policy says unless it is "off");
 * unknown → "require": CERTIFICATE_NOT_FOUND with the why; "warn": a notice for the confirmation dialog.
 */
export async function checkBeforeSigning(deps: GateDeps, cert: Cert, signal?: AbortSignal): Promise<StatusNotice | undefined> {
  assertKeyStrength(cert, deps.policy);
  const mode = deps.policy.signing.revocationCheck;
  if (mode === 'off') return undefined;
  if (!deps.status) {
    if (mode === 'require') throw unknownError('no certificate status service is configured');
    return { status: 'unknown', detail: 'no certificate status service is configured' };
  }
  const candidates = await deps.tokens.getChain(cert.certId);
  const report = await deps.status.check({ certificate: decodeBase64(cert.der) ?? new Uint8Array(0), candidates, purpose: 'token', signal });
  logStatus(deps.logger, cert, report);
  if (report.status === 'revoked') throw revokedError(report);
  if (report.status === 'good') return undefined;
  const detail = report.detail ?? 'the certificate status could not be checked';
  if (mode === 'require') throw unknownError(detail);
  return { status: 'unknown', detail };
}

/** CERTIFICATE_REVOKED with the time and reason of docs/protocol.md (suspension is reason certificateHold). */
export function revokedError(report: Pick<StatusReport, 'revokedAt' | 'revocationReason'>): AgentError {
  const suspended = report.revocationReason === 'certificateHold';
  const data: ConstructorParameters<typeof AgentError>[2] = {
    detail: suspended ? 'the certificate is suspended' : 'the certificate is revoked',
  };
  if (report.revokedAt) data.revokedAt = report.revokedAt;
  data.revocationReason = report.revocationReason ?? 'unspecified';
  return new AgentError('CERTIFICATE_REVOKED', suspended ? 'The certificate is suspended' : 'The certificate is revoked', data);
}

function unknownError(detail: string): AgentError {
  return new AgentError('CERTIFICATE_NOT_FOUND', 'The certificate status could not be confirmed', {
    detail: `certificate status unknown: ${detail}`,
  });
}

function logStatus(logger: Logger, cert: Cert, report: StatusReport): void {
  logger.info('status.checked', {
    thumbprint: cert.thumbprintSha256.slice(0, 16), status: report.status, source: report.source,
    fromCache: report.fromCache, reason: report.revocationReason, detail: report.detail,
  });
}
