// Unit tests of X.509 → Cert with certificates made here (@peculiar/x509 over WebCrypto).
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { beforeAll, describe, expect, it } from 'vitest';
import { identifiersFromUids, parseCertificate, publicKeyInfo, statusAt } from './parse.js';
import { formatDn, nameRdns } from './dn.js';

const crypto = webcrypto as unknown as Crypto;
x509.cryptoProvider.set(crypto);
const UID = '0.9.2342.19200300.100.1.1';
const u8 = (v: string): { utf8String: string } => ({ utf8String: v });
const ctx = { certId: 'c1', tokenId: 't1', hasPrivateKey: true, now: new Date('2025-06-01T00:00:00Z') };

let issuerKeys: CryptoKeyPair;
const ISSUER = new x509.Name([{ C: [{ printableString: 'VN' }] }, { O: [u8('Tập đoàn Bưu chính Viễn thông Việt Nam')] }, { CN: [u8('VNPT Certification Authority')] }]);

async function makeCert(opts: {
  subject: x509.JsonNameParams;
  key?: 'P-256' | 'P-384' | 'RSA-2048';
  serial?: string;
  from?: string;
  to?: string;
  extensions?: x509.Extension[];
}): Promise<Uint8Array> {
  const alg = opts.key === 'RSA-2048'
    ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) }
    : { name: 'ECDSA', namedCurve: opts.key ?? 'P-256' };
  const keys = await crypto.subtle.generateKey(alg, true, ['sign', 'verify']) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: opts.serial ?? '0a0b0c', subject: new x509.Name(opts.subject), issuer: ISSUER,
    notBefore: new Date(opts.from ?? '2025-01-01T00:00:00Z'), notAfter: new Date(opts.to ?? '2027-01-01T00:00:00Z'),
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams, publicKey: keys.publicKey, signingKey: issuerKeys.privateKey,
    extensions: opts.extensions ?? [],
  });
  return new Uint8Array(cert.rawData);
}

beforeAll(async () => {
  issuerKeys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']) as CryptoKeyPair;
});

