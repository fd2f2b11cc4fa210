// Native: the agent's verdict next to the EU DSS library's (an independent validator, offline: the file's own data and
// the same anchors) for B-LT, B-LTA, a tampered file and a signer whose root is not an anchor. valid ↔ TOTAL_PASSED,
// invalid ↔ TOTAL_FAILED, indeterminate ↔ INDETERMINATE.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { Verdict } from '../../agent/core/verify/report.js';
import { createDocumentVerifier } from '../../agent/signing/verify/document.js';
import { makePdf } from '../signing/pdf-fixtures/make.js';
import { longTermFixture, signAtLevel } from '../status/long-term-signing.js';
import { validatorJar } from '../validators/paths.js';

const run = promisify(execFile);
const fx = longTermFixture('kyso-verify-dss-');
const DSS_OF: Record<Verdict, string> = { valid: 'TOTAL_PASSED', invalid: 'TOTAL_FAILED', indeterminate: 'INDETERMINATE' };

/** Both verdicts of the file's first signature, offline (embedded data only), with the given anchor files. */
async function both(pdf: Uint8Array, name: string, trustRoot: boolean): Promise<{ ours: string; dss: string; reason: string; sub: string | null }> {
  const file = join(fx.dir, `${name}.pdf`);
  await writeFile(file, pdf);
  const trust = [...(trustRoot ? ['--trust', fx.f.pki.root.certFile] : []), '--trust', fx.tsa.tsaCertFile];
  const { stdout } = await run('java', ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-jar', validatorJar('dss'), file, ...trust], { maxBuffer: 16 << 20 });
  const dss = (JSON.parse(stdout) as { signatures: Array<{ indication: string; subIndication: string | null }> }).signatures[0]!;
  const anchors = [...(trustRoot ? [fx.f.pki.root.der] : []), fx.tsa.pki.root.certDer];
  const report = await createDocumentVerifier({ anchors: () => anchors, offline: true }).verify({ document: pdf });
  return { ours: DSS_OF[report.signatures[0]!.verdict], dss: dss.indication, reason: report.signatures[0]!.reason, sub: dss.subIndication };
}

describe('the agent and EU DSS agree', () => {
  it.each(['B-LT', 'B-LTA'] as const)('%s by a good certificate: both valid', async (level) => {
    const r = await both(await signAtLevel(fx.f, fx.tsa, await makePdf(), level), level, true);
    expect(r).toMatchObject({ ours: 'TOTAL_PASSED', dss: 'TOTAL_PASSED', reason: 'OK' });
  });

  it('a signed byte changed: both not valid', async () => {
    const signed = await signAtLevel(fx.f, fx.tsa, await makePdf(), 'B-LT');
    const bad = signed.slice();
    bad[Buffer.from(signed).toString('latin1').indexOf('/MediaBox') + 1] = 'm'.charCodeAt(0);
    const r = await both(bad, 'tampered', true);
    expect(r).toMatchObject({ ours: 'TOTAL_FAILED', dss: 'TOTAL_FAILED', reason: 'MODIFIED' });
  });

  it('the signer\'s root is not an anchor: both cannot conclude', async () => {
    const r = await both(await signAtLevel(fx.f, fx.tsa, await makePdf(), 'B-LT'), 'untrusted', false);
    expect(r).toMatchObject({ ours: 'INDETERMINATE', dss: 'INDETERMINATE', reason: 'UNTRUSTED' });
  });
});
