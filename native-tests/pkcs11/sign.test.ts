// Native: the token layer on real SoftHSM2 and NSS softokn — listing, and signing with every key type, verified by node:crypto.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { HashAlgorithm } from '../../agent/core/types.js';
import { createPkcs11TokenService } from '../../agent/pkcs11/index.js';
import type { Pkcs11TokenService } from '../../agent/pkcs11/index.js';
import '../fixtures/types.js';
import { capturingLogger, nssCandidate, softhsmCandidate, systemClock, verifyEcdsa, verifyPkcs1, verifyPss } from './helpers.js';

const k = inject('kyso');
const NODE_HASH: Record<HashAlgorithm, string> = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };
const HASH_LEN: Record<HashAlgorithm, number> = { 'SHA-1': 20, 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 };
const pinBytes = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('Pkcs11TokenService on SoftHSM2 + NSS', () => {
  let svc: Pkcs11TokenService;
  const logger = capturingLogger();
  const certIdOf = new Map<string, string>();

  beforeAll(async () => {
    svc = createPkcs11TokenService({ modules: [softhsmCandidate(k), nssCandidate(k)], clock: systemClock, logger });
    const certs = await svc.listCertificates();
    for (const [name, f] of Object.entries(k.pki.certs)) {
      const c = certs.find((x) => x.thumbprintSha256 === f.thumbprintSha256);
      if (c) certIdOf.set(name, c.certId);
    }
  });
  afterAll(async () => {
    await svc?.close();
  });

  it('listTokens_reportsBothSoftHsmTokensAndTheNssToken', async () => {
    const tokens = await svc.listTokens();
    const labels = tokens.map((t) => t.label);
    expect(labels).toEqual(expect.arrayContaining(['KYSO TOKEN A', 'KYSO TOKEN B', k.nss.tokenLabel]));
    const a = tokens.find((t) => t.label === 'KYSO TOKEN A')!;
    expect(a.serialNumber).toBe(k.softhsm.tokens.A.serial);
    expect(a.moduleName).toBe('SoftHSM2');
    expect(a.pinStatus).toBe('ok');
    expect(a.pinpad).toBe(false);
    expect(JSON.stringify(tokens)).not.toContain('/');
    expect(svc.modules().map((m) => m.status)).toEqual(['loaded', 'loaded']);
  });

  it('listCertificates_findsEveryFixtureCertificateWithIdentifiersAndKeyPairing', async () => {
    const certs = await svc.listCertificates();
    for (const [name, f] of Object.entries(k.pki.certs)) {
      const c = certs.find((x) => x.thumbprintSha256 === f.thumbprintSha256);
      expect(c, name).toBeDefined();
      expect(c!.keyAlgorithm).toBe(f.keyAlgorithm);
      expect(c!.hasPrivateKey, name).toBe(name !== 'noKey');
    }
    const citizen = certs.find((c) => c.thumbprintSha256 === k.pki.certs.citizen.thumbprintSha256)!;
    expect(citizen.identifiers.citizenId).toBe('001099012345');
    const company = certs.find((c) => c.thumbprintSha256 === k.pki.certs.company.thumbprintSha256)!;
    expect(company.identifiers.taxCode).toBe('0101234567');
    expect(certs.find((c) => c.thumbprintSha256 === k.pki.certs.expired.thumbprintSha256)!.status).toBe('expired');
    expect(certs.find((c) => c.thumbprintSha256 === k.pki.certs.notYetValid.thumbprintSha256)!.status).toBe('notYetValid');
  });

  it('getChain_returnsTheIssuingCaFromTheToken', async () => {
    const chain = await svc.getChain(certIdOf.get('citizen')!);
    expect(chain.map((d) => Buffer.from(d).toString('base64'))).toEqual([k.pki.caDerBase64]);
    const ca = (await svc.listCertificates()).find((c) => c.der === k.pki.caDerBase64)!;
    expect(ca.hasPrivateKey).toBe(false);
  });

  it('nssToken_isListedWithItsCertificateAndPinFlags', async () => {
    const tokens = await svc.listTokens();
    const nss = tokens.find((t) => t.label === k.nss.tokenLabel)!;
    expect(nss.moduleName).toBe('NSS softokn');
    expect(nss.pinStatus).toBe('ok');
    const cert = await svc.getCertificate(certIdOf.get('nss')!);
    expect(cert.tokenId).toBe(nss.tokenId);
    expect(cert.hasPrivateKey).toBe(true);
    expect((await svc.authState(cert.certId)).loginRequired).toBe(true);
  });

  it('sign_rsa2048Pkcs1v15_everyHash_verifiesAgainstCertificate', async () => {
    await svc.login((await svc.getCertificate(certIdOf.get('citizen')!)).tokenId, pinBytes(k.softhsm.tokens.A.pin));
    const data = Buffer.from('kyso pkcs1 test');
    for (const hash of ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'] as const) {
      const digest = createHash(NODE_HASH[hash]).update(data).digest();
      const r = await svc.sign({ certId: certIdOf.get('citizen')!, digest, hashAlgorithm: hash });
      expect(r.scheme).toBe('PKCS1v15');
      expect(verifyPkcs1(k.pki.certs.citizen.certPem, data, NODE_HASH[hash], r.signature), hash).toBe(true);
    }
  });

  it('sign_rsaPss_andRsa3072_verify', async () => {
    const data = Buffer.from('kyso pss test');
    for (const hash of ['SHA-256', 'SHA-384', 'SHA-512'] as const) {
      const digest = createHash(NODE_HASH[hash]).update(data).digest();
      const r = await svc.sign({ certId: certIdOf.get('company')!, digest, hashAlgorithm: hash, scheme: 'PSS' });
      expect(r.scheme).toBe('PSS');
      expect(verifyPss(k.pki.certs.company.certPem, data, NODE_HASH[hash], HASH_LEN[hash], r.signature), hash).toBe(true);
    }
    const digest = createHash('sha256').update(data).digest();
    const r = await svc.sign({ certId: certIdOf.get('rsa3072')!, digest, hashAlgorithm: 'SHA-256' });
    expect(r.signature.length).toBe(384);
    expect(verifyPkcs1(k.pki.certs.rsa3072.certPem, data, 'sha256', r.signature)).toBe(true);
  });

  it('sign_ecdsaP256_rawAndDer_verify', async () => {
    const data = Buffer.from('kyso ecdsa test');
    const digest = createHash('sha256').update(data).digest();
    const der = await svc.sign({ certId: certIdOf.get('ecPerson')!, digest, hashAlgorithm: 'SHA-256' });
    expect(der.scheme).toBe('ECDSA');
    expect(der.signature[0]).toBe(0x30);
    expect(verifyEcdsa(k.pki.certs.ecPerson.certPem, data, 'sha256', der.signature, 'der')).toBe(true);
    const raw = await svc.sign({ certId: certIdOf.get('ecPerson')!, digest, hashAlgorithm: 'SHA-256', ecdsaFormat: 'raw' });
    expect(raw.signature.length).toBe(64);
    expect(verifyEcdsa(k.pki.certs.ecPerson.certPem, data, 'sha256', raw.signature, 'raw')).toBe(true);
  });

  it('sign_tokenBAndNss_rsa_verify', async () => {
    const data = Buffer.from('kyso other tokens');
    const digest = createHash('sha256').update(data).digest();
    for (const [name, pin] of [['tokenB', k.softhsm.tokens.B.pin], ['nss', k.nss.pin]] as const) {
      const certId = certIdOf.get(name)!;
      const state = await svc.authState(certId);
      if (state.loginRequired) await svc.login(state.tokenId, pinBytes(pin));
      const r = await svc.sign({ certId, digest, hashAlgorithm: 'SHA-256' });
      expect(verifyPkcs1(k.pki.certs[name].certPem, data, 'sha256', r.signature), name).toBe(true);
    }
  });

  it('badInput_mapsToReasons', async () => {
    const digest = createHash('sha256').update('x').digest();
    await expect(svc.sign({ certId: 'nope', digest, hashAlgorithm: 'SHA-256' })).rejects.toMatchObject({ reason: 'CERTIFICATE_NOT_FOUND' });
    await expect(svc.sign({ certId: certIdOf.get('citizen')!, digest, hashAlgorithm: 'SHA-384' })).rejects.toMatchObject({ reason: 'HASH_LENGTH_INVALID' });
    await expect(svc.sign({ certId: certIdOf.get('ecPerson')!, digest, hashAlgorithm: 'SHA-256', scheme: 'PSS' })).rejects.toMatchObject({ reason: 'ALGORITHM_UNSUPPORTED' });
    await expect(svc.sign({ certId: certIdOf.get('citizen')!, digest, hashAlgorithm: 'SHA-256', scheme: 'ECDSA' })).rejects.toMatchObject({ reason: 'ALGORITHM_UNSUPPORTED' });
    await expect(svc.sign({ certId: certIdOf.get('noKey')!, digest, hashAlgorithm: 'SHA-256' })).rejects.toMatchObject({ reason: 'KEY_NOT_FOUND' });
    await expect(svc.getCertificate('nope')).rejects.toMatchObject({ reason: 'CERTIFICATE_NOT_FOUND' });
    await expect(svc.login('nope', pinBytes('1'))).rejects.toMatchObject({ reason: 'CERTIFICATE_NOT_FOUND' });
  });

  it('neverLogsThePin', () => {
    const text = logger.text();
    expect(text.length).toBeGreaterThan(0);
    for (const pin of [k.softhsm.tokens.A.pin, k.softhsm.tokens.B.pin, k.nss.pin]) expect(text).not.toContain(pin);
  });
});
