// The certificate checks of the plugin (ValidateCertificate, CheckValidTime, CheckOCSP, CheckCRL, by serial or
// base64): a small port the composition root fills (with the agent's certificate-status service: chain to the trust
// anchors, OCSP, CRL), and the mapping of its verdicts to the plugin codes.
import { CERT } from './codes.js';

/** What a check can conclude. `revocationUnknown`: no OCSP/CRL answer could be had (the plugin's code 6). */
export type CertVerdict = 'valid' | 'expired' | 'notYetValid' | 'revoked' | 'untrusted' | 'revocationUnknown' | 'unreadable' | 'issuerUnknown';

/** Where a revocation check should look. Page-supplied URLs are never fetched (docs/security.md, SSRF); a page's CRL is data. */
export type RevocationSource = { via: 'ocsp' } | { via: 'crl'; crl?: Uint8Array };

/**
 * Whose certificate: `token` — one of the user's tokens (named by serial); `document` — base64 the page handed over,
 * whose URLs may be fetched only once its chain reaches a trusted anchor (SSRF guard).
 */
export type CertPurpose = 'token' | 'document';

/** The port. Every method resolves (never rejects) for a certificate it cannot read: `unreadable`. */
export interface CertificateChecks {
  /** The validity period only, at `at` (CheckValidTime). */
  validity(der: Uint8Array, at: Date): Promise<CertVerdict>;
  /** Everything the agent's policy checks before trusting a signer (ValidateCertificate): period, chain, revocation. */
  validate(der: Uint8Array, at: Date, purpose: CertPurpose): Promise<CertVerdict>;
  /** Chain, then revocation through one source (CheckOCSP / CheckCRL). */
  revocation(der: Uint8Array, at: Date, source: RevocationSource, purpose: CertPurpose): Promise<CertVerdict>;
}

const CODE: Record<CertVerdict, number> = {
  valid: CERT.VALID,
  expired: CERT.EXPIRED,
  notYetValid: CERT.NOT_YET_VALID,
  revoked: CERT.REVOKED,
  untrusted: CERT.UNTRUSTED,
  revocationUnknown: CERT.REVOCATION_UNKNOWN,
  unreadable: CERT.CERTIFICATE_UNREADABLE,
  issuerUnknown: CERT.ISSUER_UNKNOWN,
};

export function certCode(v: CertVerdict): number {
  return CODE[v];
}

export type CheckKind = 'validate' | 'validity' | 'ocsp' | 'crl';

/**
 * Reads `HH:mm:ss dd/MM/yyyy` or `dd/MM/yyyy HH:mm:ss` (machine-local time; seconds optional, one-digit fields
 * allowed). Impossible dates (31/02, 25:00) are undefined.
 */
export function parseVnptTime(s: string): Date | undefined {
  const t = s.trim();
  const timeFirst = /^(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?\s+(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(t);
  const dateFirst = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?$/.exec(t);
  let parts: number[];
  if (timeFirst) parts = [timeFirst[6], timeFirst[5], timeFirst[4], timeFirst[1], timeFirst[2], timeFirst[3]].map((x) => Number(x ?? 0));
  else if (dateFirst) parts = [dateFirst[3], dateFirst[2], dateFirst[1], dateFirst[4], dateFirst[5], dateFirst[6]].map((x) => Number(x ?? 0));
  else return undefined;
  const [y, mo, d, h, mi, se] = parts as [number, number, number, number, number, number];
  const date = new Date(y, mo - 1, d, h, mi, se);
  // Rejects 31/02 and 25:00, which Date would silently roll over.
  if (date.getFullYear() !== y || date.getMonth() !== mo - 1 || date.getDate() !== d || date.getHours() !== h || date.getMinutes() !== mi) return undefined;
  return date;
}

/** `timeCheck` as the portals send it ("dd/MM/yyyy HH:mm:ss", "HH:mm:ss dd/MM/yyyy", ISO), empty → now. */
export function checkTime(text: string | undefined, now: Date): Date | null {
  if (!text || text.trim() === '' || text === 'null' || text === 'undefined') return now;
  const vn = parseVnptTime(text);
  if (vn) return vn;
  const iso = /^\d{4}-\d{2}-\d{2}/.test(text) ? new Date(text) : null;
  return iso && Number.isFinite(iso.getTime()) ? iso : null;
}

/**
 * Runs one check and answers the plugin's bare number as text. `der` null: the serial matched no certificate of
 * the tokens, or the base64 was not a certificate (code 8, as the plugin answers it).
 */
export async function runCheck(checks: CertificateChecks, kind: CheckKind, der: Uint8Array | null, at: Date | null, purpose: CertPurpose, crl?: Uint8Array): Promise<string> {
  if (der === null) return String(CERT.CERTIFICATE_UNREADABLE);
  if (at === null) return String(CERT.ERROR);
  try {
    const verdict = kind === 'validity' ? await checks.validity(der, at)
      : kind === 'validate' ? await checks.validate(der, at, purpose)
        : await checks.revocation(der, at, kind === 'ocsp' ? { via: 'ocsp' } : crl ? { via: 'crl', crl } : { via: 'crl' }, purpose);
    return String(certCode(verdict));
  } catch {
    return String(CERT.ERROR);
  }
}
