// parseCertificate over every certificate of the per-run PKI, and keys on the real tokens matching their certificates.
import { createPublicKey, createHash, verify } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import pkcs11js from 'pkcs11js';
import { parseCertificate, publicKeyInfo } from '../../agent/certs/index.js';
import { matchesFilter } from '../../agent/core/certs-filter.js';
import { CERT_NAMES } from '../../agent/demo/index.js';

const kyso = inject('kyso');
const der = (b64: string): Uint8Array => new Uint8Array(Buffer.from(b64, 'base64'));

describe('parseCertificate on the fixture', () => {
  it.each(CERT_NAMES)('%s: identifiers, key algorithm, status and names', (name) => {
    const f = kyso.pki.certs[name];
    const cert = parseCertificate(der(f.derBase64), { certId: `id-${name}`, tokenId: f.token, hasPrivateKey: f.hasPrivateKey, now: new Date() });
    expect(cert.thumbprintSha256).toBe(f.thumbprintSha256);
    expect(cert.thumbprintSha256).toBe(createHash('sha256').update(der(f.derBase64)).digest('hex'));
    expect(cert.keyAlgorithm).toBe(f.keyAlgorithm);
    expect(cert.status).toBe(f.status);
    expect(cert.subject.commonName).toBe(f.commonName);
    expect(cert.identifiers).toEqual(f.identifiers);
    expect(cert.serialNumber).toBe(f.serialHex);
    expect(cert.issuer.commonName).toBe('KYSO TEST CA');
    expect(cert.keyUsage).toEqual(expect.arrayContaining(['digitalSignature', 'nonRepudiation']));
    expect(cert.der).toBe(f.derBase64);
    expect(cert.certId).toBe(`id-${name}`);
    // default filter: only valid certificates with a key
    expect(matchesFilter(cert, {})).toBe(f.status === 'valid' && f.hasPrivateKey);
  });

  it('the expected identifiers and statuses are what the fixture was built to carry', () => {
    const c = kyso.pki.certs;
    expect(c.citizen.identifiers).toEqual({ citizenId: '001099012345' });
    expect(c.company.identifiers).toEqual({ taxCode: '0101234567' });
    expect(c.expired.status).toBe('expired');
    expect(c.notYetValid.status).toBe('notYetValid');
    expect(c.noKey.hasPrivateKey).toBe(false);
    expect(c.ecPerson.keyAlgorithm).toBe('EC-P256');
    expect(c.rsa3072.keyAlgorithm).toBe('RSA-3072');
  });

  it('publicKeyInfo returns the SPKI of the certificate key, matching the software key', () => {
    const f = kyso.pki.certs.ecPerson;
    const spki = Buffer.from(publicKeyInfo(der(f.derBase64)));
    expect(spki.equals(createPublicKey(f.keyPem!).export({ format: 'der', type: 'spki' }))).toBe(true);
  });
});

function findKey(p11: pkcs11js.PKCS11, session: Buffer, idHex: string): Buffer {
  p11.C_FindObjectsInit(session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY }, { type: pkcs11js.CKA_ID, value: Buffer.from(idHex, 'hex') }]);
  const [key] = p11.C_FindObjects(session, 2);
  p11.C_FindObjectsFinal(session);
  if (!key) throw new Error(`no private key with CKA_ID ${idHex}`);
  return key;
}

const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

