import { describe, expect, it } from 'vitest';
import type { Cert } from '../../agent/core/types.js';
import { certKind, orderCertificates } from './picker-order.js';

const mk = (certId: string, cn: string, extra: Partial<Cert> = {}): Cert =>
  ({ certId, tokenId: 't', der: '', thumbprintSha256: certId.padEnd(64, '0'), serialNumber: '1', subject: { commonName: cn, dn: `CN=${cn}` }, issuer: { commonName: 'CA', dn: 'CN=CA' }, identifiers: { citizenId: '0' }, status: 'valid', notBefore: '2024-01-01T00:00:00Z', notAfter: '2027-01-01T00:00:00Z', keyAlgorithm: 'RSA-2048', keyUsage: [], extendedKeyUsage: [], hasPrivateKey: true, ...extra }) as Cert;

describe('orderCertificates', () => {
  const certs = [
    mk('c5', 'CÔNG TY B', { identifiers: { taxCode: '1' }, subject: { commonName: 'CÔNG TY B', organization: 'CÔNG TY B', dn: '' } }),
    mk('c1', 'TRẦN THỊ BÌNH', { status: 'expired' }),
    mk('c2', 'LÊ HOÀNG CƯỜNG'),
    mk('c4', 'CÔNG TY A', { identifiers: { taxCode: '2' }, subject: { commonName: 'CÔNG TY A', organization: 'CÔNG TY A', dn: '' } }),
    mk('c3', 'Đỗ Văn Dũng'),
    mk('c6', 'AN NGUYỄN', { hasPrivateKey: false }),
  ];

  it('groups personal before organisation, usable first, then by holder name, whatever the input order', () => {
    const want = ['c3', 'c2', 'c6', 'c1', 'c4', 'c5'];
    expect(orderCertificates(certs).map((c) => c.certId)).toEqual(want);
    expect(orderCertificates([...certs].reverse()).map((c) => c.certId)).toEqual(want);
  });

  it('tells organisation certificates from personal ones (an employee certificate is personal)', () => {
    expect(certKind(certs[0]!)).toBe('organisation');
    expect(certKind(mk('e', 'NGUYỄN AN', { subject: { commonName: 'NGUYỄN AN', organization: 'CÔNG TY A', dn: '' } }))).toBe('personal');
  });
});
