// The VNPT certificate checks over a scripted certificate-status service: chain, revocation and the policy's
// revocationCheck decide ValidateCertificate / CheckOCSP, and page certificates are asked as `document` queries.
import { beforeAll, describe, expect, it } from 'vitest';
import type { RevocationCheck } from '../core/policy/policy.js';
import type { StatusQuery, StatusReport } from '../core/status/port.js';
import { createTestPki, type TestPki } from '../signing/testing/test-pki.js';
import { osFamily, statusCertificateChecks } from './vnpt-ports.js';

let pki: TestPki;
let other: TestPki;
let leaf: Uint8Array;
let stranger: Uint8Array;
beforeAll(async () => {
  pki = await createTestPki();
  other = await createTestPki();
  leaf = (await pki.issue('NGUYỄN VĂN AN')).certDer;
  stranger = (await other.issue('NGƯỜI LẠ')).certDer;
});

function setup(answer: StatusReport['status'], policy: RevocationCheck = 'warn') {
  const queries: StatusQuery[] = [];
  const checks = statusCertificateChecks({
    status: { check: async (q) => (queries.push(q), { status: answer, source: answer === 'unknown' ? 'none' : 'ocsp', fromCache: false, checkedAt: new Date().toISOString() }) },
    anchors: () => [pki.root.certDer, pki.ca.certDer],
    revocationCheck: () => policy,
  });
  return { checks, queries };
}

describe('VNPT certificate checks on the status service', () => {
  it('validate: good → valid, revoked → revoked, unknown → valid under warn and revocationUnknown under require', async () => {
    const now = new Date();
    expect(await setup('good').checks.validate(leaf, now, 'token')).toBe('valid');
    expect(await setup('revoked').checks.validate(leaf, now, 'token')).toBe('revoked');
    expect(await setup('unknown').checks.validate(leaf, now, 'token')).toBe('valid');
    expect(await setup('unknown', 'require').checks.validate(leaf, now, 'token')).toBe('revocationUnknown');
    const off = setup('revoked', 'off');
    expect(await off.checks.validate(leaf, now, 'token')).toBe('valid');
    expect(off.queries).toHaveLength(0);
  });

  it('a certificate outside the anchors is untrusted; the period is checked at the time asked; garbage is unreadable', async () => {
    const now = new Date();
    expect(await setup('good').checks.validate(stranger, now, 'document')).toBe('untrusted');
    expect(await setup('good').checks.revocation(stranger, now, { via: 'ocsp' }, 'document')).toBe('untrusted');
    expect(await setup('good').checks.validity(leaf, new Date(now.getTime() + 3 * 365 * 86_400_000))).toBe('expired');
    expect(await setup('good').checks.validity(leaf, new Date(now.getTime() - 30 * 86_400_000))).toBe('notYetValid');
    expect(await setup('good').checks.validate(new Uint8Array([1, 2, 3]), now, 'document')).toBe('unreadable');
  });

  it('revocation answers the status: good → valid, revoked → revoked, unknown → revocationUnknown; the purpose is passed on', async () => {
    const now = new Date();
    const { checks, queries } = setup('revoked');
    expect(await checks.revocation(leaf, now, { via: 'crl' }, 'document')).toBe('revoked');
    expect(queries[0]!.purpose).toBe('document');
    expect(await setup('good').checks.revocation(leaf, now, { via: 'ocsp' }, 'token')).toBe('valid');
    expect(await setup('unknown').checks.revocation(leaf, now, { via: 'ocsp' }, 'token')).toBe('revocationUnknown');
  });

  it('osFamily names the family only', () => {
    expect(['win32', 'darwin', 'linux', 'freebsd'].map(osFamily)).toEqual(['Windows', 'macOS', 'Linux', 'other']);
  });
});
