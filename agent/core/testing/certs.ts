// Plausible wire `Cert` and `Token` objects for tests (no real X.509 behind them).
import type { Cert, Token } from '../types.js';

let counter = 0;

/** A valid RSA-2048 signing certificate with a private key, overridable field by field. */
export function makeCert(overrides: Partial<Cert> = {}): Cert {
  counter++;
  const n = counter.toString(16).padStart(2, '0');
  return {
    certId: `cert-${counter}`,
    tokenId: 'token-1',
    der: 'MIIB',
    thumbprintSha256: n.repeat(32).slice(0, 64),
    serialNumber: `0${n}`,
    subject: { commonName: `Nguyễn Văn A ${counter}`, organization: 'Công ty TNHH Ví Dụ', dn: `CN=Nguyễn Văn A ${counter},O=Công ty TNHH Ví Dụ,C=VN` },
    issuer: { commonName: 'KYSO TEST CA', dn: 'CN=KYSO TEST CA,O=Kyso,C=VN' },
    notBefore: '2025-01-01T00:00:00Z',
    notAfter: '2030-01-01T00:00:00Z',
    status: 'valid',
    keyAlgorithm: 'RSA-2048',
    keyUsage: ['digitalSignature', 'nonRepudiation'],
    extendedKeyUsage: [],
    identifiers: { taxCode: '0101234567', citizenId: '001080000001' },
    hasPrivateKey: true,
    ...overrides,
  };
}

export function makeToken(overrides: Partial<Token> = {}): Token {
  return {
    tokenId: 'token-1',
    label: 'KYSO DEMO',
    manufacturer: 'Kyso',
    model: 'Fake',
    serialNumber: '0001',
    moduleName: 'fake',
    pinpad: false,
    pinStatus: 'ok',
    ...overrides,
  };
}
