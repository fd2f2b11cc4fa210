// A throwaway root → CA → end-entity PKI for unit tests and benchmarks (keys in software, nothing written to disk).
import 'reflect-metadata';
import { webcrypto, createPrivateKey } from 'node:crypto';
import * as x509 from '@peculiar/x509';

const crypto = webcrypto as unknown as Crypto;
x509.cryptoProvider.set(crypto);
const DAY = 86_400_000;

export type TestKeyType = 'RSA-2048' | 'EC-P256' | 'EC-P384';

/** One certificate with its PKCS#8 PEM key. */
export interface TestIdentity {
  certDer: Uint8Array;
  certPem: string;
  keyPem: string;
}

export interface TestPki {
  root: TestIdentity;
  ca: TestIdentity;
  /** Root then CA, PEM (for openssl -CAfile / xmlsec1 --trusted-pem). */
  chainPem: string;
  /** Issues an end-entity certificate from the CA. */
  issue(commonName: string, keyType?: TestKeyType, options?: { eku?: string[]; ekuCritical?: boolean }): Promise<TestIdentity>;
}

function algorithm(keyType: TestKeyType): RsaHashedKeyGenParams | EcKeyGenParams {
  if (keyType === 'RSA-2048') return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
  return { name: 'ECDSA', namedCurve: keyType === 'EC-P256' ? 'P-256' : 'P-384' };
}

function signingAlgorithm(keyType: TestKeyType): Algorithm | EcdsaParams {
  return keyType === 'RSA-2048' ? { name: 'RSASSA-PKCS1-v1_5' } : { name: 'ECDSA', hash: 'SHA-256' };
}

async function keyPem(key: CryptoKey): Promise<string> {
  const pkcs8 = Buffer.from(await crypto.subtle.exportKey('pkcs8', key));
  return createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({ format: 'pem', type: 'pkcs8' }).toString();
}

let serial = Date.now();
const nextSerial = (): string => (serial++).toString(16).padStart(16, '0').replace(/^[89a-f]/, '1');

/** Builds a fresh test PKI (RSA root and CA). */
export async function createTestPki(): Promise<TestPki> {
  const now = Date.now();
  const rootKeys = await crypto.subtle.generateKey(algorithm('RSA-2048'), true, ['sign', 'verify']) as CryptoKeyPair;
  const rootCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: nextSerial(), name: 'CN=KYSO TEST ROOT CA, O=Kyso Test, C=VN', keys: rootKeys,
    notBefore: new Date(now - DAY), notAfter: new Date(now + 3650 * DAY), signingAlgorithm: signingAlgorithm('RSA-2048'),
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(rootKeys.publicKey)],
  });
  const caKeys = await crypto.subtle.generateKey(algorithm('RSA-2048'), true, ['sign', 'verify']) as CryptoKeyPair;
  const caCert = await x509.X509CertificateGenerator.create({
    serialNumber: nextSerial(), subject: 'CN=KYSO TEST ISSUING CA, O=Kyso Test, C=VN', issuer: rootCert.subject, publicKey: caKeys.publicKey,
    signingKey: rootKeys.privateKey, notBefore: new Date(now - DAY), notAfter: new Date(now + 3650 * DAY), signingAlgorithm: signingAlgorithm('RSA-2048'),
    extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey), await x509.AuthorityKeyIdentifierExtension.create(rootKeys.publicKey)],
  });
  const root: TestIdentity = { certDer: new Uint8Array(rootCert.rawData), certPem: rootCert.toString('pem'), keyPem: await keyPem(rootKeys.privateKey) };
  const ca: TestIdentity = { certDer: new Uint8Array(caCert.rawData), certPem: caCert.toString('pem'), keyPem: await keyPem(caKeys.privateKey) };
  return {
    root,
    ca,
    chainPem: `${root.certPem}\n${ca.certPem}\n`,
    async issue(commonName, keyType = 'RSA-2048', options = {}) {
      const keys = await crypto.subtle.generateKey(algorithm(keyType), true, ['sign', 'verify']) as CryptoKeyPair;
      const extensions: x509.Extension[] = [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
        await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
      ];
      if (options.eku) extensions.push(new x509.ExtendedKeyUsageExtension(options.eku, options.ekuCritical ?? false));
      const cert = await x509.X509CertificateGenerator.create({
        serialNumber: nextSerial(), subject: `CN=${commonName}, O=Kyso Test, C=VN`, issuer: caCert.subject, publicKey: keys.publicKey,
        signingKey: caKeys.privateKey, notBefore: new Date(now - DAY), notAfter: new Date(now + 365 * DAY), signingAlgorithm: signingAlgorithm('RSA-2048'),
        extensions,
      });
      return { certDer: new Uint8Array(cert.rawData), certPem: cert.toString('pem'), keyPem: await keyPem(keys.privateKey) };
    },
  };
}
