// Unit tests of certificate filtering (CONTRACT.md `filter` defaults and matching rules).
import { describe, expect, it } from 'vitest';
import type { Cert } from '../core/types.js';
import { foldText, matchesFilter } from './filter.js';

const base: Cert = {
  certId: 'c1', tokenId: 'tokA', der: '', thumbprintSha256: 'ab'.repeat(32), serialNumber: '01',
  subject: { commonName: 'NGUYỄN VĂN AN', dn: 'UID=CCCD:001099012345,CN=NGUYỄN VĂN AN,C=VN' },
  issuer: { commonName: 'VNPT Certification Authority', dn: 'CN=VNPT Certification Authority,O=Tập đoàn Bưu chính Viễn thông Việt Nam,C=VN' },
  notBefore: '2025-01-01T00:00:00.000Z', notAfter: '2027-01-01T00:00:00.000Z', status: 'valid', keyAlgorithm: 'RSA-2048',
  keyUsage: ['digitalSignature', 'nonRepudiation'], extendedKeyUsage: [], identifiers: { citizenId: '001099012345', taxCode: '0101234567' },
  hasPrivateKey: true,
};

describe('matchesFilter', () => {
  it('defaults to only valid certificates with a private key', () => {
    expect(matchesFilter(base)).toBe(true);
    expect(matchesFilter({ ...base, status: 'expired' })).toBe(false);
    expect(matchesFilter({ ...base, status: 'notYetValid' }, {})).toBe(false);
    expect(matchesFilter({ ...base, hasPrivateKey: false }, {})).toBe(false);
    expect(matchesFilter({ ...base, status: 'expired', hasPrivateKey: false }, { onlyValid: false, onlyWithPrivateKey: false })).toBe(true);
  });

  it('issuerContains is case- and diacritic-insensitive (đ included)', () => {
    expect(matchesFilter(base, { issuerContains: 'vnpt' })).toBe(true);
    expect(matchesFilter(base, { issuerContains: 'viet nam' })).toBe(true);
    expect(matchesFilter(base, { issuerContains: 'TẬP ĐOÀN' })).toBe(true);
    expect(matchesFilter(base, { issuerContains: 'tap doan' })).toBe(true);
    expect(matchesFilter(base, { issuerContains: 'Viettel' })).toBe(false);
  });

  it('keyUsage requires all listed usages', () => {
    expect(matchesFilter(base, { keyUsage: ['nonRepudiation'] })).toBe(true);
    expect(matchesFilter(base, { keyUsage: ['nonRepudiation', 'digitalSignature'] })).toBe(true);
    expect(matchesFilter(base, { keyUsage: ['nonRepudiation', 'keyEncipherment'] })).toBe(false);
    expect(matchesFilter(base, { keyUsage: [] })).toBe(true);
  });

  it('matches token, thumbprint (any case) and identifiers exactly', () => {
    expect(matchesFilter(base, { tokenId: 'tokA' })).toBe(true);
    expect(matchesFilter(base, { tokenId: 'tokB' })).toBe(false);
    expect(matchesFilter(base, { thumbprintSha256: 'AB'.repeat(32) })).toBe(true);
    expect(matchesFilter(base, { thumbprintSha256: 'cd'.repeat(32) })).toBe(false);
    expect(matchesFilter(base, { taxCode: '0101234567' })).toBe(true);
    expect(matchesFilter(base, { taxCode: '0101234568' })).toBe(false);
    expect(matchesFilter(base, { citizenId: '001099012345' })).toBe(true);
    expect(matchesFilter({ ...base, identifiers: {} }, { citizenId: '001099012345' })).toBe(false);
  });
});

describe('foldText', () => {
  it('removes Vietnamese diacritics and case', () => {
    expect(foldText('Đặng  Thị Ngọc Ánh')).toBe('dang thi ngoc anh');
  });
});
