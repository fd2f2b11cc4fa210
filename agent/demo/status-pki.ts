// A second test PKI whose certificates carry OCSP, CRL and caIssuers URLs, for the certificate-status tests and demo.
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { generateDemoKey, hex, importForSigning, pemOf, randomSerialHex, signingAlgorithm, vnName, writePrivate, type DemoKey, type DemoKeyAlgorithm } from './pki.js';

/** The end entities and what the responder says about them. */
export const STATUS_CERT_NAMES = ['good', 'revoked', 'suspended', 'unreachable', 'crlOnly', 'crlRevoked', 'noIssuerUrl', 'weak1024'] as const;
export type StatusCertName = (typeof STATUS_CERT_NAMES)[number];

export type StatusPlan = { status: 'good' } | { status: 'revoked'; reason: x509.X509CrlReason; revokedAt: Date } | { status: 'unknown' };

export interface StatusCert {
  name: StatusCertName;
  der: Uint8Array;
  pem: string;
  key: DemoKey;
  serialHex: string;
  thumbprintSha256: string;
  commonName: string;
  plan: StatusPlan;
  certFile: string;
  keyFile: string;
}

export interface StatusPki {
  dir: string;
  baseUrl: string;
  root: { der: Uint8Array; pem: string; key: DemoKey; certFile: string };
  ca: { der: Uint8Array; pem: string; key: DemoKey; certFile: string };
  /** Delegated OCSP responder (id-kp-OCSPSigning, issued by the CA). */
  responder: { der: Uint8Array; key: DemoKey };
  certs: Record<StatusCertName, StatusCert>;
  /** The CA's current CRL (DER), listing revoked, suspended and crlRevoked. */
  crl: Uint8Array;
  /** The root's CRL about the issuing CA (empty). */
  rootCrl: Uint8Array;
}

const DAY = 86_400_000;
const SIGN = x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation;

interface Spec {
  name: StatusCertName;
  cn: string;
  algorithm: DemoKeyAlgorithm;
  ocsp: 'local' | 'closed' | 'none';
  crl: boolean;
  caIssuers: boolean;
  plan: StatusPlan['status'];
  reason?: x509.X509CrlReason;
}

const SPECS: readonly Spec[] = [
  { name: 'good', cn: 'TRẠNG THÁI TỐT', algorithm: 'RSA-2048', ocsp: 'local', crl: true, caIssuers: true, plan: 'good' },
  { name: 'revoked', cn: 'ĐÃ THU HỒI', algorithm: 'RSA-2048', ocsp: 'local', crl: true, caIssuers: true, plan: 'revoked', reason: x509.X509CrlReason.keyCompromise },
  { name: 'suspended', cn: 'TẠM DỪNG', algorithm: 'EC-P256', ocsp: 'local', crl: true, caIssuers: true, plan: 'revoked', reason: x509.X509CrlReason.certificateHold },
  { name: 'unreachable', cn: 'KHÔNG LIÊN LẠC ĐƯỢC', algorithm: 'RSA-2048', ocsp: 'closed', crl: false, caIssuers: true, plan: 'good' },
  { name: 'crlOnly', cn: 'CHỈ CÓ CRL', algorithm: 'RSA-2048', ocsp: 'none', crl: true, caIssuers: true, plan: 'good' },
  { name: 'crlRevoked', cn: 'THU HỒI QUA CRL', algorithm: 'RSA-2048', ocsp: 'none', crl: true, caIssuers: true, plan: 'revoked', reason: x509.X509CrlReason.superseded },
  { name: 'noIssuerUrl', cn: 'THIẾU CA TRUNG GIAN', algorithm: 'RSA-2048', ocsp: 'local', crl: false, caIssuers: false, plan: 'good' },
  { name: 'weak1024', cn: 'KHÓA 1024 BIT', algorithm: 'RSA-1024', ocsp: 'local', crl: true, caIssuers: true, plan: 'good' },
];

/**
 * Generates the status PKI into `outDir`: root, issuing CA (with caIssuers → root), responder, end entities whose
 * AIA/CRL DP point at `baseUrl` (`/ocsp`, `/ca.crl`, `/ca.cer`; `unreachable` points at a closed port).
 */
