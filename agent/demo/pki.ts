// The Vietnamese-style test/demo PKI: root → issuing CA → end-entity certificates, keys made in software.
import { generateKeyPair, createPublicKey, createHash, randomBytes, webcrypto, type KeyObject } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
// @peculiar/x509's CommonJS build (what Node resolves) needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import type { Identifiers } from '../core/types.js';

/** Names of the end-entity certificates the generator makes (same list as native-tests/fixtures/types.ts). */
export const CERT_NAMES = ['citizen', 'company', 'ecPerson', 'rsa3072', 'expired', 'notYetValid', 'noKey', 'tokenB', 'nss'] as const;
export type DemoCertName = (typeof CERT_NAMES)[number];
export type DemoKeyAlgorithm = 'RSA-1024' | 'RSA-2048' | 'RSA-3072' | 'EC-P256';

/** A key pair made in software, with its PKCS#8 PEM (what gets written to disk and imported into tokens). */
export interface DemoKey {
  algorithm: DemoKeyAlgorithm;
  privateKey: KeyObject;
  publicKey: KeyObject;
  pkcs8Pem: string;
  /** SubjectPublicKeyInfo DER. */
  spki: Uint8Array;
  /** SHA-1 of the subjectPublicKey BIT STRING content (RFC 5280 §4.2.1.2 method 1): SKI and CKA_ID. */
  keyId: Uint8Array;
}

/** One issued certificate with its key and where it is meant to live. */
export interface DemoCert {
  name: DemoCertName;
  der: Uint8Array;
  pem: string;
  key: DemoKey;
  commonName: string;
  /** What the subject UID attributes are meant to yield (written from the spec, not parsed back). */
  identifiers: Identifiers;
  /** Status at generation time, from the spec's validity window. */
  status: 'valid' | 'expired' | 'notYetValid';
  thumbprintSha256: string;
  /** Lower-case hex, as CONTRACT's Cert.serialNumber. */
  serialHex: string;
  token: 'A' | 'B' | 'NSS';
  /** The private key is NOT put on the token (certificate only). */
  keyMissing: boolean;
  /** Files written by generatePki. */
  certFile: string;
  keyFile: string;
}

export interface DemoPki {
  dir: string;
  root: { der: Uint8Array; pem: string; key: DemoKey; certFile: string };
  ca: { der: Uint8Array; pem: string; key: DemoKey; certFile: string };
  /** Root + issuing CA PEM concatenated (for `openssl verify -CAfile`). */
  chainPem: string;
  chainFile: string;
  certs: Record<DemoCertName, DemoCert>;
  /** A key without any certificate, for token A. */
  keyOnly: { key: DemoKey; label: string; keyFile: string };
}

const DAY = 86_400_000;
const crypto = webcrypto as unknown as Crypto;
x509.cryptoProvider.set(crypto);

/** A fresh software key pair with its PKCS#8 PEM, SPKI and key identifier. */
export async function generateDemoKey(algorithm: DemoKeyAlgorithm): Promise<DemoKey> {
  const pair = await new Promise<{ publicKey: KeyObject; privateKey: KeyObject }>((resolve, reject) => {
    const done = (err: Error | null, publicKey: KeyObject, privateKey: KeyObject): void => {
      if (err) reject(err);
      else resolve({ publicKey, privateKey });
    };
    if (algorithm === 'EC-P256') generateKeyPair('ec', { namedCurve: 'prime256v1' }, done);
    else generateKeyPair('rsa', { modulusLength: Number(algorithm.slice(4)), publicExponent: 0x10001 }, done);
  });
  const spki = new Uint8Array(pair.publicKey.export({ format: 'der', type: 'spki' }));
  const pkcs8Pem = pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  return { algorithm, ...pair, pkcs8Pem, spki, keyId: keyIdOf(spki) };
}

