// The certificate filter of docs/protocol.md (`filter` of certificates.list/select), as pure protocol logic.
import type { Cert, CertFilter } from './types.js';

const lower = (s: string) => s.toLocaleLowerCase('en-US');

/** Case-, space- and diacritic-insensitive form: "vnpt" finds "VNPT-CA", "viet nam" finds "Việt Nam", "đ" is "d". */
export function foldText(s: string): string {
  return s.normalize('NFD').replace(/\p{M}+/gu, '').replace(/[đĐ]/g, 'd').toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * True when `cert` passes every condition of `filter`. Defaults: onlyValid true, onlyWithPrivateKey true.
 * issuerContains is case- and diacritic-insensitive over the issuer DN and CN; keyUsage requires every listed
 * usage (case-insensitive); taxCode/citizenId are exact.
 */
export function matchesFilter(cert: Cert, filter: CertFilter = {}): boolean {
  if ((filter.onlyValid ?? true) && cert.status !== 'valid') return false;
  if ((filter.onlyWithPrivateKey ?? true) && !cert.hasPrivateKey) return false;
  if (filter.tokenId !== undefined && cert.tokenId !== filter.tokenId) return false;
  if (filter.thumbprintSha256 !== undefined && lower(cert.thumbprintSha256) !== lower(filter.thumbprintSha256)) return false;
  if (filter.issuerContains !== undefined) {
    const needle = foldText(filter.issuerContains);
    if (needle !== '' && !foldText(`${cert.issuer.dn} ${cert.issuer.commonName}`).includes(needle)) return false;
  }
  if (filter.keyUsage !== undefined) {
    const have = new Set(cert.keyUsage.map(lower));
    if (!filter.keyUsage.every((u) => have.has(lower(u)))) return false;
  }
  if (filter.taxCode !== undefined && cert.identifiers.taxCode !== filter.taxCode.trim()) return false;
  if (filter.citizenId !== undefined && cert.identifiers.citizenId !== filter.citizenId.trim()) return false;
  return true;
}

export function filterCertificates(certs: readonly Cert[], filter: CertFilter = {}): Cert[] {
  return certs.filter((c) => matchesFilter(c, filter));
}
