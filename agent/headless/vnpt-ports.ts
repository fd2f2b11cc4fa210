// What the VNPT-compatible sessions need from the rest of the agent: certificate checks over the agent's
// certificate-status service (chain to the trust anchors, OCSP, CRL), PDF verification, and the facts
// GetComputerInfo may tell.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import type { CertificateStatus, StatusReport } from '../core/status/port.js';
import type { RevocationCheck } from '../core/policy/policy.js';
import type { CertificateChecks, CertPurpose, CertVerdict, VnptPdfSignature } from '../compat/vnpt/index.js';
import { statusAt } from '../certs/index.js';
import { checkChain } from '../signing/index.js';
import { AgentError } from '../core/errors.js';
import type { DocumentVerifier } from '../core/verify/report.js';

function validityOf(der: Uint8Array, at: Date): CertVerdict {
  try {
    const cert = new x509.X509Certificate(new Uint8Array(der));
    return statusAt(cert.notBefore, cert.notAfter, at);
  } catch {
    return 'unreadable';
  }
}

export interface VnptCheckDeps {
  status: CertificateStatus;
  /** The trust anchors the status service uses (DER): shipped list, policy `trust.anchors`, the user's. */
  anchors: () => readonly Uint8Array[];
  /** Policy `signing.revocationCheck`: what ValidateCertificate does when no OCSP/CRL answer can be had. */
  revocationCheck: () => RevocationCheck;
}

/**
 * The plugin's checks on the agent's own machinery. The chain is decided against the anchors at the time asked;
 * revocation is the status service's answer now (OCSP first, then CRL; a page's URLs or CRL are never used).
 */
export function statusCertificateChecks(deps: VnptCheckDeps): CertificateChecks {
  /**
   * Chain to the anchors at `at` (pkijs over the anchor list), or — for what the list alone cannot connect, such as
   * an issuing CA found on the token or at caIssuers — the chain the status service built.
   */
  async function assess(der: Uint8Array, at: Date, purpose: CertPurpose, askStatus: boolean): Promise<{ chained: boolean; status?: StatusReport['status'] }> {
    const list = [...deps.anchors()];
    const direct = (await checkChain(der, list, list, at))?.valid === true;
    if (!askStatus && direct) return { chained: true };
    const report = await deps.status.check({ certificate: der, candidates: [], purpose });
    return { chained: direct || report.evidence?.anchored === true, status: report.status };
  }
  return {
    async validity(der, at) {
      return validityOf(der, at);
    },
    async validate(der, at, purpose) {
      const period = validityOf(der, at);
      if (period !== 'valid') return period;
      const policy = deps.revocationCheck();
      const { chained, status } = await assess(der, at, purpose, policy !== 'off');
      if (!chained) return 'untrusted';
      if (status === 'revoked') return 'revoked';
      // 'warn' (the default): an unreachable responder does not fail validation; 'require' does.
      return status === 'unknown' && policy === 'require' ? 'revocationUnknown' : 'valid';
    },
    async revocation(der, at, _source, purpose) {
      if (validityOf(der, at) === 'unreadable') return 'unreadable';
      const { chained, status } = await assess(der, at, purpose, true);
      if (!chained) return 'untrusted';
      return status === 'good' ? 'valid' : status === 'revoked' ? 'revoked' : 'revocationUnknown';
    },
  };
}

/**
 * VerifyPdf: the agent's verification report (docs/trust.md "Verification") in the shape VerifyPdf returns, plus
 * each signature's verdict, reason and level. The same service as `document.verify`; `checkOcsp` is not needed (the
 * report always asks the certificate-status service, under its network rules).
 */
export function vnptPdfVerifier(verifier: DocumentVerifier): (pdf: Uint8Array) => Promise<VnptPdfSignature[]> {
  return async (pdf) => {
    const report = await verifier.verify({ document: pdf });
    if (report.format !== 'pdf') throw new AgentError('DOCUMENT_INVALID', 'Không phải PDF / Not a PDF', { detail: 'no %PDF- header' });
    return report.signatures.filter((s) => s.kind === 'signature').map((s) => ({
      signer: s.signer?.commonName ?? null,
      signingTime: s.signingTime.time,
      valid: s.integrity.intact,
      coversWholeDocument: s.integrity.coversWholeDocument,
      trusted: s.trust.anchored,
      verdict: s.verdict,
      reason: s.reason,
      level: s.levelName,
    }));
  };
}

/** The OS family only (never a host name, user or build): GetComputerInfo tells nothing identifying. */
export function osFamily(platform: string): string {
  return platform === 'win32' ? 'Windows' : platform === 'darwin' ? 'macOS' : platform === 'linux' ? 'Linux' : 'other';
}
