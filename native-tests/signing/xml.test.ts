// XMLDSig output of every profile, c14n variant and key type checked by xmlsec1 --verify; DTD/XXE refusal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeXml, signDescribedXml } from '../../agent/signing/xmldsig/index.js';
import { signXml } from '../../agent/signing/xmldsig/sign.js';
import type { XmlSignOptions } from '../../agent/core/ports.js';
import type { HashAlgorithm } from '../../agent/core/types.js';
import { fixtureSigner, kyso, tool, workDir } from './helpers.js';

const sample = (name: string): Uint8Array => new Uint8Array(readFileSync(join(import.meta.dirname, 'samples', name)));
let work: Awaited<ReturnType<typeof workDir>>;
let rootFile: string;
let caFile: string;

beforeAll(async () => {
  work = await workDir('xml');
  rootFile = await work.write('root.pem', kyso.pki.rootCertPem);
  caFile = await work.write('ca.pem', kyso.pki.caCertPem);
});
afterAll(async () => work.cleanup());

let n = 0;
async function xmlsecVerify(xml: Uint8Array, idAttrs: string[]): Promise<{ code: number; out: string }> {
  const file = await work.write(`signed-${n++}.xml`, xml);
  return tool('xmlsec1', ['--verify', '--trusted-pem', rootFile, '--untrusted-pem', caFile, ...idAttrs.flatMap((a) => [`--id-attr:${a.split('@')[0]}`, a.split('@')[1]!]), file]);
}

const C14NS = ['c14n', 'c14n-with-comments', 'exc-c14n'] as const;
const KEYS: [string, 'citizen' | 'ecPerson' | 'company', HashAlgorithm][] = [
  ['RSA-SHA256', 'citizen', 'SHA-256'],
  ['RSA-SHA1', 'company', 'SHA-1'],
  ['ECDSA-SHA256', 'ecPerson', 'SHA-256'],
];
const signingTime = new Date('2025-03-20T03:04:05Z');

