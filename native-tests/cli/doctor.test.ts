// `kyso-agent doctor --json` on real modules: both SoftHSM2 tokens and the NSS token with their certificates and
// Vietnamese identifiers, and every module it tried with its outcome (including one it had to refuse).
import { chmod, copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { run } from '../../agent/cli/main.js';
import type { DoctorReport } from '../../agent/cli/doctor.js';

const k = inject('kyso');
let dir: string;

beforeAll(async () => {
  process.env.SOFTHSM2_CONF = k.softhsm.conf;
  dir = await mkdtemp(join(tmpdir(), 'kyso-doctor-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('kyso-agent doctor --json', () => {
  it('lists both SoftHSM2 tokens and the NSS token with certificates, identifiers and every module outcome', async () => {
    // A planted module: a copy of SoftHSM2 that anyone may overwrite must be refused, never loaded (T11).
    const planted = join(dir, 'planted-pkcs11.so');
    await copyFile(k.softhsm.module, planted);
    await chmod(planted, 0o666);
    const policy = join(dir, 'policy.json');
    await writeFile(policy, JSON.stringify({
      modules: [
        { name: 'SoftHSM2', path: k.softhsm.module },
        { name: 'NSS softokn', path: k.nss.module, libraryParameters: k.nss.libraryParameters },
        { name: 'Planted', path: planted },
        { name: 'Missing vendor', path: '/opt/vendor-that-is-not-here/libp11.so' },
      ],
    }));
    const out: string[] = [];
    const err: string[] = [];
    const env = { ...process.env, KYSO_AGENT_HOME: join(dir, 'data'), KYSO_AGENT_POLICY: policy, HOME: dir, KYSO_PKCS11_MODULES: '' };
    const code = await run(['doctor', '--json'], { out: (t) => out.push(t), err: (t) => err.push(t), env });
    expect(code, err.join('\n')).toBe(0);
    const report = JSON.parse(out.join('')) as DoctorReport;

    const byPath = new Map(report.modules.map((m) => [m.path, m]));
    expect(byPath.get(k.softhsm.module)?.status).toBe('loaded');
    expect(byPath.get(k.nss.module)?.status).toBe('loaded');
    expect(byPath.get(planted)?.status).toBe('refused');
    expect(byPath.get(planted)?.reason).toMatch(/writable/i);
    expect(byPath.get('/opt/vendor-that-is-not-here/libp11.so')?.status).toBe('notFound');

    const labels = report.tokens.map((t) => t.label);
    expect(labels).toEqual(expect.arrayContaining([k.softhsm.tokens.A.label, k.softhsm.tokens.B.label, k.nss.tokenLabel]));
    for (const t of report.tokens) expect(JSON.stringify(t)).not.toContain('/');

    const certs = new Map(report.certificates.map((c) => [c.thumbprintSha256, c]));
    const citizen = certs.get(k.pki.certs.citizen.thumbprintSha256);
    expect(citizen?.identifiers).toEqual({ citizenId: '001099012345' });
    expect(citizen?.subject).toContain('NGUYỄN VĂN AN');
    expect(certs.get(k.pki.certs.company.thumbprintSha256)?.identifiers).toEqual({ taxCode: '0101234567' });
    expect(certs.get(k.pki.certs.expired.thumbprintSha256)?.status).toBe('expired');
    expect(certs.get(k.pki.certs.tokenB.thumbprintSha256)).toBeDefined();
    expect(certs.get(k.pki.certs.nss.thumbprintSha256)).toBeDefined();
    expect(certs.get(k.pki.certs.ecPerson.thumbprintSha256)?.keyAlgorithm).toBe('EC-P256');

    // What to do next, from the real outcome: the planted module is refused with a fix, the fresh HOME has no CA.
    const advice = new Map(report.advice.map((a) => [a.code, a]));
    expect(advice.get('DRIVER_REFUSED')?.fix).toContain(planted);
    expect(advice.get('CA_NOT_TRUSTED')?.fix).toBe('kyso-agent ca install');
    expect(advice.has('NO_DRIVER')).toBe(false);
    expect(report.vendors.map((v) => v.vendor)).toEqual(expect.arrayContaining(['VNPT-CA', 'Viettel-CA', 'BKAV-CA']));
  });
});
