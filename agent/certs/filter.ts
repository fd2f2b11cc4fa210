// certificates.list / certificates.select filtering with CONTRACT.md defaults.
import type { Cert, CertFilter } from '../core/types.js';

/** Lower-case, diacritics removed (đ → d too, which NFD does not decompose), spaces collapsed. */
export function foldText(s: string): string {
  return s.normalize('NFD').replace(/\p{M}+/gu, '').replace(/[đĐ]/g, 'd').toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * True when `cert` passes every condition of `filter`. Defaults: onlyValid true, onlyWithPrivateKey true.
 * `issuerContains` matches the issuer DN (CN, O, …) case- and diacritic-insensitively ("vnpt" finds "VNPT-CA",
 * "viet nam" finds "Việt Nam"). `keyUsage` lists usages that must all be present in the certificate's keyUsage.
 */
export function matchesFilter(cert: Cert, filter: CertFilter = {}): boolean {
  if ((filter.onlyValid ?? true) && cert.status !== 'valid') return false;
  if ((filter.onlyWithPrivateKey ?? true) && !cert.hasPrivateKey) return false;
  if (filter.tokenId !== undefined && cert.tokenId !== filter.tokenId) return false;
  if (filter.thumbprintSha256 !== undefined && cert.thumbprintSha256.toLowerCase() !== filter.thumbprintSha256.toLowerCase().replace(/[^0-9a-f]/g, '')) return false;
  if (filter.issuerContains !== undefined) {
    const needle = foldText(filter.issuerContains);
    if (needle !== '' && !foldText(`${cert.issuer.dn} ${cert.issuer.commonName}`).includes(needle)) return false;
  }
  if (filter.keyUsage !== undefined && !filter.keyUsage.every((u) => cert.keyUsage.includes(u))) return false;
  if (filter.taxCode !== undefined && cert.identifiers.taxCode !== filter.taxCode.trim()) return false;
  if (filter.citizenId !== undefined && cert.identifiers.citizenId !== filter.citizenId.trim()) return false;
  return true;
}
