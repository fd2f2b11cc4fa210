import { describe, expect, it } from 'vitest';
import { filterCertificates, matchesFilter } from './certs-filter.js';
import { makeCert } from './testing/certs.js';

describe('matchesFilter', () => {
  const good = makeCert({ thumbprintSha256: 'AB'.repeat(32), identifiers: { taxCode: '0101234567-001', citizenId: '001080000001' } });
  const expired = makeCert({ status: 'expired' });
  const noKey = makeCert({ hasPrivateKey: false });
  it('defaults_hideInvalidAndKeyless', () => {
    expect(filterCertificates([good, expired, noKey])).toEqual([good]);
    expect(filterCertificates([good, expired, noKey], { onlyValid: false, onlyWithPrivateKey: false })).toHaveLength(3);
  });
  it('conditions_areCombined', () => {
    expect(matchesFilter(good, { thumbprintSha256: 'ab'.repeat(32) })).toBe(true);
    expect(matchesFilter(good, { issuerContains: 'kyso test' })).toBe(true);
    expect(matchesFilter(good, { issuerContains: 'viettel' })).toBe(false);
    expect(matchesFilter({ ...good, issuer: { commonName: 'Cục Chứng thực số và Bảo mật thông tin', dn: 'CN=Cục Chứng thực số và Bảo mật thông tin,O=Ban Cơ yếu Chính phủ,C=VN' } }, { issuerContains: 'ban co yeu  chinh phu' })).toBe(true);
    expect(matchesFilter({ ...good, issuer: { commonName: 'ĐẠI HỌC', dn: 'CN=ĐẠI HỌC' } }, { issuerContains: 'dai hoc' })).toBe(true);
    expect(matchesFilter(good, { keyUsage: ['nonRepudiation'] })).toBe(true);
    expect(matchesFilter(good, { keyUsage: ['nonRepudiation', 'keyEncipherment'] })).toBe(false);
    expect(matchesFilter(good, { taxCode: '0101234567-001' })).toBe(true);
    expect(matchesFilter(good, { taxCode: '0101234567' })).toBe(false);
    expect(matchesFilter(good, { citizenId: '001080000001', tokenId: 'token-1' })).toBe(true);
    expect(matchesFilter(good, { tokenId: 'token-2' })).toBe(false);
  });
});
