// CMS/CAdES output checked by openssl cms -verify (detached, attached, PKCS#1 v1.5, PSS, ECDSA, B-T with a local TSA).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { createCades } from '../../agent/signing/cms/cades.js';
import { requestTimestamp } from '../../agent/signing/tsa/client.js';
import { fixtureSigner, kyso, tool, workDir } from './helpers.js';
import { startLocalTsa, type LocalTsa } from './tsa-server.js';

let tsa: LocalTsa;
let work: Awaited<ReturnType<typeof workDir>>;
const content = Buffer.from('Tờ khai thuế GTGT mẫu 01/GTGT — kỳ tính thuế tháng 03/2025\n'.repeat(200));
const signingTime = new Date('2025-03-20T03:04:05Z');

beforeAll(async () => {
  tsa = await startLocalTsa();
  work = await workDir('cms');
});
afterAll(async () => {
  await tsa.close();
  await work.cleanup();
});

async function opensslVerify(cms: Uint8Array, detached: boolean): Promise<{ code: number; out: string }> {
  const cmsFile = await work.write(`${randomBytes(4).toString('hex')}.p7s`, cms);
  const dataFile = await work.write('content.txt', content);
  const outFile = `${cmsFile}.out`;
  const args = ['cms', '-verify', '-binary', '-inform', 'DER', '-in', cmsFile, '-CAfile', kyso.pki.chainFile, '-purpose', 'any', '-out', outFile];
  if (detached) args.push('-content', dataFile);
  return tool('openssl', args);
}

describe('createCades checked with openssl cms -verify', () => {
  it.each([
    ['citizen', 'PKCS1v15', 'SHA-256'],
    ['citizen', 'PSS', 'SHA-256'],
    ['rsa3072', 'PKCS1v15', 'SHA-512'],
    ['ecPerson', 'ECDSA', 'SHA-256'],
    ['ecPerson', 'ECDSA', 'SHA-384'],
  ] as const)('%s %s %s detached verifies', async (name, scheme, hash) => {
    const cms = await createCades({ data: content }, { hashAlgorithm: hash, detached: true, signingTime, scheme }, fixtureSigner(name));
    const r = await opensslVerify(cms, true);
    expect(r.out).toContain('Verification successful');
    expect(r.code).toBe(0);
    const printed = await tool('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', await work.write('p.p7s', cms)]);
    expect(printed.out).toContain('signingTime');
    expect(printed.out).toContain('id-smime-aa-signingCertificateV2');
    if (scheme === 'PSS') expect(printed.out).toContain('rsassaPss');
  });

  it('attached verifies and carries the content', async () => {
    const cms = await createCades({ data: content }, { hashAlgorithm: 'SHA-256', detached: false, signingTime }, fixtureSigner('company'));
    const r = await opensslVerify(cms, false);
    expect(r.code).toBe(0);
    expect(Buffer.from(cms).includes(content)).toBe(true);
  });

  it('from a precomputed hash equals the detached signature over the data, and a wrong content fails', async () => {
    const hash = createHash('sha256').update(content).digest();
    const cms = await createCades({ hash, hashAlgorithm: 'SHA-256' }, { hashAlgorithm: 'SHA-256', detached: true, signingTime: false }, fixtureSigner('citizen'));
    expect((await opensslVerify(cms, true)).code).toBe(0);
    const printed = await tool('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', await work.write('h.p7s', cms)]);
    expect(printed.out).not.toContain('signingTime');
    const other = await work.write('other.txt', Buffer.concat([content, Buffer.from('x')]));
    const bad = await tool('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', await work.write('h2.p7s', cms), '-content', other, '-CAfile', kyso.pki.chainFile, '-purpose', 'any']);
    expect(bad.code).not.toBe(0);
  });

  it('B-T adds a signature timestamp that openssl ts -verify accepts over the signature value', async () => {
    const cms = await createCades({ data: content }, { hashAlgorithm: 'SHA-256', detached: true, signingTime, timestamp: { url: tsa.url } }, fixtureSigner('citizen'));
    expect((await opensslVerify(cms, true)).code).toBe(0);
    const printed = await tool('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', await work.write('t.p7s', cms)]);
    expect(printed.out).toContain('id-smime-aa-timeStampToken');
    // Extract the token and the signature value with pkijs, then let openssl check imprint and TSA chain.
    const pkijs = await import('pkijs');
    const sd = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(new Uint8Array(cms)).content });
    const si = sd.signerInfos[0]!;
    const token = si.unsignedAttrs!.attributes[0]!.values[0]!.toBER(false);
    const sigValue = si.signature.valueBlock.valueHexView;
    const tokenFile = await work.write('token.der', new Uint8Array(token));
    const sigFile = await work.write('sig.bin', sigValue);
    const v = await tool('openssl', ['ts', '-verify', '-token_in', '-in', tokenFile, '-data', sigFile, '-CAfile', tsa.chainFile]);
    expect(v.out).toContain('Verification: OK');
  });
});

describe('RFC 3161 client against the local TSA', () => {
  const digest = createHash('sha256').update('dữ liệu').digest();
  it('gets a checked token', async () => {
    const t = await requestTimestamp(tsa.url, digest, 'SHA-256');
    expect(Math.abs(t.genTime.getTime() - Date.now())).toBeLessThan(60_000);
    expect(t.token[0]).toBe(0x30);
  });
  it.each([
    ['reject', 'refused'],
    ['garbage', 'not a TimeStampResp'],
    ['http500', 'HTTP 500'],
    ['other-imprint', 'message imprint'],
    ['no-nonce', 'nonce'],
  ])('%s → TSA_FAILED', async (mode, detail) => {
    await expect(requestTimestamp(`${tsa.url}${mode}`, digest, 'SHA-256')).rejects.toMatchObject({ reason: 'TSA_FAILED', data: { detail: expect.stringContaining(detail) } });
  });
  it('times out within the bound', async () => {
    const started = Date.now();
    await expect(requestTimestamp(`${tsa.url}hang`, digest, 'SHA-256', { timeoutMs: 300 })).rejects.toMatchObject({ reason: 'TSA_FAILED' });
    expect(Date.now() - started).toBeLessThan(3000);
  });
  it('unreachable TSA → TSA_FAILED', async () => {
    await expect(requestTimestamp('http://127.0.0.1:1/', digest, 'SHA-256')).rejects.toMatchObject({ reason: 'TSA_FAILED' });
  });
});