/** SHA-1 over the subjectPublicKey BIT STRING value (without tag, length and unused-bits byte). */
function keyIdOf(spki: Uint8Array): Uint8Array {
  // SPKI = SEQUENCE { AlgorithmIdentifier, BIT STRING }: walk the DER by hand, it is tiny and fixed.
  let i = 0;
  const readLen = (): number => {
    let len = spki[i++]!;
    if (len & 0x80) {
      const n = len & 0x7f;
      len = 0;
      for (let k = 0; k < n; k++) len = (len << 8) | spki[i++]!;
    }
    return len;
  };
  i++; readLen(); // outer SEQUENCE
  i++; const algLen = readLen(); i += algLen; // AlgorithmIdentifier (not `i += readLen()`: readLen moves i)
  i++; const bitLen = readLen(); // BIT STRING
  return new Uint8Array(createHash('sha1').update(spki.subarray(i + 1, i + bitLen)).digest());
}

export async function importForSigning(key: DemoKey): Promise<{ signingKey: CryptoKey; publicKey: CryptoKey; alg: RsaHashedImportParams | EcKeyImportParams }> {
  const alg: RsaHashedImportParams | EcKeyImportParams = key.algorithm === 'EC-P256'
    ? { name: 'ECDSA', namedCurve: 'P-256' }
    : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const pkcs8 = key.privateKey.export({ format: 'der', type: 'pkcs8' });
  const signingKey = await crypto.subtle.importKey('pkcs8', pkcs8, alg, false, ['sign']);
  const publicKey = await crypto.subtle.importKey('spki', new Uint8Array(key.spki), alg, true, ['verify']);
  return { signingKey, publicKey, alg };
}