describe.each(C14NS)('xmlsec1 verifies our signatures (%s)', (c14n) => {
  it.each(KEYS)('einvoice %s', async (_label, cert, hash) => {
    const out = await signXml(sample('einvoice.xml'), { profile: 'einvoice', hashAlgorithm: hash, c14n, signingTime }, fixtureSigner(cert));
    const text = Buffer.from(out).toString('utf8');
    expect(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(text).toMatch(/<DSCKS><NBan><Signature Id="seller" xmlns="http:\/\/www.w3.org\/2000\/09\/xmldsig#">/);
    expect(text).toContain('<SigningTime>2025-03-20T10:04:05+07:00</SigningTime>');
    const r = await xmlsecVerify(out, ['Id@DLHDon']);
    expect(r.out).toContain('OK');
    expect(r.code).toBe(0);
  });

  it.each(KEYS)('tax %s', async (_label, cert, hash) => {
    const out = await signXml(sample('tax-01gtgt.xml'), { profile: 'tax', hashAlgorithm: hash, c14n }, fixtureSigner(cert));
    expect(Buffer.from(out).toString('utf8')).toMatch(/<CKyDTu><Signature xmlns="http:\/\/www.w3.org\/2000\/09\/xmldsig#">/);
    const r = await xmlsecVerify(out, ['id@http://kekhaithue.gdt.gov.vn/TKhaiThue:HSoKhaiThue']);
    expect(r.code, r.out).toBe(0);
  });

  it.each(KEYS)('enveloped whole document %s', async (_label, cert, hash) => {
    const out = await signXml(sample('contract-ns.xml'), { profile: 'enveloped', hashAlgorithm: hash, c14n }, fixtureSigner(cert));
    const r = await xmlsecVerify(out, []);
    expect(r.code, r.out).toBe(0);
  });

  it('enveloped by reference id, Signature under signatureParent', async () => {
    const options: XmlSignOptions = { profile: 'enveloped', hashAlgorithm: 'SHA-256', c14n, reference: { id: 'noidung' }, signatureParent: 'ChuKy' };
    const out = await signXml(sample('contract-ns.xml'), options, fixtureSigner('citizen'));
    expect(Buffer.from(out).toString('utf8')).toMatch(/<ChuKy><Signature /);
    const r = await xmlsecVerify(out, ['Id@urn:kyso:hopdong:1:NoiDung']);
    expect(r.code, r.out).toBe(0);
  });
});

describe('describeXml hands its plan to signing: the document is parsed once', () => {
  const options = (): XmlSignOptions => ({ profile: 'einvoice', hashAlgorithm: 'SHA-256', signingTime });

  it('describe then sign from the plan gives exactly the bytes of a sign alone, verified by xmlsec1; a plan signs again', async () => {
    const input = sample('einvoice.xml');
    const alone = await signXml(input.slice(), options(), fixtureSigner('citizen'));
    const { plan } = await describeXml(input, options());
    const described = await signDescribedXml(plan, fixtureSigner('citizen'));
    expect(Buffer.from(described).equals(Buffer.from(alone))).toBe(true);
    expect(Buffer.from(await signDescribedXml(plan, fixtureSigner('citizen'))).equals(Buffer.from(alone))).toBe(true);
    const r = await xmlsecVerify(described, ['Id@DLHDon']);
    expect(r.code, r.out).toBe(0);
  });

  it('what is signed is what was described (the buffer changed afterwards is not read again); options stay with the plan', async () => {
    const input = sample('einvoice.xml');
    const original = input.slice();
    const { plan } = await describeXml(input, options());
    const at = Buffer.from(input).indexOf('72234000');
    input[at + 7] = 0x31; // the total becomes 72234001 after the user confirmed 72234000
    const signed = Buffer.from(await signDescribedXml(plan, fixtureSigner('citizen')));
    expect(signed.equals(Buffer.from(await signXml(original, options(), fixtureSigner('citizen'))))).toBe(true);
    expect(signed.toString('utf8')).toContain('72234000');
    expect(signed.toString('utf8')).not.toContain('72234001');

    const exc = await describeXml(original, { ...options(), c14n: 'exc-c14n' });
    const excOut = Buffer.from(await signDescribedXml(exc.plan, fixtureSigner('citizen')));
    expect(excOut.equals(Buffer.from(await signXml(original.slice(), { ...options(), c14n: 'exc-c14n' }, fixtureSigner('citizen'))))).toBe(true);
    expect(excOut.toString('utf8')).toContain('xml-exc-c14n');
  });
});

describe('tampering is caught by xmlsec1', () => {
  it('a changed amount in DLHDon fails verification', async () => {
    const out = Buffer.from(await signXml(sample('einvoice.xml'), { profile: 'einvoice', hashAlgorithm: 'SHA-256', signingTime }, fixtureSigner('citizen'))).toString('utf8');
    const tampered = out.replace('<TgTTTBSo>72234000</TgTTTBSo>', '<TgTTTBSo>72234001</TgTTTBSo>');
    expect(tampered).not.toBe(out);
    const r = await xmlsecVerify(new Uint8Array(Buffer.from(tampered)), ['Id@DLHDon']);
    expect(r.code).not.toBe(0);
  });
  it('a second signature (buyer) on an already signed invoice keeps both verifiable', async () => {
    const seller = await signXml(sample('einvoice.xml'), { profile: 'einvoice', hashAlgorithm: 'SHA-256', signingTime }, fixtureSigner('company'));
    const both = await signXml(seller, { profile: 'enveloped', hashAlgorithm: 'SHA-256', reference: { id: 'data' }, signatureParent: 'DSCKS', signatureId: 'buyer' }, fixtureSigner('citizen'));
    const r = await xmlsecVerify(both, ['Id@DLHDon']);
    expect(r.code, r.out).toBe(0);
  });
});

describe('unsafe or malformed input is refused before parsing', () => {
  const bad: [string, string, string][] = [
    ['XXE', '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><HDon><DLHDon Id="d">&x;</DLHDon></HDon>', 'DOCTYPE'],
    ['billion laughs', '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><a>&lol2;</a>', 'DOCTYPE'],
    ['external DTD', '<!DOCTYPE HDon SYSTEM "http://127.0.0.1:9/x.dtd"><HDon/>', 'DOCTYPE'],
    ['malformed', '<HDon><DLHDon Id="d"></HDon>', 'malformed'],
    ['undeclared entity', '<HDon><DLHDon Id="d">&nbsp;</DLHDon></HDon>', 'malformed'],
    ['not UTF-8', '\u00ff', 'UTF-8'],
    ['no DLHDon Id', '<HDon><DLHDon>x</DLHDon></HDon>', 'Id'],
    ['duplicate Id', '<HDon><DLHDon Id="d">x</DLHDon><X Id="d"/></HDon>', 'several'],
  ];
  it.each(bad)('%s → DOCUMENT_INVALID', async (_label, xml, detail) => {
    const bytes = _label === 'not UTF-8' ? Uint8Array.of(0x3c, 0x61, 0x3e, 0xff, 0x3c, 0x2f, 0x61, 0x3e) : new Uint8Array(Buffer.from(xml));
    await expect(signXml(bytes, { profile: 'einvoice', hashAlgorithm: 'SHA-256' }, fixtureSigner('citizen')))
      .rejects.toMatchObject({ reason: 'DOCUMENT_INVALID', data: { detail: expect.stringContaining(detail) } });
  });
});
