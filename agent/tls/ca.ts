// Issues the per-machine CA and the loopback serverAuth leaf; the CA private key never leaves this function.
import 'reflect-metadata';
import { createHash, webcrypto } from 'node:crypto';
import { hostname } from 'node:os';
import * as x509 from '@peculiar/x509';
import { LOOPBACK_SUBTREES, nameConstraintsPermitted } from './name-constraints.js';

const crypto = webcrypto as unknown as Crypto;
const DAY = 86_400_000;
const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;
const OID_NAME_CONSTRAINTS = '2.5.29.30';

/** CA lifetime: 10 years. */
export const CA_DAYS = 3650;
/** Leaf lifetime: at most 825 days (Apple's and Chrome's limit for TLS server certificates). */
export const LEAF_DAYS = 825;
export { RENEW_AT, needsRenewal, pemSha256 } from './renewal.js';

/** What issuance leaves behind: only public material plus the leaf key. */
export interface IssuedTls {
  caPem: string;
  caSha256: string;
  /** Leaf certificate PEM. */
  leafPem: string;
  /** Leaf private key, PKCS#8 PEM. */
  leafKeyPem: string;
  leafNotBefore: Date;
  leafNotAfter: Date;
}

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END ${label}-----\n`;
}

function randomSerial(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[0] = b[0]! & 0x7f; // positive INTEGER
  return Buffer.from(b).toString('hex');
}

/**
 * Makes a fresh CA (EC P-256, pathLen 0, name-constrained to loopback) and a serverAuth leaf for
 * 127.0.0.1 / ::1 / localhost, then drops the CA key: renewing the leaf later means a new CA (docs/security.md T9).
 */
export async function issueLocalTls(now: Date = new Date()): Promise<IssuedTls> {
  const caKeys = (await crypto.subtle.generateKey(EC, false, ['sign', 'verify'])) as CryptoKeyPair;
  const leafKeys = (await crypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
  const notBefore = new Date(now.getTime() - 60_000);
  const stamp = now.toISOString().slice(0, 10);
  const host = hostname().replace(/[^A-Za-z0-9.-]/g, '').slice(0, 40) || 'local';
  const caName = `CN=kyso-agent local CA (${host} ${stamp}), O=kyso-agent`;

  const ca = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: randomSerial(),
      name: caName,
      notBefore,
      notAfter: new Date(notBefore.getTime() + CA_DAYS * DAY),
      keys: caKeys,
      signingAlgorithm: SIGN,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        new x509.Extension(OID_NAME_CONSTRAINTS, true, nameConstraintsPermitted(LOOPBACK_SUBTREES) as Uint8Array<ArrayBuffer>),
        await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey, false, crypto),
      ],
    },
    crypto,
  );

  const leafNotAfter = new Date(notBefore.getTime() + LEAF_DAYS * DAY);
  const leaf = await x509.X509CertificateGenerator.create(
    {
      serialNumber: randomSerial(),
      subject: 'CN=localhost, O=kyso-agent',
      issuer: ca.subject,
      notBefore,
      notAfter: leafNotAfter,
      publicKey: leafKeys.publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm: SIGN,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
        new x509.SubjectAlternativeNameExtension(
          [
            { type: 'ip', value: '127.0.0.1' },
            { type: 'ip', value: '::1' },
            { type: 'dns', value: 'localhost' },
          ],
          false,
        ),
        await x509.SubjectKeyIdentifierExtension.create(leafKeys.publicKey, false, crypto),
        await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey, false, crypto),
      ],
    },
    crypto,
  );

  const leafKeyPem = pem('PRIVATE KEY', await crypto.subtle.exportKey('pkcs8', leafKeys.privateKey));
  // caKeys.privateKey was created non-extractable and goes out of scope here: it is never written anywhere.
  return {
    caPem: ca.toString('pem') + '\n',
    caSha256: createHash('sha256').update(Buffer.from(ca.rawData)).digest('hex'),
    leafPem: leaf.toString('pem') + '\n',
    leafKeyPem,
    leafNotBefore: notBefore,
    leafNotAfter,
  };
}

