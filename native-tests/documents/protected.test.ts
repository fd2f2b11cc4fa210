// Owner-password-only PDFs (empty user password) at every standard security handler version: signed when their
// permissions allow form filling or annotations, refused naming the permissions otherwise, refused asking for the
// password when one is needed. Every output validated by pdfsig, qpdf --check --password= and pyHanko.
import { describe, expect, it } from 'vitest';
import { AgentError } from '../../agent/core/errors.js';
import type { PdfSignOptions } from '../../agent/core/ports.js';
import { describePdf, signPdf, verifyPdf } from '../../agent/signing/pades/index.js';
import { fixtureSigner, tool, workDir } from '../signing/helpers.js';
import { encrypted, makePdf, qpdf } from '../signing/pdf-fixtures/make.js';
import { expectValidPdf } from '../signing/validate-pdf.js';

const base: PdfSignOptions = { fileName: 'to-khai.pdf', hashAlgorithm: 'SHA-256', level: 'B-B', signingTime: new Date('2026-03-04T05:06:07Z') };
const ownerOnly = (pdf: Uint8Array, args: string[]): Promise<Uint8Array> =>
  qpdf(pdf, ['--allow-weak-crypto', '--encrypt', '', 'chu-so-huu', ...args, '--']);

async function refusal(p: Promise<unknown>): Promise<AgentError> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(AgentError);
  expect((e as AgentError).reason).toBe('DOCUMENT_INVALID');
  return e as AgentError;
}

// pyHanko does not implement the deprecated R5 handler (Adobe extension level 3): it fails to authenticate qpdf's
// own unsigned R5 output too, so R5 outputs are checked by pdfsig and qpdf only.
const handlers: Array<[string, string[], string]> = [
  ['RC4-40 (R2)', ['40'], 'R = 2'],
  ['RC4-128 (R3)', ['128', '--use-aes=n'], 'R = 3'],
  ['AES-128 (V4 R4)', ['128', '--use-aes=y'], 'R = 4'],
  ['AES-256 (R5)', ['256', '--force-R5'], 'R = 5'],
  ['AES-256 (R6)', ['256'], 'R = 6'],
  ['AES-256 (R6), object streams, only form filling allowed', ['256', '--annotate=n', '--form=y', '--modify-other=n'], 'R = 6'],
];

describe('owner-password-only PDFs', () => {
  it.each(handlers)('sign_%s_validAndStillEncrypted', async (_label, args, revision) => {
    let input = await ownerOnly(await makePdf({ pages: 2, textFields: ['hoTen'] }), args);
    if (_label.includes('object streams')) input = await qpdf(input, ['--password=', '--object-streams=generate']);
    const w = await workDir('protected');
    const info = await tool('qpdf', ['--show-encryption', '--password=', await w.write('in.pdf', input)]);
    expect(info.out).toContain(revision);
    expect((await describePdf(input)).description.pageCount).toBe(2);

    const once = await signPdf(input, { ...base, reason: 'Ký tờ khai', appearance: { page: 2, rect: [50, 50, 220, 60] } }, fixtureSigner('citizen'));
    expect(Buffer.from(once.subarray(0, input.length)).equals(Buffer.from(input))).toBe(true);
    const ph = { pyhanko: revision !== 'R = 5' };
    await expectValidPdf(once, 1, ph);
    // Still encrypted with the same handler; the field value written in the update decrypts to the right text.
    const after = await tool('qpdf', ['--show-encryption', '--password=', await w.write('once.pdf', once)]);
    expect(after.out).toContain(revision);
    const fields = await tool('pdfsig', ['-nocert', await w.write('o.pdf', once)]);
    expect(fields.out).toMatch(/Signer full Distinguished Name: .*CN=/);

    // A second signer: the first stays valid.
    const twice = await signPdf(once, { ...base, appearance: { page: 1, rect: [300, 50, 200, 50] } }, fixtureSigner('company'));
    await expectValidPdf(twice, 2, ph);
    const v = await verifyPdf(twice);
    expect(v.map((s) => s.integrity)).toEqual([true, true]);
    expect(v.map((s) => s.coversWholeDocument)).toEqual([false, true]);
    await w.cleanup();
  });

  it.each([
    ['RC4-40, no annotations', ['40', '--annotate=n']],
    ['AES-128, no annotations, no forms', ['128', '--use-aes=y', '--annotate=n', '--form=n']],
    ['AES-256, nothing allowed', ['256', '--annotate=n', '--form=n', '--modify=none']],
  ])('refuse_%s_namesThePermissions', async (_label, args) => {
    const input = await ownerOnly(await makePdf(), args);
    for (const p of [describePdf(input), signPdf(input, base, fixtureSigner('citizen'))]) {
      const e = await refusal(p);
      expect(e.data.documentProblem).toBe('permissions');
      expect(e.data.detail).toMatch(/form filling .*not allowed/);
      expect(e.message).toMatch(/điền biểu mẫu/);
    }
  });

  it('refuse_userPasswordSet_saysAPasswordIsNeeded', async () => {
    const input = await encrypted(await makePdf());
    for (const p of [describePdf(input), signPdf(input, base, fixtureSigner('citizen')), verifyPdf(input)]) {
      const e = await refusal(p);
      expect(e.data.documentProblem).toBe('password-required');
      expect(e.message).toMatch(/cần mật khẩu/);
    }
  });
});
