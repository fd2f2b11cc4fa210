import { beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { createCades } from './cms/cades.js';
import { createDocumentSigners } from './index.js';
import { verifyCms, verifyXml } from './verify/index.js';
import { ecdsaDerToRaw, ecdsaRawToDer } from '../asn1/index.js';
import { softwareSigner } from './testing/software-signer.js';
import { createTestPki, type TestPki } from './testing/test-pki.js';
import type { DigestSigner } from '../core/ports.js';

let pki: TestPki;
let rsa: DigestSigner;
let ec: DigestSigner;
const data = new Uint8Array(Buffer.from('Quyết định phê duyệt hồ sơ số 123/QĐ-UBND\n'.repeat(100)));
const invoice = new TextEncoder().encode('<?xml version="1.0" encoding="UTF-8"?>\n<HDon><DLHDon Id="d1"><TTChung><SHDon>7</SHDon></TTChung><NDHDon><NBan><Ten>Công ty A</Ten></NBan></NDHDon></DLHDon></HDon>');

beforeAll(async () => {
  pki = await createTestPki();
  const a = await pki.issue('NGUYỄN VĂN AN');
  const b = await pki.issue('TRẦN THỊ BÌNH', 'EC-P256');
  rsa = softwareSigner(a.keyPem, a.certDer, [pki.ca.certDer]);
  ec = softwareSigner(b.keyPem, b.certDer, [pki.ca.certDer]);
});

describe('createCades + verifyCms', () => {
  it('detached RSA with signing time verifies and chains to the root', async () => {
    const t = new Date(Math.floor(Date.now() / 1000) * 1000);
    const cms = await createCades({ data }, { hashAlgorithm: 'SHA-256', detached: true, signingTime: t }, rsa);
    const [r] = await verifyCms(cms, data, { trustAnchors: [pki.root.certDer] });
    expect(r).toMatchObject({ signer: 'NGUYỄN VĂN AN', integrity: true, chainValid: true });
    expect(r!.signingTime?.getTime()).toBe(t.getTime());
  });
  it('PAdES mode omits signingTime; attached EC carries the content', async () => {
    const hash = createHash('sha384').update(data).digest();
    const pades = await createCades({ hash, hashAlgorithm: 'SHA-384' }, { hashAlgorithm: 'SHA-256', detached: true, signingTime: new Date(), pades: true }, ec);
    const [p] = await verifyCms(pades, data);
    expect(p).toMatchObject({ integrity: true });
    expect(p!.signingTime).toBeUndefined();
    const attached = await createCades({ data }, { hashAlgorithm: 'SHA-256', detached: false, signingTime: false }, ec);
    expect((await verifyCms(attached))[0]).toMatchObject({ integrity: true, signer: 'TRẦN THỊ BÌNH' });
  });
  it('rejects a wrong hash length and attached-from-hash', async () => {
    await expect(createCades({ hash: new Uint8Array(31), hashAlgorithm: 'SHA-256' }, { hashAlgorithm: 'SHA-256', detached: true, signingTime: false }, rsa))
      .rejects.toMatchObject({ reason: 'HASH_LENGTH_INVALID' });
    await expect(createCades({ hash: new Uint8Array(32), hashAlgorithm: 'SHA-256' }, { hashAlgorithm: 'SHA-256', detached: false, signingTime: false }, rsa))
      .rejects.toMatchObject({ reason: 'INVALID_PARAMS' });
  });
});

describe('DocumentSigners xml', () => {
  it('describes, signs and verifies an e-invoice; bad input is DOCUMENT_INVALID', async () => {
    const signers = createDocumentSigners();
    const d = await signers.describeXml(invoice, { profile: 'einvoice', hashAlgorithm: 'SHA-256' });
    expect(d.description).toMatchObject({ size: invoice.length, sha256Hex: createHash('sha256').update(invoice).digest('hex') });
    expect(d.description.summary?.facts).toEqual(expect.arrayContaining([{ label: 'Số hoá đơn / Number', value: '7' }, { label: 'Người bán / Seller', value: 'Công ty A' }]));
    const seller = { profile: 'einvoice', hashAlgorithm: 'SHA-256', signatureId: 'seller' } as const;
    const out = await signers.signXml((await signers.describeXml(invoice, seller)).plan, ec);
    const text = new TextDecoder().decode(out);
    expect(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    const [r] = await verifyXml(out, { trustAnchors: [pki.root.certDer], intermediates: [pki.ca.certDer] });
    expect(r).toMatchObject({ id: 'seller', integrity: true, chainValid: true, signer: 'TRẦN THỊ BÌNH' });
    await expect(signers.signXml((await signers.describeXml(out, seller)).plan, ec))
      .rejects.toMatchObject({ reason: 'DOCUMENT_INVALID', data: { detail: expect.stringContaining('already') } });
    await expect(signers.describeXml(new TextEncoder().encode('<HDon><DLHDon>x</DLHDon></HDon>'), { profile: 'einvoice', hashAlgorithm: 'SHA-256' }))
      .rejects.toMatchObject({ reason: 'DOCUMENT_INVALID' });
    await expect(signers.describeXml(new TextEncoder().encode('<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'), { profile: 'enveloped', hashAlgorithm: 'SHA-256' }))
      .rejects.toMatchObject({ reason: 'DOCUMENT_INVALID' });
  });
});

describe('ecdsa-format', () => {
  it('round-trips raw r||s with leading zeros and high bits', () => {
    const raw = new Uint8Array(64);
    raw[0] = 0; raw[1] = 0x80; raw[32] = 0xff; raw[63] = 1;
    expect(Buffer.from(ecdsaDerToRaw(ecdsaRawToDer(raw), 32))).toEqual(Buffer.from(raw));
  });
});