describe('parseCertificate', () => {
  it('parseCertificate_citizenCertificate_givesVietnameseNamesIdentifiersAndUsages', async () => {
    const der = await makeCert({
      subject: [{ C: [{ printableString: 'VN' }] }, { ST: [u8('Hà Nội')] }, { CN: [u8('NGUYỄN VĂN AN')] }, { [UID]: [u8('CCCD:001099012345')] }],
      key: 'RSA-2048',
      extensions: [
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation, true),
        new x509.ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.2', '1.3.6.1.5.5.7.3.4', '1.2.3.4.5']),
      ],
    });
    const cert = parseCertificate(der, ctx);
    expect(cert.subject).toEqual({ commonName: 'NGUYỄN VĂN AN', dn: 'UID=CCCD:001099012345,CN=NGUYỄN VĂN AN,ST=Hà Nội,C=VN' });
    expect(cert.issuer).toEqual({ commonName: 'VNPT Certification Authority', dn: 'CN=VNPT Certification Authority,O=Tập đoàn Bưu chính Viễn thông Việt Nam,C=VN' });
    expect(cert.identifiers).toEqual({ citizenId: '001099012345' });
    expect(cert.keyAlgorithm).toBe('RSA-2048');
    expect(cert.keyUsage).toEqual(['digitalSignature', 'nonRepudiation']);
    expect(cert.extendedKeyUsage).toEqual(['clientAuth', 'emailProtection', '1.2.3.4.5']);
    expect(cert.status).toBe('valid');
    expect(cert.notBefore).toBe('2025-01-01T00:00:00.000Z');
    expect(cert.notAfter).toBe('2027-01-01T00:00:00.000Z');
    expect(cert.thumbprintSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(cert.der).toBe(Buffer.from(der).toString('base64'));
    expect(cert).toMatchObject({ certId: 'c1', tokenId: 't1', hasPrivateKey: true });
    expect('organization' in cert.subject).toBe(false);
  });

  it('parseCertificate_companyWithSeveralUids_readsAllAndOrganization', async () => {
    const der = await makeCert({
      subject: [{ C: [{ printableString: 'VN' }] }, { O: [u8('CÔNG TY TNHH KYSO DEMO')] }, { CN: [u8('CÔNG TY TNHH KYSO DEMO')] },
        { [UID]: [u8('mst:0101234567-001')] }, { [UID]: [u8('MNS: 1234567')] }],
      key: 'P-384',
    });
    const cert = parseCertificate(der, { ...ctx, hasPrivateKey: false });
    expect(cert.subject.organization).toBe('CÔNG TY TNHH KYSO DEMO');
    expect(cert.identifiers).toEqual({ taxCode: '0101234567-001', budgetCode: '1234567' });
    expect(cert.keyAlgorithm).toBe('EC-P384');
    expect(cert.keyUsage).toEqual([]);
    expect(cert.extendedKeyUsage).toEqual([]);
    expect(cert.hasPrivateKey).toBe(false);
  });

  it('parseCertificate_statusAgainstNow_expiredAndNotYetValid', async () => {
    const der = await makeCert({ subject: [{ CN: [u8('A')] }], from: '2025-01-01T00:00:00Z', to: '2025-03-01T00:00:00Z' });
    expect(parseCertificate(der, ctx).status).toBe('expired');
    expect(parseCertificate(der, { ...ctx, now: new Date('2024-12-31T23:59:59Z') }).status).toBe('notYetValid');
    expect(parseCertificate(der, { ...ctx, now: new Date('2025-02-01T00:00:00Z') }).status).toBe('valid');
  });

  it('parseCertificate_serialWithSignPadding_dropsLeadingZero', async () => {
    const der = await makeCert({ subject: [{ CN: [u8('A')] }], serial: '00c3aabb' });
    expect(parseCertificate(der, ctx).serialNumber).toBe('c3aabb');
    const der2 = await makeCert({ subject: [{ CN: [u8('A')] }], serial: '7F01' });
    expect(parseCertificate(der2, ctx).serialNumber).toBe('7f01');
  });

  it('parseCertificate_garbage_throws', () => {
    expect(() => parseCertificate(new Uint8Array([1, 2, 3]), ctx)).toThrow();
  });

  it('publicKeyInfo_returnsSpkiDer', async () => {
    const der = await makeCert({ subject: [{ CN: [u8('A')] }] });
    const spki = publicKeyInfo(der);
    const key = await crypto.subtle.importKey('spki', new Uint8Array(spki), { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']);
    expect(key.type).toBe('public');
    expect(spki[0]).toBe(0x30);
  });
});

describe('identifiersFromUids', () => {
  it('maps every prefix, case-insensitively, CCCD winning over CMND', () => {
    expect(identifiersFromUids(['CMND:012345678', 'CCCD:001099012345'])).toEqual({ citizenId: '001099012345' });
    expect(identifiersFromUids(['CCCD:001099012345', 'CMND:012345678'])).toEqual({ citizenId: '001099012345' });
    expect(identifiersFromUids(['hc:B1234567', 'Mst = 0101234567', 'MNS:7654321'])).toEqual({ passport: 'B1234567', taxCode: '0101234567', budgetCode: '7654321' });
    expect(identifiersFromUids(['0101234567', 'XYZ:1', 'MST:'])).toEqual({});
  });
});

describe('formatDn', () => {
  it('escapes RFC 4514 specials and joins multi-valued RDNs with +', () => {
    const name = new x509.Name([{ C: [{ printableString: 'VN' }] }, { O: [u8('A, B + "C"')] }, { CN: [u8(' lead')], [UID]: [u8('CCCD:1')] }]);
    expect(formatDn(nameRdns(name.toArrayBuffer()))).toBe('CN=\\ lead+UID=CCCD:1,O=A\\, B \\+ \\"C\\",C=VN');
  });
});

describe('statusAt', () => {
  it('is inclusive at both ends', () => {
    const a = new Date('2025-01-01T00:00:00Z');
    const b = new Date('2025-02-01T00:00:00Z');
    expect(statusAt(a, b, a)).toBe('valid');
    expect(statusAt(a, b, b)).toBe('valid');
    expect(statusAt(a, b, new Date(b.getTime() + 1))).toBe('expired');
  });
});
