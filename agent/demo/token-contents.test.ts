// Unit tests of the token templates and raw certificate fields used to provision SoftHSM2.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import pkcs11js from 'pkcs11js';
import { describe, expect, it } from 'vitest';
import { certificateFields, tokenObjectsFor } from './token-contents.js';
import { generateDemoKey } from './pki.js';
import { templatesFor } from './softhsm.js';

const crypto = webcrypto as unknown as Crypto;
x509.cryptoProvider.set(crypto);

async function selfSigned(serial: string): Promise<{ der: Uint8Array; key: Awaited<ReturnType<typeof generateDemoKey>> }> {
  const key = await generateDemoKey('EC-P256');
  const alg = { name: 'ECDSA', namedCurve: 'P-256' };
  const priv = await crypto.subtle.importKey('pkcs8', key.privateKey.export({ format: 'der', type: 'pkcs8' }), alg, false, ['sign']);
  const pub = await crypto.subtle.importKey('spki', new Uint8Array(key.spki), alg, true, ['verify']);
  const name = new x509.Name([{ C: [{ printableString: 'VN' }] }, { CN: [{ utf8String: 'TRẦN THỊ BÌNH' }] }]);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial, subject: name, issuer: name, publicKey: pub, signingKey: priv,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams,
  });
  return { der: new Uint8Array(cert.rawData), key };
}

const attr = (t: pkcs11js.Template, type: number): pkcs11js.Attribute['value'] => t.find((a) => a.type === type)?.value;

describe('certificateFields', () => {
  it('returns the exact DER of serial INTEGER, issuer and subject', async () => {
    const { der } = await selfSigned('00c1d2');
    const cert = new x509.X509Certificate(new Uint8Array(der));
    const f = certificateFields(der);
    expect(Buffer.from(f.serialDer).toString('hex')).toBe('020300c1d2');
    expect(Buffer.from(f.subject).equals(Buffer.from(cert.subjectName.toArrayBuffer()))).toBe(true);
    expect(Buffer.from(f.issuer).equals(Buffer.from(cert.issuerName.toArrayBuffer()))).toBe(true);
  });

  it('rejects truncated input', () => {
    expect(() => certificateFields(new Uint8Array([0x30, 0x82, 0x01]))).toThrow();
  });
});

describe('generateDemoKey', () => {
  it('keyId is the RFC 5280 method-1 key identifier (same as @peculiar/x509 computes)', async () => {
    for (const alg of ['EC-P256', 'RSA-2048'] as const) {
      const key = await generateDemoKey(alg);
      const ski = await x509.SubjectKeyIdentifierExtension.create(new x509.PublicKey(new Uint8Array(key.spki)));
      expect(Buffer.from(key.keyId).toString('hex')).toBe(ski.keyId);
    }
  });
});

describe('templatesFor', () => {
  it('builds private key, public key and certificate templates sharing CKA_ID and label', async () => {
    const { der, key } = await selfSigned('01');
    const [priv, pub, cert] = templatesFor({ label: 'ecPerson', id: key.keyId, key, certDer: der });
    expect(attr(priv!, pkcs11js.CKA_CLASS)).toBe(pkcs11js.CKO_PRIVATE_KEY);
    expect(attr(priv!, pkcs11js.CKA_SENSITIVE)).toBe(true);
    expect(attr(priv!, pkcs11js.CKA_EXTRACTABLE)).toBe(false);
    expect(attr(priv!, pkcs11js.CKA_SIGN)).toBe(true);
    expect((attr(priv!, pkcs11js.CKA_VALUE) as Buffer).length).toBe(32);
    const point = attr(pub!, pkcs11js.CKA_EC_POINT) as Buffer;
    expect(point.subarray(0, 3).toString('hex')).toBe('044104');
    expect(attr(cert!, pkcs11js.CKA_CLASS)).toBe(pkcs11js.CKO_CERTIFICATE);
    expect(attr(cert!, pkcs11js.CKA_CERTIFICATE_CATEGORY)).toBe(1);
    for (const t of [priv!, pub!, cert!]) {
      expect(attr(t, pkcs11js.CKA_LABEL)).toBe('ecPerson');
      expect((attr(t, pkcs11js.CKA_ID) as Buffer).equals(Buffer.from(key.keyId))).toBe(true);
    }
  });

  it('certificate-only, authority and key-only entries', async () => {
    const { der, key } = await selfSigned('02');
    const ca = templatesFor({ label: 'CA', certDer: der, authority: true });
    expect(ca).toHaveLength(1);
    expect(attr(ca[0]!, pkcs11js.CKA_CERTIFICATE_CATEGORY)).toBe(2);
    expect(attr(ca[0]!, pkcs11js.CKA_ID)).toBeUndefined();
    expect(templatesFor({ label: 'k', key, publicKey: false })).toHaveLength(1);
    const objs = tokenObjectsFor({ ca: { der, key }, certs: { a: { der, key, keyMissing: true } }, keyOnly: { key, label: 'keyOnly' } }, ['a'], { ca: true, keyOnly: true });
    expect(objs.map((o) => [o.label, o.key !== undefined, o.certDer !== undefined, o.authority === true])).toEqual([
      ['a', false, true, false], ['keyOnly', true, false, false], ['KYSO TEST CA', false, true, true],
    ]);
  });
});
