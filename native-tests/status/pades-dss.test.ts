// Native: the EU DSS library (an independent validator built from Maven Central, offline: only the data in the file
// and the test anchors) judges our PAdES outputs at the level they claim: B-B is BASELINE-B (indeterminate offline,
// no revocation data), B-LT and B-LTA are TOTAL_PASSED at BASELINE-LT / -LTA, a signed B-T file extended to B-LT is
// BASELINE-LT, and a second signature added with B-LT keeps the first one valid.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { longTermMaterial } from '../../agent/core/status/long-term.js';
import { extendToLongTerm } from '../../agent/signing/pades/ltv.js';
import { makePdf } from '../signing/pdf-fixtures/make.js';
import { validatorJar } from '../validators/paths.js';
import { longTermFixture, signAtLevel, statusService } from './long-term-signing.js';

const run = promisify(execFile);
const fx = longTermFixture('kyso-dss-');

interface DssSignature {
  id: string;
  indication: string;
  subIndication: string | null;
  format: string;
  signedBy: string;
  timestamps: { indication: string }[];
  errors: string[];
  warnings: string[];
}
interface DssReport { signatures: DssSignature[]; timestamps: { id: string; indication: string }[] }

/** DSS's simple report. Anchors: the status PKI's root and the test TSA's certificate (its PKI publishes no status). */
async function dss(pdf: Uint8Array, name: string): Promise<DssReport> {
  const file = join(fx.dir, `${name}.pdf`);
  await writeFile(file, pdf);
  // C1 JIT and the serial GC: a short run, less CPU on a shared machine.
  const { stdout } = await run('java', ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-jar', validatorJar('dss'), file, '--trust', fx.f.pki.root.certFile, '--trust', fx.tsa.tsaCertFile], { maxBuffer: 16 << 20 });
  return JSON.parse(stdout) as DssReport;
}

const sign = (pdf: Uint8Array, level: 'B-B' | 'B-T' | 'B-LT' | 'B-LTA') => signAtLevel(fx.f, fx.tsa, pdf, level);

describe('EU DSS judges the PAdES levels', () => {
  it('B-B_isBaselineB_andOfflineIndeterminateForWantOfRevocationData', async () => {
    // A B-B carries no revocation data; offline, DSS cannot conclude on the chain (which is why B-LT exists).
    const r = await dss(await sign(await makePdf(), 'B-B'), 'b-b');
    expect(r.signatures).toHaveLength(1);
    expect(r.signatures[0]).toMatchObject({ format: 'PAdES-BASELINE-B', signedBy: 'TRẠNG THÁI TỐT', indication: 'INDETERMINATE', subIndication: 'CERTIFICATE_CHAIN_GENERAL_FAILURE' });
    expect(r.signatures[0]!.errors).toContain('No revocation data found for the certificate!');
  });

  it('B-LT_isTotalPassed_atBaselineLT', async () => {
    const r = await dss(await sign(await makePdf({ pages: 2 }), 'B-LT'), 'b-lt');
    expect(r.signatures).toHaveLength(1);
    expect(r.signatures[0]).toMatchObject({ indication: 'TOTAL_PASSED', format: 'PAdES-BASELINE-LT' });
    expect(r.signatures[0]!.timestamps.map((t) => t.indication)).toEqual(['PASSED']);
    expect(r.signatures[0]!.errors).toEqual([]);
  });

  it('B-LTA_isTotalPassed_atBaselineLTA', async () => {
    const r = await dss(await sign(await makePdf(), 'B-LTA'), 'b-lta');
    expect(r.signatures).toHaveLength(1);
    expect(r.signatures[0]).toMatchObject({ indication: 'TOTAL_PASSED', format: 'PAdES-BASELINE-LTA' });
    // The signature timestamp and the document timestamp.
    expect(r.signatures[0]!.timestamps.map((t) => t.indication)).toEqual(['PASSED', 'PASSED']);
  });

  it('aSecondSignatureWithBLT_keepsTheFirstSignatureTotalPassed', async () => {
    const first = await sign(await makePdf(), 'B-T');
    const second = await sign(first, 'B-LT');
    const r = await dss(second, 're-signed');
    expect(r.signatures).toHaveLength(2);
    for (const s of r.signatures) expect(s, JSON.stringify(s)).toMatchObject({ indication: 'TOTAL_PASSED' });
    expect(r.signatures.map((s) => s.format)).toContain('PAdES-BASELINE-LT');
  });

  it('anAlreadySignedBTFile_extendedToBLT_isTotalPassedAtBaselineLT', async () => {
    const bt = await sign(await makePdf(), 'B-T');
    const material = await longTermMaterial(statusService(fx.f), fx.f.pki.certs.good.der, [fx.f.pki.ca.der]);
    const lt = await extendToLongTerm(bt, { level: 'B-LT', material, hashAlgorithm: 'SHA-256' });
    const r = await dss(lt, 'extended');
    expect(r.signatures).toHaveLength(1);
    expect(r.signatures[0]).toMatchObject({ indication: 'TOTAL_PASSED', format: 'PAdES-BASELINE-LT' });
  });

  it('tamperedAfterSigning_isNotPassed', async () => {
    const out = Buffer.from(await sign(await makePdf(), 'B-LT'));
    // Flip one byte inside the first signed range (the PDF header comment line stays a comment).
    out[12] = out[12]! ^ 0x01;
    const r = await dss(out, 'tampered');
    expect(r.signatures[0]!.indication).not.toBe('TOTAL_PASSED');
  });
});
