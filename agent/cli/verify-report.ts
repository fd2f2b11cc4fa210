// `kyso-agent verify` output: trust files, and the JSON shape (the report plus the per-signature summary the
// command printed before the report existed, kept for scripts).
import type { SignatureResult, VerificationReport, VerifiedFormat } from '../core/verify/report.js';

export { sniffFormat } from '../signing/verify/sniff.js';
export type VerifyFormat = VerifiedFormat;

/** One signature as `verify --json` prints it (the summary; `report` has every fact). */
export interface SignatureView {
  id: string;
  signer: string | null;
  certificateSha256: string | null;
  signingTime: string | null;
  integrity: boolean;
  problem: string | null;
  /** null: no timestamp. */
  timestamp: { time: string | null; valid: boolean; tsa: string | null; chainValid: boolean | null; problem: string | null } | null;
  /** The chain reaches a trust anchor. */
  chainValid: boolean;
  chainProblem: string | null;
  coversWholeDocument: boolean;
  /** The signature's verdict is valid. */
  ok: boolean;
}

export interface FileView {
  file: string;
  format: VerifyFormat | null;
  /** The file's verdict is valid. */
  ok: boolean;
  error: { reason: string; detail: string } | null;
  signatures: SignatureView[];
  report: VerificationReport | null;
}

/** Every certificate in a PEM bundle (or one DER certificate). */
export function readCertificates(bytes: Uint8Array): Uint8Array[] {
  const text = Buffer.from(bytes).toString('latin1');
  const blocks = [...text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)];
  if (blocks.length > 0) return blocks.map((m) => new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64')));
  if (bytes[0] === 0x30) return [bytes];
  return [];
}

/** The summary of one signature of the report. */
export function signatureView(s: SignatureResult): SignatureView {
  const t = s.timestamp;
  return {
    id: s.id,
    signer: s.signer?.commonName ?? null,
    certificateSha256: s.signer?.certificateSha256 ?? null,
    signingTime: s.signingTime.time,
    integrity: s.integrity.intact,
    problem: s.integrity.problem,
    timestamp: t ? { time: t.time, valid: t.valid, tsa: t.tsa, chainValid: t.trusted, problem: t.problem } : null,
    chainValid: s.trust.anchored,
    chainProblem: s.trust.problem,
    coversWholeDocument: s.integrity.coversWholeDocument,
    ok: s.verdict === 'valid',
  };
}