export async function generateStatusPki(outDir: string, options: { baseUrl: string; closedUrl?: string; now?: Date }): Promise<StatusPki> {
  const now = options.now ?? new Date();
  const at = (days: number): Date => new Date(Math.floor((now.getTime() + days * DAY) / 1000) * 1000);
  const base = options.baseUrl.replace(/\/$/, '');
  await mkdir(outDir, { recursive: true });
  const [rootKey, caKey, responderKey, ...keys] = await Promise.all([
    generateDemoKey('RSA-2048'), generateDemoKey('RSA-2048'), generateDemoKey('RSA-2048'), ...SPECS.map((s) => generateDemoKey(s.algorithm)),
  ]);
  const root = await importForSigning(rootKey!);
  const ca = await importForSigning(caKey!);
  const rootName = vnName({ o: 'KYSO STATUS TEST PKI', cn: 'KYSO STATUS TEST ROOT' });
  const caName = vnName({ o: 'KYSO STATUS TEST PKI', cn: 'KYSO STATUS TEST CA' });
  const rootCert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialHex(), subject: rootName, issuer: rootName, notBefore: at(-3650), notAfter: at(7300),
    signingAlgorithm: signingAlgorithm(rootKey!), publicKey: root.publicKey, signingKey: root.signingKey,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      new x509.SubjectKeyIdentifierExtension(hex(rootKey!.keyId)),
    ],
  });
  const caCert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialHex(), subject: caName, issuer: rootName, notBefore: at(-3650), notAfter: at(3650),
    signingAlgorithm: signingAlgorithm(rootKey!), publicKey: ca.publicKey, signingKey: root.signingKey,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      new x509.SubjectKeyIdentifierExtension(hex(caKey!.keyId)),
      new x509.AuthorityKeyIdentifierExtension(hex(rootKey!.keyId)),
      new x509.AuthorityInfoAccessExtension({ caIssuers: `${base}/root.cer` }),
      new x509.CRLDistributionPointsExtension([`${base}/root.crl`]),
    ],
  });
  const responderPub = await importForSigning(responderKey!);
  const responderCert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialHex(), subject: vnName({ o: 'KYSO STATUS TEST PKI', cn: 'KYSO STATUS TEST OCSP' }), issuer: caName,
    notBefore: at(-30), notAfter: at(365), signingAlgorithm: signingAlgorithm(caKey!), publicKey: responderPub.publicKey, signingKey: ca.signingKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.9']),
      new x509.Extension('1.3.6.1.5.5.7.48.1.5', false, new Uint8Array([0x05, 0x00])), // id-pkix-ocsp-nocheck
      new x509.AuthorityKeyIdentifierExtension(hex(caKey!.keyId)),
    ],
  });

  const certs = {} as Record<StatusCertName, StatusCert>;
  await Promise.all(SPECS.map(async (spec, i) => {
    const key = keys[i]!;
    const { publicKey } = await importForSigning(key);
    const aia: x509.AuthorityInfoAccessParams = {};
    if (spec.ocsp === 'local') aia.ocsp = `${base}/ocsp`;
    if (spec.ocsp === 'closed') aia.ocsp = options.closedUrl ?? 'http://127.0.0.1:9/ocsp';
    if (spec.caIssuers) aia.caIssuers = `${base}/ca.cer`;
    const extensions: x509.Extension[] = [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(SIGN, true),
      new x509.SubjectKeyIdentifierExtension(hex(key.keyId)),
      new x509.AuthorityKeyIdentifierExtension(hex(caKey!.keyId)),
    ];
    if (aia.ocsp || aia.caIssuers) extensions.push(new x509.AuthorityInfoAccessExtension(aia));
    if (spec.crl) extensions.push(new x509.CRLDistributionPointsExtension([`${base}/ca.crl`]));
    const serialHex = randomSerialHex();
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serialHex, subject: vnName({ cn: spec.cn, st: 'Hà Nội', uids: ['CCCD:001099000' + String(100 + i)] }), issuer: caName,
      notBefore: at(-10), notAfter: at(700), signingAlgorithm: signingAlgorithm(caKey!), publicKey, signingKey: ca.signingKey, extensions,
    });
    const der = new Uint8Array(cert.rawData);
    const plan: StatusPlan = spec.plan === 'revoked' ? { status: 'revoked', reason: spec.reason!, revokedAt: at(-2) } : { status: spec.plan };
    const certFile = join(outDir, `${spec.name}.pem`);
    const keyFile = join(outDir, `${spec.name}.key.pem`);
    await writeFile(certFile, pemOf(der));
    await writePrivate(keyFile, key.pkcs8Pem);
    certs[spec.name] = {
      name: spec.name, der, pem: pemOf(der), key, serialHex, thumbprintSha256: createHash('sha256').update(der).digest('hex'),
      commonName: spec.cn, plan, certFile, keyFile,
    };
  }));

  const crl = await x509.X509CrlGenerator.create({
    issuer: caName, thisUpdate: at(-1), nextUpdate: at(6), signingAlgorithm: signingAlgorithm(caKey!), signingKey: ca.signingKey,
    entries: Object.values(certs).flatMap((c) => (c.plan.status === 'revoked' ? [{ serialNumber: c.serialHex, revocationDate: c.plan.revokedAt, reason: c.plan.reason }] : [])),
  });
  // The root's CRL (nothing revoked): long-term signatures need revocation data for the issuing CA too.
  const rootCrl = await x509.X509CrlGenerator.create({
    issuer: rootName, thisUpdate: at(-1), nextUpdate: at(30), signingAlgorithm: signingAlgorithm(rootKey!), signingKey: root.signingKey, entries: [],
  });
  const rootDer = new Uint8Array(rootCert.rawData);
  const caDer = new Uint8Array(caCert.rawData);
  await Promise.all([
    writeFile(join(outDir, 'root.pem'), pemOf(rootDer)), writeFile(join(outDir, 'ca.pem'), pemOf(caDer)),
    writeFile(join(outDir, 'chain.pem'), pemOf(rootDer) + pemOf(caDer)), writeFile(join(outDir, 'ca.crl'), new Uint8Array(crl.rawData)),
  ]);
  return {
    dir: outDir, baseUrl: base,
    root: { der: rootDer, pem: pemOf(rootDer), key: rootKey!, certFile: join(outDir, 'root.pem') },
    ca: { der: caDer, pem: pemOf(caDer), key: caKey!, certFile: join(outDir, 'ca.pem') },
    responder: { der: new Uint8Array(responderCert.rawData), key: responderKey! },
    certs, crl: new Uint8Array(crl.rawData), rootCrl: new Uint8Array(rootCrl.rawData),
  };
}
