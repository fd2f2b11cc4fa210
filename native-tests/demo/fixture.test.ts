// The per-run fixture as independent tools see it: openssl chain checks and names, pkcs11-tool object listings.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { CERT_NAMES } from '../../agent/demo/index.js';

const run = promisify(execFile);
const kyso = inject('kyso');

async function openssl(args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run('openssl', args);
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

async function listObjects(token: 'A' | 'B'): Promise<string> {
  const t = kyso.softhsm.tokens[token];
  const { stdout } = await run('pkcs11-tool', ['--module', kyso.softhsm.module, '--token-label', t.label, '--login', '--pin', t.pin, '--list-objects'],
    { env: { ...process.env, SOFTHSM2_CONF: kyso.softhsm.conf } });
  return stdout;
}

describe('test PKI checked with openssl', () => {
  it.each(CERT_NAMES.filter((n) => n !== 'expired' && n !== 'notYetValid'))('%s chains to KYSO TEST ROOT CA', async (name) => {
    const r = await openssl(['verify', '-CAfile', kyso.pki.chainFile, kyso.pki.certs[name].certFile]);
    expect(r.out).toContain(': OK');
    expect(r.code).toBe(0);
  });

  it('expired and notYetValid fail verification with the validity errors', async () => {
    const expired = await openssl(['verify', '-CAfile', kyso.pki.chainFile, kyso.pki.certs.expired.certFile]);
    expect(expired.code).not.toBe(0);
    expect(expired.out).toMatch(/error 10 at 0 depth lookup: certificate has expired/);
    const future = await openssl(['verify', '-CAfile', kyso.pki.chainFile, kyso.pki.certs.notYetValid.certFile]);
    expect(future.code).not.toBe(0);
    expect(future.out).toMatch(/error 9 at 0 depth lookup: certificate is not yet valid/);
  });

  it('keeps Vietnamese subjects as UTF8String with the UID identifier', async () => {
    const text = (await openssl(['x509', '-in', kyso.pki.certs.citizen.certFile, '-noout', '-subject', '-nameopt', 'utf8,sep_comma_plus_space'])).out;
    expect(text).toContain('CN=NGUYỄN VĂN AN');
    expect(text).toContain('UID=CCCD:001099012345');
    expect(text).toContain('ST=Hà Nội');
    const company = (await openssl(['x509', '-in', kyso.pki.certs.company.certFile, '-noout', '-subject', '-nameopt', 'utf8,sep_comma_plus_space'])).out;
    expect(company).toContain('O=CÔNG TY TNHH KYSO DEMO');
    expect(company).toContain('UID=MST:0101234567');
    const asn1 = (await openssl(['asn1parse', '-in', kyso.pki.certs.citizen.certFile])).out;
    expect(asn1).toMatch(/UTF8STRING\s+:NGUYỄN VĂN AN/);
    expect(asn1).not.toMatch(/(T61STRING|BMPSTRING)/);
  });

  it('issues the key types and usages the fixture promises', async () => {
    const text = (await openssl(['x509', '-in', kyso.pki.certs.citizen.certFile, '-noout', '-text'])).out;
    expect(text).toContain('Public-Key: (2048 bit)');
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature, Non Repudiation\n/);
    expect((await openssl(['x509', '-in', kyso.pki.certs.rsa3072.certFile, '-noout', '-text'])).out).toContain('Public-Key: (3072 bit)');
    expect((await openssl(['x509', '-in', kyso.pki.certs.ecPerson.certFile, '-noout', '-text'])).out).toContain('NIST CURVE: P-256');
    const ca = (await openssl(['x509', '-in', kyso.pki.caCertFile, '-noout', '-subject', '-issuer', '-nameopt', 'utf8,sep_comma_plus_space'])).out;
    expect(ca).toContain('subject=C=VN, ST=Hà Nội, O=KYSO TEST PKI, CN=KYSO TEST CA');
    expect(ca).toContain('issuer=C=VN, ST=Hà Nội, O=KYSO TEST PKI, CN=KYSO TEST ROOT CA');
  });
});

describe('SoftHSM2 tokens checked with pkcs11-tool', () => {
  it('workers inherit SOFTHSM2_CONF from the global setup', () => {
    expect(process.env.SOFTHSM2_CONF).toBe(kyso.softhsm.conf);
  });

  it('token A holds the keys, certificates, the CA certificate and the key-only key', async () => {
    const out = await listObjects('A');
    const certs = out.split(/\n(?=\S)/).filter((b) => b.startsWith('Certificate Object'));
    const privs = out.split(/\n(?=\S)/).filter((b) => b.startsWith('Private Key Object'));
    expect(certs).toHaveLength(8); // 7 end entities + KYSO TEST CA
    expect(privs).toHaveLength(7); // 6 with certificates (not noKey) + keyOnly
    for (const name of ['citizen', 'company', 'ecPerson', 'rsa3072', 'expired', 'notYetValid', 'noKey'] as const) {
      const c = kyso.pki.certs[name];
      const block = certs.find((b) => b.includes(`label:      ${name}\n`));
      expect(block, name).toBeDefined();
      expect(block).toContain(`ID:         ${c.ckaIdHex}`);
      expect(privs.some((b) => b.includes(`ID:         ${c.ckaIdHex}`))).toBe(name !== 'noKey');
    }
    expect(privs.some((b) => b.includes(`ID:         ${kyso.pki.keyOnly.ckaIdHex}`) && b.includes('label:      keyOnly'))).toBe(true);
    expect(certs.some((b) => b.includes('label:      KYSO TEST CA'))).toBe(true);
    expect(out).toMatch(/Private Key Object; EC/);
  });

  it('token B holds exactly the tokenB key and certificate', async () => {
    const out = await listObjects('B');
    const blocks = out.split(/\n(?=\S)/);
    expect(blocks.filter((b) => b.startsWith('Certificate Object'))).toHaveLength(1);
    expect(blocks.filter((b) => b.startsWith('Private Key Object'))).toHaveLength(1);
    expect(out).toContain(`ID:         ${kyso.pki.certs.tokenB.ckaIdHex}`);
  });

  it('wrong PIN is refused by the token', async () => {
    await expect(run('pkcs11-tool', ['--module', kyso.softhsm.module, '--token-label', 'KYSO TOKEN B', '--login', '--pin', '000000', '--list-objects'],
      { env: { ...process.env, SOFTHSM2_CONF: kyso.softhsm.conf } })).rejects.toThrow(/CKR_PIN_INCORRECT/);
  });
});