export function signingAlgorithm(issuerKey: DemoKey): Algorithm | EcdsaParams {
  return issuerKey.algorithm === 'EC-P256' ? { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams : { name: 'RSASSA-PKCS1-v1_5' };
}

/** Random positive 16-byte serial, first byte in 0x10..0x7f so it never needs a sign-padding zero. */
export function randomSerialHex(): string {
  const b = randomBytes(16);
  b[0] = (b[0]! & 0x6f) | 0x10;
  return b.toString('hex');
}

type NameSpec = Array<Record<string, Array<{ utf8String?: string; printableString?: string }>>>;
const utf8 = (v: string): { utf8String: string } => ({ utf8String: v });
const UID = '0.9.2342.19200300.100.1.1';

/** C=VN, ST, L, [O], CN, UID… in the order VNPT-CA and Viettel-CA encode it; Vietnamese text as UTF8String. */
export function vnName(p: { cn: string; o?: string; st?: string; l?: string; uids?: string[] }): x509.Name {
  const rdns: NameSpec = [{ C: [{ printableString: 'VN' }] }];
  if (p.st) rdns.push({ ST: [utf8(p.st)] });
  if (p.l) rdns.push({ L: [utf8(p.l)] });
  if (p.o) rdns.push({ O: [utf8(p.o)] });
  rdns.push({ CN: [utf8(p.cn)] });
  for (const uid of p.uids ?? []) rdns.push({ [UID]: [utf8(uid)] });
  return new x509.Name(rdns);
}

const ROOT_NAME = vnName({ o: 'KYSO TEST PKI', st: 'Hà Nội', cn: 'KYSO TEST ROOT CA' });
const CA_NAME = vnName({ o: 'KYSO TEST PKI', st: 'Hà Nội', cn: 'KYSO TEST CA' });

interface EndEntitySpec {
  name: DemoCertName;
  algorithm: DemoKeyAlgorithm;
  cn: string;
  o?: string;
  st: string;
  l: string;
  uids: string[];
  identifiers: Identifiers;
  /** Validity relative to now, in days. */
  from: number;
  to: number;
  usages: x509.KeyUsageFlags;
  token: 'A' | 'B' | 'NSS';
  keyMissing?: boolean;
}

const SIGN = x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation;
const SIGN_ENC = SIGN | x509.KeyUsageFlags.keyEncipherment;

/** The end entities. Identifier prefixes vary on purpose (CCCD, CMND, MST, HC, MNS, lower case, several UIDs). */
const END_ENTITIES: readonly EndEntitySpec[] = [
  { name: 'citizen', algorithm: 'RSA-2048', cn: 'NGUYỄN VĂN AN', st: 'Hà Nội', l: 'Quận Cầu Giấy', uids: ['CCCD:001099012345'], identifiers: { citizenId: '001099012345' }, from: -1, to: 730, usages: SIGN, token: 'A' },
  { name: 'company', algorithm: 'RSA-2048', cn: 'CÔNG TY TNHH KYSO DEMO', o: 'CÔNG TY TNHH KYSO DEMO', st: 'Hà Nội', l: 'Quận Ba Đình', uids: ['MST:0101234567'], identifiers: { taxCode: '0101234567' }, from: -1, to: 730, usages: SIGN_ENC, token: 'A' },
  { name: 'ecPerson', algorithm: 'EC-P256', cn: 'TRẦN THỊ BÌNH', st: 'Thành phố Hồ Chí Minh', l: 'Quận 1', uids: ['CCCD:079199001122'], identifiers: { citizenId: '079199001122' }, from: -1, to: 730, usages: SIGN, token: 'A' },
  { name: 'rsa3072', algorithm: 'RSA-3072', cn: 'LÊ VĂN CƯỜNG', st: 'Đà Nẵng', l: 'Quận Hải Châu', uids: ['CCCD:048088003344', 'MST:8012345678'], identifiers: { citizenId: '048088003344', taxCode: '8012345678' }, from: -1, to: 730, usages: SIGN_ENC, token: 'A' },
  { name: 'expired', algorithm: 'RSA-2048', cn: 'PHẠM MINH ĐỨC', st: 'Hải Phòng', l: 'Quận Lê Chân', uids: ['CMND:031234567'], identifiers: { citizenId: '031234567' }, from: -760, to: -30, usages: SIGN, token: 'A' },
  { name: 'notYetValid', algorithm: 'RSA-2048', cn: 'HOÀNG THU HÀ', st: 'Cần Thơ', l: 'Quận Ninh Kiều', uids: ['HC:C1234567'], identifiers: { passport: 'C1234567' }, from: 30, to: 760, usages: SIGN, token: 'A' },
  { name: 'noKey', algorithm: 'RSA-2048', cn: 'VŨ QUỐC KHÁNH', o: 'SỞ TÀI CHÍNH HÀ NỘI', st: 'Hà Nội', l: 'Quận Hoàn Kiếm', uids: ['MNS:1234567', 'cccd:001088005566'], identifiers: { budgetCode: '1234567', citizenId: '001088005566' }, from: -1, to: 730, usages: SIGN, token: 'A', keyMissing: true },
  { name: 'tokenB', algorithm: 'RSA-2048', cn: 'ĐỖ THỊ LAN', st: 'Hà Nội', l: 'Quận Đống Đa', uids: ['CCCD:001190007788'], identifiers: { citizenId: '001190007788' }, from: -1, to: 730, usages: SIGN, token: 'B' },
  { name: 'nss', algorithm: 'RSA-2048', cn: 'BÙI VĂN NAM', st: 'Nghệ An', l: 'Thành phố Vinh', uids: ['mst:2901234567'], identifiers: { taxCode: '2901234567' }, from: -1, to: 730, usages: SIGN, token: 'NSS' },
];

export function pemOf(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

export async function writePrivate(file: string, text: string): Promise<void> {
  await writeFile(file, text, { mode: 0o600 });
}

/**
 * Generates the test PKI into `outDir` (created if needed): root.pem, ca.pem, chain.pem, <name>.pem and
 * <name>.key.pem (PKCS#8) per end entity, keyOnly.key.pem, root.key.pem, ca.key.pem. Keys are made in parallel.
 * @param options.now the clock the validity windows are relative to (default: now)
 */
export async function generatePki(outDir: string, options: { now?: Date } = {}): Promise<DemoPki> {
  const now = options.now ?? new Date();
  const at = (days: number): Date => new Date(Math.floor((now.getTime() + days * DAY) / 1000) * 1000);
  await mkdir(outDir, { recursive: true });

  const [rootKey, caKey, keyOnlyKey, ...eeKeys] = await Promise.all([
    generateDemoKey('RSA-2048'), generateDemoKey('RSA-2048'), generateDemoKey('RSA-2048'),
    ...END_ENTITIES.map((e) => generateDemoKey(e.algorithm)),
  ]);
  const root = await importForSigning(rootKey!);
  const ca = await importForSigning(caKey!);

  const rootCert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialHex(), subject: ROOT_NAME, issuer: ROOT_NAME,
    notBefore: at(-5 * 365), notAfter: at(20 * 365),
    signingAlgorithm: signingAlgorithm(rootKey!), publicKey: root.publicKey, signingKey: root.signingKey,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      new x509.SubjectKeyIdentifierExtension(hex(rootKey!.keyId)),
    ],
  });
  const caCert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialHex(), subject: CA_NAME, issuer: ROOT_NAME,
    notBefore: at(-5 * 365), notAfter: at(10 * 365),
    signingAlgorithm: signingAlgorithm(rootKey!), publicKey: ca.publicKey, signingKey: root.signingKey,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      new x509.SubjectKeyIdentifierExtension(hex(caKey!.keyId)),
      new x509.AuthorityKeyIdentifierExtension(hex(rootKey!.keyId)),
      new x509.CertificatePolicyExtension(['2.5.29.32.0']),
    ],
  });

  const certs = {} as Record<DemoCertName, DemoCert>;
  await Promise.all(END_ENTITIES.map(async (spec, i) => {
    const key = eeKeys[i]!;
    const { publicKey } = await importForSigning(key);
    const serialHex = randomSerialHex();
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serialHex,
      subject: vnName({ cn: spec.cn, o: spec.o, st: spec.st, l: spec.l, uids: spec.uids }), issuer: CA_NAME,
      notBefore: at(spec.from), notAfter: at(spec.to),
      signingAlgorithm: signingAlgorithm(caKey!), publicKey, signingKey: ca.signingKey,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(spec.usages, true),
        // clientAuth + emailProtection, as VNPT-CA and Viettel-CA personal/organisation certificates carry.
        new x509.ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.2', '1.3.6.1.5.5.7.3.4']),
        new x509.SubjectKeyIdentifierExtension(hex(key.keyId)),
        new x509.AuthorityKeyIdentifierExtension(hex(caKey!.keyId)),
      ],
    });
    const der = new Uint8Array(cert.rawData);
    const certFile = join(outDir, `${spec.name}.pem`);
    const keyFile = join(outDir, `${spec.name}.key.pem`);
    await writeFile(certFile, pemOf(der));
    await writePrivate(keyFile, key.pkcs8Pem);
    certs[spec.name] = {
      name: spec.name, der, pem: pemOf(der), key, commonName: spec.cn, identifiers: spec.identifiers,
      status: spec.from > 0 ? 'notYetValid' : spec.to < 0 ? 'expired' : 'valid',
      thumbprintSha256: createHash('sha256').update(der).digest('hex'), serialHex, token: spec.token,
      keyMissing: spec.keyMissing === true, certFile, keyFile,
    };
  }));

  const rootDer = new Uint8Array(rootCert.rawData);
  const caDer = new Uint8Array(caCert.rawData);
  const chainPem = pemOf(rootDer) + pemOf(caDer);
  const files = {
    root: join(outDir, 'root.pem'), ca: join(outDir, 'ca.pem'), chain: join(outDir, 'chain.pem'), keyOnly: join(outDir, 'keyOnly.key.pem'),
  };
  await Promise.all([
    writeFile(files.root, pemOf(rootDer)), writeFile(files.ca, pemOf(caDer)), writeFile(files.chain, chainPem),
    writePrivate(files.keyOnly, keyOnlyKey!.pkcs8Pem),
    writePrivate(join(outDir, 'root.key.pem'), rootKey!.pkcs8Pem), writePrivate(join(outDir, 'ca.key.pem'), caKey!.pkcs8Pem),
  ]);
  return {
    dir: outDir,
    root: { der: rootDer, pem: pemOf(rootDer), key: rootKey!, certFile: files.root },
    ca: { der: caDer, pem: pemOf(caDer), key: caKey!, certFile: files.ca },
    chainPem, chainFile: files.chain, certs,
    keyOnly: { key: keyOnlyKey!, label: 'keyOnly', keyFile: files.keyOnly },
  };
}

export function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

/** Public key of a DER certificate as a KeyObject (tests and the provisioning code use it to verify). */
export function certPublicKey(der: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.from(new x509.X509Certificate(new Uint8Array(der)).publicKey.rawData), format: 'der', type: 'spki' });
}