describe('keys on the tokens sign for their certificates', () => {
  it('token A: citizen (RSA PKCS#1 v1.5) and ecPerson (ECDSA) signatures verify with node:crypto', () => {
    process.env.SOFTHSM2_CONF = kyso.softhsm.conf;
    const p11 = new pkcs11js.PKCS11();
    p11.load(kyso.softhsm.module);
    p11.C_Initialize();
    try {
      const slot = p11.C_GetSlotList(true).find((s) => p11.C_GetTokenInfo(s).label.trim() === kyso.softhsm.tokens.A.label);
      expect(slot).toBeDefined();
      expect(p11.C_GetTokenInfo(slot!).serialNumber.trim()).toBe(kyso.softhsm.tokens.A.serial);
      const session = p11.C_OpenSession(slot!, pkcs11js.CKF_SERIAL_SESSION);
      p11.C_Login(session, pkcs11js.CKU_USER, kyso.softhsm.tokens.A.pin);
      const data = Buffer.from('Hồ sơ số 001/2025 — ký số', 'utf8');
      const digest = createHash('sha256').update(data).digest();

      const citizen = kyso.pki.certs.citizen;
      p11.C_SignInit(session, { mechanism: pkcs11js.CKM_RSA_PKCS }, findKey(p11, session, citizen.ckaIdHex));
      const rsaSig = p11.C_Sign(session, Buffer.concat([SHA256_DIGEST_INFO, digest]), Buffer.alloc(512));
      expect(verify('sha256', data, createPublicKey(citizen.certPem), rsaSig)).toBe(true);
      expect(verify('sha256', Buffer.from('other'), createPublicKey(citizen.certPem), rsaSig)).toBe(false);

      const ec = kyso.pki.certs.ecPerson;
      p11.C_SignInit(session, { mechanism: pkcs11js.CKM_ECDSA }, findKey(p11, session, ec.ckaIdHex));
      const raw = p11.C_Sign(session, digest, Buffer.alloc(128));
      expect(raw.length).toBe(64);
      expect(verify('sha256', data, { key: createPublicKey(ec.certPem), dsaEncoding: 'ieee-p1363' }, raw)).toBe(true);

      // the key stays on the token: not extractable, sensitive
      const [sensitive, extractable] = p11.C_GetAttributeValue(session, findKey(p11, session, citizen.ckaIdHex), [{ type: pkcs11js.CKA_SENSITIVE }, { type: pkcs11js.CKA_EXTRACTABLE }]);
      expect(sensitive!.value[0]).toBe(1);
      expect(extractable!.value[0]).toBe(0);
      p11.C_Logout(session);
      p11.C_CloseSession(session);
    } finally {
      p11.C_Finalize();
      p11.close();
    }
  });

  it('NSS softokn: loads with libraryParameters, shows the token label, and the nss key signs for its certificate', () => {
    const p11 = new pkcs11js.PKCS11();
    p11.load(kyso.nss.module);
    p11.C_Initialize({ libraryParameters: kyso.nss.libraryParameters });
    try {
      const slot = p11.C_GetSlotList(true).find((s) => p11.C_GetTokenInfo(s).label.trim() === kyso.nss.tokenLabel);
      expect(slot).toBeDefined();
      const session = p11.C_OpenSession(slot!, pkcs11js.CKF_SERIAL_SESSION);
      expect(() => p11.C_Login(session, pkcs11js.CKU_USER, 'wrong-pin')).toThrow(/CKR_PIN_INCORRECT/);
      p11.C_Login(session, pkcs11js.CKU_USER, kyso.nss.pin);
      const f = kyso.pki.certs.nss;
      p11.C_FindObjectsInit(session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE }, { type: pkcs11js.CKA_ID, value: Buffer.from(f.ckaIdHex, 'hex') }]);
      const [certHandle] = p11.C_FindObjects(session, 2);
      p11.C_FindObjectsFinal(session);
      const [value] = p11.C_GetAttributeValue(session, certHandle!, [{ type: pkcs11js.CKA_VALUE }]);
      expect(value!.value.toString('base64')).toBe(f.derBase64);
      const data = Buffer.from('Tờ khai thuế', 'utf8');
      p11.C_SignInit(session, { mechanism: pkcs11js.CKM_SHA256_RSA_PKCS }, findKey(p11, session, f.ckaIdHex));
      const sig = p11.C_Sign(session, data, Buffer.alloc(512));
      expect(verify('sha256', data, createPublicKey(f.certPem), sig)).toBe(true);
      p11.C_Logout(session);
      p11.C_CloseSession(session);
    } finally {
      p11.C_Finalize();
      p11.close();
    }
  });
});
