import { describe, expect, it } from 'vitest';
import { createHash, createPublicKey, verify, constants, X509Certificate } from 'node:crypto';
import { softwareSigner } from './software-signer.js';
import { createTestPki } from './test-pki.js';

describe('softwareSigner', () => {
  it('signs digests with PKCS#1 v1.5, PSS and ECDSA like a token', async () => {
    const pki = await createTestPki();
    const rsa = await pki.issue('NGUYỄN VĂN AN');
    const ec = await pki.issue('TRẦN THỊ BÌNH', 'EC-P256');
    const data = Buffer.from('Xin chào');
    const digest = createHash('sha256').update(data).digest();
    const rsaSigner = softwareSigner(rsa.keyPem, rsa.certDer, [pki.ca.certDer]);
    expect(rsaSigner.certificate.subject.commonName).toBe('NGUYỄN VĂN AN');
    expect(rsaSigner.certificate.keyAlgorithm).toBe('RSA-2048');
    const rsaPub = new X509Certificate(rsa.certDer).publicKey;
    expect(verify('sha256', data, rsaPub, await rsaSigner.sign(digest, 'SHA-256'))).toBe(true);
    const pss = await rsaSigner.sign(digest, 'SHA-256', { scheme: 'PSS' });
    expect(verify('sha256', data, { key: rsaPub, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, pss)).toBe(true);
    const ecSigner = softwareSigner(ec.keyPem, ec.certDer);
    expect(ecSigner.certificate.keyAlgorithm).toBe('EC-P256');
    const ecPub = createPublicKey(new X509Certificate(ec.certDer).publicKey.export({ format: 'pem', type: 'spki' }));
    expect(verify('sha256', data, ecPub, await ecSigner.sign(digest, 'SHA-256'))).toBe(true);
    const raw = await ecSigner.sign(digest, 'SHA-256', { ecdsaFormat: 'raw' });
    expect(raw.length).toBe(64);
    expect(verify('sha256', data, { key: ecPub, dsaEncoding: 'ieee-p1363' }, raw)).toBe(true);
    await expect(async () => rsaSigner.sign(digest.subarray(1), 'SHA-256')).rejects.toMatchObject({ reason: 'HASH_LENGTH_INVALID' });
  });
});
