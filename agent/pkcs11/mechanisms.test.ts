// Unit: DigestInfo bytes (checked against node:crypto's own PKCS#1 v1.5 signatures), PSS params, ECDSA raw → DER.
import { constants, createHash, generateKeyPairSync, publicDecrypt, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { HashAlgorithm } from '../core/types.js';
import * as C from './constants.js';
import { digestInfo, ecdsaRawToDer } from '../asn1/index.js';
import { pssMechanism, signingInput } from './mechanisms.js';

const NODE: Record<HashAlgorithm, string> = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };

describe('digestInfo', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
  it.each(Object.keys(NODE) as HashAlgorithm[])('%s matches what node:crypto signs', (hash) => {
    const data = Buffer.from('kyso');
    const signature = sign(NODE[hash], data, privateKey);
    // Undoing the RSA operation of a PKCS#1 v1.5 signature yields exactly the DigestInfo that was signed.
    const signed = publicDecrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, signature);
    expect(digestInfo(hash, createHash(NODE[hash]).update(data).digest()).equals(signed)).toBe(true);
  });
});

describe('pssMechanism', () => {
  it('usesMgf1OfTheSameHash_andSaltOfHashLength', () => {
    expect(pssMechanism('SHA-256')).toEqual({ mechanism: C.CKM_RSA_PKCS_PSS, parameter: { type: C.CK_PARAMS_RSA_PSS, hashAlg: C.CKM_SHA256, mgf: C.CKG_MGF1_SHA256, saltLen: 32 } });
    expect(pssMechanism('SHA-512').parameter).toMatchObject({ hashAlg: C.CKM_SHA512, mgf: C.CKG_MGF1_SHA512, saltLen: 64 });
  });
});

describe('ecdsaRawToDer', () => {
  it('roundTripsWithNodeCrypto_forP256AndP384', () => {
    for (const namedCurve of ['P-256', 'P-384']) {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve });
      for (let i = 0; i < 20; i++) {
        const data = Buffer.from(`m${i}`);
        const raw = sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
        const der = ecdsaRawToDer(raw);
        expect(verify('sha256', data, publicKey, der)).toBe(true);
      }
    }
  });
  it('padsHighBitsAndStripsLeadingZeros', () => {
    const raw = Buffer.concat([Buffer.alloc(31), Buffer.from([0x01]), Buffer.from([0x80]), Buffer.alloc(31, 0x11)]);
    expect(ecdsaRawToDer(raw).toString('hex')).toBe(`3026020101022100${'80' + '11'.repeat(31)}`);
  });
  it('usesLongFormLengthForP521', () => {
    const der = ecdsaRawToDer(Buffer.alloc(132, 0x7f));
    expect(der.subarray(0, 3).toString('hex')).toBe('308188');
  });
  it('rejectsOddLengths', () => {
    expect(() => ecdsaRawToDer(Buffer.alloc(3))).toThrow(RangeError);
  });
});

describe('signingInput', () => {
  const d32 = new Uint8Array(32).fill(7);
  it('picksMechanismAndInputPerScheme', () => {
    const pkcs1 = signingInput('RSA', { digest: d32, hashAlgorithm: 'SHA-256' });
    expect(pkcs1).toMatchObject({ scheme: 'PKCS1v15', mechanism: { mechanism: C.CKM_RSA_PKCS } });
    expect(pkcs1.data.length).toBe(19 + 32);
    expect(signingInput('RSA', { digest: d32, hashAlgorithm: 'SHA-256', scheme: 'PSS' })).toMatchObject({ scheme: 'PSS', data: Buffer.from(d32) });
    expect(signingInput('EC', { digest: d32, hashAlgorithm: 'SHA-256' })).toMatchObject({ scheme: 'ECDSA', mechanism: { mechanism: C.CKM_ECDSA } });
  });
  it('rejectsWrongLengthsAndSchemesTheKeyCannotDo', () => {
    expect(() => signingInput('RSA', { digest: d32, hashAlgorithm: 'SHA-1' })).toThrow(expect.objectContaining({ reason: 'HASH_LENGTH_INVALID' }));
    expect(() => signingInput('RSA', { digest: new Uint8Array(0), hashAlgorithm: 'SHA-256' })).toThrow(expect.objectContaining({ reason: 'HASH_LENGTH_INVALID' }));
    expect(() => signingInput('EC', { digest: d32, hashAlgorithm: 'SHA-256', scheme: 'PSS' })).toThrow(expect.objectContaining({ reason: 'ALGORITHM_UNSUPPORTED' }));
    expect(() => signingInput('RSA', { digest: d32, hashAlgorithm: 'SHA-256', scheme: 'ECDSA' })).toThrow(expect.objectContaining({ reason: 'ALGORITHM_UNSUPPORTED' }));
    expect(() => signingInput('other', { digest: d32, hashAlgorithm: 'SHA-256' })).toThrow(expect.objectContaining({ reason: 'ALGORITHM_UNSUPPORTED' }));
    expect(() => signingInput('RSA', { digest: d32, hashAlgorithm: 'MD5' as 'SHA-256' })).toThrow(expect.objectContaining({ reason: 'ALGORITHM_UNSUPPORTED' }));
  });
});
