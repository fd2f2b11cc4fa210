// Native: PAdES B-LT and B-LTA built from the status service's evidence, judged by pyHanko (embedded revocation
// data only, at the claimed level) and pdfsig; earlier signatures stay valid when a signed file is extended.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { longTermMaterial } from '../../agent/core/status/long-term.js';
import { extendToLongTerm } from '../../agent/signing/pades/ltv.js';
import { makePdf } from '../signing/pdf-fixtures/make.js';
import { venvPython } from '../validators/paths.js';
import { longTermFixture, signAtLevel, statusService } from './long-term-signing.js';

const run = promisify(execFile);
const fx = longTermFixture('kyso-lt-');

const status = () => statusService(fx.f);
const sign = (pdf: Uint8Array, level: 'B-B' | 'B-T' | 'B-LT' | 'B-LTA') => signAtLevel(fx.f, fx.tsa, pdf, level);

interface PyhankoView {
  signatures: string[];
  signatureTimestamps: boolean[];
  documentTimestamps: number;
  dss: { Certs: number; OCSPs: number; CRLs: number; vri: string[] } | null;
  dssCoveredByDocTimestamp?: boolean;
}

/** pyHanko's view of the file (reader) and its AdES verdict (`adesverify`, embedded validation data, LTA model). */
async function pyhanko(pdf: Uint8Array, level: 'B-LT' | 'B-LTA'): Promise<{ view: PyhankoView; verdict: string; code: number }> {
  const file = join(fx.dir, `${level}-${Date.now()}.pdf`);
  await writeFile(file, pdf);
  if (process.env.KYSO_LT_DUMP) await writeFile(join(process.env.KYSO_LT_DUMP, `${level}.pdf`), pdf);
  const { stdout } = await run(venvPython, [join(__dirname, '..', 'validators', 'pyhanko_ltv.py'), file]);
  const args = ['-m', 'pyhanko', 'sign', 'adesverify', '--pretty-print', '--trust-replace', '--trust', fx.f.pki.root.certFile, ...tsaRoots().flatMap((t) => ['--trust', t]), file];
  const r = await run(venvPython, args, { maxBuffer: 16 << 20 }).then(
    (x) => ({ code: 0, out: x.stdout + x.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
  );
  return { view: JSON.parse(stdout) as PyhankoView, verdict: r.out, code: r.code };
}
/** The test TSA's own certificate is trusted directly (its test PKI publishes no revocation data). */
function tsaRoots(): string[] {
  return [fx.tsa.tsaCertFile];
}
async function pdfsig(pdf: Uint8Array): Promise<string> {
  const file = join(fx.dir, `pdfsig-${Date.now()}.pdf`);
  await writeFile(file, pdf);
  const { stdout } = await run('pdfsig', ['-nocert', file]).catch((e: { stdout: string }) => ({ stdout: e.stdout }));
  return stdout;
}

describe('PAdES long-term levels', () => {
  it('B-LT_isValidForPyHankoWithEmbeddedRevocationData_andPdfsig', async () => {
    const out = await sign(await makePdf({ pages: 2 }), 'B-LT');
    const text = Buffer.from(out).toString('latin1');
    expect(text).toMatch(/\/DSS \d+ 0 R/);
    expect(text).toMatch(/\/VRI/);
    const r = await pyhanko(out, 'B-LT');
    expect(r.view.signatures).toHaveLength(1);
    expect(r.view.signatureTimestamps).toEqual([true]);
    expect(r.view.dss).toMatchObject({ Certs: 3, OCSPs: 1, CRLs: 2 });
    expect(r.view.dss!.vri).toHaveLength(1);
    expect(r.verdict).toMatch(/The signer's certificate is trusted/);
    expect(r.verdict).toMatch(/The signature is judged VALID/);
    expect(r.code).toBe(0);
    expect(await pdfsig(out)).toMatch(/Signature Validation: Signature is Valid/);
  });

  it('B-LTA_addsADocumentTimestamp_validForPyHankoAtLta', async () => {
    const out = await sign(await makePdf(), 'B-LTA');
    expect(Buffer.from(out).toString('latin1')).toMatch(/\/SubFilter \/ETSI\.RFC3161/);
    const r = await pyhanko(out, 'B-LTA');
    expect(r.view.documentTimestamps).toBe(1);
    expect(r.view.dssCoveredByDocTimestamp).toBe(true);
    expect(r.verdict).toMatch(/The signature is judged VALID/);
    expect(r.code).toBe(0);
  });

  it('extendingAnAlreadySignedFile_keepsTheEarlierSignatureValid', async () => {
    const bt = await sign(await makePdf(), 'B-T');
    const material = await longTermMaterial(status(), fx.f.pki.certs.good.der, [fx.f.pki.ca.der]);
    const lt = await extendToLongTerm(bt, { level: 'B-LT', material, hashAlgorithm: 'SHA-256' });
    expect(Buffer.from(lt.subarray(0, bt.length)).equals(Buffer.from(bt))).toBe(true);
    const r = await pyhanko(lt, 'B-LT');
    expect(r.verdict).toMatch(/The signature is judged VALID/);
    expect(r.verdict).toMatch(/All modifications relate to signature maintenance/);
    const sig = await pdfsig(lt);
    expect(sig).toMatch(/Signature is Valid/);
    expect(sig).not.toMatch(/Signature is Invalid/);
  });

  it('revokedSigner_noLongTermMaterial_CERTIFICATE_NOT_FOUND', async () => {
    await expect(longTermMaterial(status(), fx.f.pki.certs.revoked.der, [fx.f.pki.ca.der])).rejects.toMatchObject({ reason: 'CERTIFICATE_NOT_FOUND' });
  });
});
