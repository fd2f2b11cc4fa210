// What the VNPT-compatible sessions need from the rest of the agent: certificate checks, PDF verification, and the
// facts GetComputerInfo may tell. The checks are the interim implementation (validity period + chain to the
// configured anchors, revocation "unknown") until the agent's certificate-status service provides OCSP/CRL.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import type { Logger } from '../core/index.js';
import type { CertificateChecks, CertVerdict, VnptPdfSignature } from '../compat/vnpt/index.js';
import { statusAt } from '../certs/index.js';
import { checkChain, verifyPdf } from '../signing/index.js';

function validityOf(der: Uint8Array, at: Date): CertVerdict {
  try {
    const cert = new x509.X509Certificate(new Uint8Array(der));
    return statusAt(cert.notBefore, cert.notAfter, at);
  } catch {
    return 'unreadable';
  }
}

/**
 * `anchors`: trusted root/issuing CA certificates (DER); they also serve as intermediates. With no anchors the
 * chain cannot be decided: ValidateCertificate then rests on the validity period alone (docs/vnpt-compat.md).
 */
export function interimCertificateChecks(anchors: () => Uint8Array[], logger: Logger): CertificateChecks {
  async function chain(der: Uint8Array, at: Date): Promise<'trusted' | 'untrusted' | 'undecided'> {
    const list = anchors();
    const r = await checkChain(der, list, list, at);
    if (r === undefined) return 'undecided';
    if (!r.valid) logger.info('vnpt.chain-untrusted', { problem: r.problem ?? '' });
    return r.valid ? 'trusted' : 'untrusted';
  }
  return {
    async validity(der, at) {
      return validityOf(der, at);
    },
    async validate(der, at) {
      const period = validityOf(der, at);
      if (period !== 'valid') return period;
      // Revocation cannot be asked yet: like a plugin whose OCSP server is unreachable, it does not fail validation.
      return (await chain(der, at)) === 'untrusted' ? 'untrusted' : 'valid';
    },
    async revocation(der, at) {
      if (validityOf(der, at) === 'unreadable') return 'unreadable';
      return (await chain(der, at)) === 'untrusted' ? 'untrusted' : 'revocationUnknown';
    },
  };
}

/** VerifyPdf: every signature's integrity and coverage, and its chain to the anchors at its signing time. */
export function vnptPdfVerifier(anchors: () => Uint8Array[]): (pdf: Uint8Array) => Promise<VnptPdfSignature[]> {
  return async (pdf) => {
    const reports = await verifyPdf(pdf);
    const list = anchors();
    const out: VnptPdfSignature[] = [];
    for (const r of reports) {
      const chain = r.certificate ? await checkChain(r.certificate, list, list, r.signingTime ?? new Date()) : undefined;
      out.push({
        signer: r.signer ?? null,
        signingTime: r.signingTime?.toISOString() ?? null,
        valid: r.integrity,
        coversWholeDocument: r.coversWholeDocument,
        trusted: chain === undefined ? null : chain.valid,
      });
    }
    return out;
  };
}

/** The OS family only (never a host name, user or build): GetComputerInfo tells nothing identifying. */
export function osFamily(platform: string): string {
  return platform === 'win32' ? 'Windows' : platform === 'darwin' ? 'macOS' : platform === 'linux' ? 'Linux' : 'other';
}
