// Native: the loopback OCSP responder and CRL of the status PKI, judged by openssl (the independent tool).
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStatusFixture, type StatusFixture } from '../fixtures/status.js';

const run = promisify(execFile);
let f: StatusFixture;

beforeAll(async () => {
  f = await startStatusFixture();
});
afterAll(async () => {
  await f?.close();
});

async function opensslOcsp(name: 'good' | 'revoked' | 'suspended'): Promise<string> {
  const { stdout, stderr } = await run('openssl', [
    'ocsp', '-issuer', f.pki.ca.certFile, '-cert', f.pki.certs[name].certFile, '-url', `${f.responder.baseUrl}/ocsp`,
    '-CAfile', join(f.pki.dir, 'chain.pem'), '-nonce',
  ]);
  return stdout + stderr;
}

describe('status PKI responder checked by openssl', () => {
  it('good_revoked_suspended_signedResponsesVerifyWithNonce', async () => {
    const good = await opensslOcsp('good');
    expect(good).toMatch(/Response verify OK/);
    expect(good).toMatch(/good\.pem: good/);
    const revoked = await opensslOcsp('revoked');
    expect(revoked).toMatch(/Response verify OK/);
    expect(revoked).toMatch(/revoked\.pem: revoked/);
    expect(revoked).toMatch(/Reason: keyCompromise/);
    const suspended = await opensslOcsp('suspended');
    expect(suspended).toMatch(/suspended\.pem: revoked/);
    expect(suspended).toMatch(/Reason: certificateHold/);
    expect(f.responder.hits['/ocsp']).toBe(3);
  });

  it('crl_isSignedByTheCa_andListsTheRevokedSerials', async () => {
    const crlFile = join(f.dir, 'ca.crl');
    await writeFile(crlFile, f.pki.crl);
    const { stdout, stderr } = await run('openssl', ['crl', '-inform', 'DER', '-in', crlFile, '-CAfile', f.pki.ca.certFile, '-noout', '-text']);
    expect(stderr + stdout).toMatch(/verify OK/);
    for (const name of ['revoked', 'suspended', 'crlRevoked'] as const) expect(stdout.toUpperCase()).toContain(f.pki.certs[name].serialHex.toUpperCase());
    expect(stdout.toUpperCase()).not.toContain(f.pki.certs.good.serialHex.toUpperCase());
    expect(stdout).toMatch(/Certificate Hold/);
  });
});
