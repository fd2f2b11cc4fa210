// verifyCms/verifyXml on our outputs and on outputs of independent tools (openssl cms -sign, xmlsec1 --sign).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createCades } from '../../agent/signing/cms/cades.js';
import { signXml } from '../../agent/signing/xmldsig/sign.js';
import { verifyCms, verifyXml } from '../../agent/signing/verify/index.js';
import { fixtureSigner, kyso, tool, workDir } from './helpers.js';
import { startLocalTsa, type LocalTsa } from './tsa-server.js';

const der = (b64: string): Uint8Array => new Uint8Array(Buffer.from(b64, 'base64'));
const anchors = (): Uint8Array[] => [der(kyso.pki.rootDerBase64)];
const sample = (name: string): Uint8Array => new Uint8Array(readFileSync(join(import.meta.dirname, 'samples', name)));
const content = new Uint8Array(Buffer.from('Hồ sơ đề nghị cấp giấy phép xây dựng — bản scan\n'.repeat(500)));
let tsa: LocalTsa;
let work: Awaited<ReturnType<typeof workDir>>;

beforeAll(async () => {
  tsa = await startLocalTsa();
  work = await workDir('verify');
});
afterAll(async () => {
  await tsa.close();
  await work.cleanup();
});

describe('verifyCms', () => {
  it('reports signer, time, integrity, timestamp and chain of a B-T signature', async () => {
    const signingTime = new Date('2025-03-20T03:04:05Z');
    const cms = await createCades({ data: content }, { hashAlgorithm: 'SHA-256', detached: true, signingTime, timestamp: { url: tsa.url } }, fixtureSigner('citizen'));
    const [r] = await verifyCms(cms, content, { trustAnchors: [...anchors(), tsa.pki.root.certDer] });
    expect(r).toMatchObject({ signer: kyso.pki.certs.citizen.commonName, integrity: true, chainValid: true, coversWholeDocument: true });
    expect(r!.signingTime?.toISOString()).toBe(signingTime.toISOString());
    expect(r!.timestamp).toMatchObject({ valid: true, tsa: 'KYSO TEST TSA', chainValid: true });
  });

  it('flags wrong content, missing content and an unknown root', async () => {
    const cms = await createCades({ data: content }, { hashAlgorithm: 'SHA-256', detached: true, signingTime: false }, fixtureSigner('ecPerson'));
    const tampered = content.slice();
    tampered[10] = (tampered[10] ?? 0) ^ 1;
    expect((await verifyCms(cms, tampered))[0]).toMatchObject({ integrity: false, problem: expect.stringContaining('messageDigest') });
    expect((await verifyCms(cms))[0]).toMatchObject({ integrity: false, problem: expect.stringContaining('content is needed') });
    expect((await verifyCms(cms, content, { trustAnchors: [tsa.pki.root.certDer] }))[0]).toMatchObject({ integrity: true, chainValid: false });
    await expect(verifyCms(new Uint8Array([1, 2, 3]))).rejects.toMatchObject({ reason: 'DOCUMENT_INVALID' });
  });

  it('verifies a CMS made by openssl cms -sign (independent producer)', async () => {
    const c = kyso.pki.certs.company;
    const dataFile = await work.write('data.bin', content);
    const keyFile = await work.write('k.pem', c.keyPem!);
    const out = join(work.dir, 'o.p7s');
    const r = await tool('openssl', ['cms', '-sign', '-binary', '-in', dataFile, '-signer', c.certFile, '-inkey', keyFile, '-outform', 'DER', '-out', out, '-certfile', kyso.pki.chainFile]);
    expect(r.code, r.out).toBe(0);
    const [rep] = await verifyCms(new Uint8Array(await readFile(out)), content, { trustAnchors: anchors() });
    expect(rep).toMatchObject({ integrity: true, chainValid: true, signer: c.commonName });
  });
});

describe('verifyXml', () => {
  it('reports our e-invoice signature (not whole document) and a whole-document enveloped one', async () => {
    const signingTime = new Date('2025-03-20T03:04:05Z');
    const inv = await signXml(sample('einvoice.xml'), { profile: 'einvoice', hashAlgorithm: 'SHA-256', signingTime, c14n: 'exc-c14n' }, fixtureSigner('ecPerson'));
    const [r] = await verifyXml(inv, { trustAnchors: anchors(), intermediates: [der(kyso.pki.caDerBase64)] });
    expect(r).toMatchObject({ id: 'seller', integrity: true, chainValid: true, coversWholeDocument: false, signer: kyso.pki.certs.ecPerson.commonName });
    expect(r!.signingTime?.toISOString()).toBe(signingTime.toISOString());
    const whole = await signXml(sample('contract-ns.xml'), { profile: 'enveloped', hashAlgorithm: 'SHA-1', c14n: 'c14n-with-comments' }, fixtureSigner('company'));
    expect((await verifyXml(whole))[0]).toMatchObject({ integrity: true, coversWholeDocument: true });
    const tampered = Buffer.from(whole).toString('utf8').replace('Nguyễn Văn An', 'Nguyễn Văn Ân');
    expect((await verifyXml(new Uint8Array(Buffer.from(tampered))))[0]).toMatchObject({ integrity: false, problem: expect.stringContaining('digest mismatch') });
  });

  it('verifies an e-invoice signed by xmlsec1 --sign (independent producer)', async () => {
    const c = kyso.pki.certs.citizen;
    const template = Buffer.from(sample('einvoice.xml')).toString('utf8').replace('</HDon>', `<DSCKS><NBan><Signature xmlns="http://www.w3.org/2000/09/xmldsig#" Id="seller"><SignedInfo><CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/><SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><Reference URI="#data"><Transforms><Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/></Transforms><DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><DigestValue/></Reference></SignedInfo><SignatureValue/><KeyInfo><X509Data/></KeyInfo></Signature></NBan></DSCKS></HDon>`);
    const tpl = await work.write('tpl.xml', template);
    const keyFile = await work.write('ck.pem', c.keyPem!);
    const out = join(work.dir, 'xmlsec-signed.xml');
    const r = await tool('xmlsec1', ['--sign', '--privkey-pem', `${keyFile},${c.certFile}`, '--id-attr:Id', 'DLHDon', '--output', out, tpl]);
    expect(r.code, r.out).toBe(0);
    const [rep] = await verifyXml(new Uint8Array(await readFile(out)), { trustAnchors: anchors(), intermediates: [der(kyso.pki.caDerBase64)] });
    expect(rep).toMatchObject({ integrity: true, chainValid: true, signer: c.commonName });
  });
});
