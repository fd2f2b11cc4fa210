// Damaged cross-reference data and bytes before the header: rebuilt by scanning; unsigned files are written out
// repaired (and say so), signed ones are refused. Outputs validated by pdfsig, qpdf --check and pyHanko.
import { describe, expect, it } from 'vitest';
import { AgentError } from '../../agent/core/errors.js';
import type { PdfSignOptions } from '../../agent/core/ports.js';
import { describePdf, signPdf, verifyPdf } from '../../agent/signing/pades/index.js';
import { fixtureSigner, tool, workDir } from '../signing/helpers.js';
import { makePdf, qpdf, withObjectStreams } from '../signing/pdf-fixtures/make.js';
import { expectValidPdf } from '../signing/validate-pdf.js';

const base: PdfSignOptions = { fileName: 'hoa-don.pdf', hashAlgorithm: 'SHA-256', level: 'B-B', signingTime: new Date('2026-03-04T05:06:07Z') };
const latin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1');
const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

/** The damage variants, each from a sound file. */
const damage: Record<string, (pdf: Uint8Array) => Uint8Array> = {
  'startxref off by 7': (p) => bytes(latin1(p).replace(/startxref\s+(\d+)\s+%%EOF\s*$/, (_, n: string) => `startxref\n${Number(n) - 7}\n%%EOF\n`)),
  'startxref past the end': (p) => bytes(latin1(p).replace(/startxref\s+(\d+)\s+%%EOF\s*$/, 'startxref\n99999999\n%%EOF\n')),
  'xref keyword missing': (p) => bytes(latin1(p).replace(/\nxref\n(?=\d+ \d+\n)/, '\n\n')),
  'entries shifted into other objects': (p) => bytes(latin1(p).replace(/(\d{10}) 00000 n/g, (_, n: string) => `${String(Number(n) + 3).padStart(10, '0')} 00000 n`)),
  'entries garbage': (p) => bytes(latin1(p).replace(/(\d{10}) 00000 n/g, 'zzzzzzzzzz 00000 n')),
};

async function signedText(pdf: Uint8Array): Promise<string> {
  const w = await workDir('damaged');
  const t = await tool('pdftotext', ['-enc', 'UTF-8', await w.write('x.pdf', pdf), '-']);
  await w.cleanup();
  return Buffer.from(t.out, 'latin1').toString('utf8');
}

describe('damaged cross-reference data', () => {
  it.each(Object.keys(damage))('unsigned, %s: repaired whole file signed and said so', async (kind) => {
    const input = damage[kind]!(await makePdf({ pages: 3, textFields: ['soHoaDon'] }));
    const { description: d } = await describePdf(input);
    expect(d.repaired).toMatch(/rebuilt by scanning/);
    expect(d.pageCount).toBe(3);
    const out = await signPdf(input, { ...base, appearance: { page: 3, rect: [40, 40, 220, 60] } }, fixtureSigner('citizen'));
    await expectValidPdf(out, 1);
    expect(await signedText(out)).toContain('Page 3 - kyso test document');
    expect((await verifyPdf(out))[0]).toMatchObject({ integrity: true, coversWholeDocument: true });
  });

  it('objectStreams_brokenStartxref_objectsInsideObjectStreamsFound', async () => {
    const sound = await withObjectStreams(await makePdf({ pages: 2 }));
    expect(latin1(sound)).toContain('/ObjStm');
    const input = damage['startxref off by 7']!(sound);
    expect((await describePdf(input)).description.repaired).toMatch(/rebuilt/);
    await expectValidPdf(await signPdf(input, base, fixtureSigner('citizen')), 1);
  });

  it('encryptedOwnerOnly_brokenStartxref_repairedStillEncrypted', async () => {
    const enc = await qpdf(await makePdf({ pages: 2 }), ['--encrypt', '', 'owner', '256', '--', '--object-streams=generate']);
    const out = await signPdf(damage['startxref past the end']!(enc), base, fixtureSigner('citizen'));
    await expectValidPdf(out, 1);
    const w = await workDir('damaged');
    expect((await tool('qpdf', ['--show-encryption', '--password=', await w.write('e.pdf', out)])).out).toContain('R = 6');
    await w.cleanup();
  });

  it('signedFile_damagedXref_refusedSayingRepairWouldBreakSignatures', async () => {
    const signed = await signPdf(await makePdf(), base, fixtureSigner('citizen'));
    const input = damage['startxref off by 7']!(signed);
    for (const p of [describePdf(input), signPdf(input, base, fixtureSigner('company'))]) {
      const e = await p.then(() => null, (err: unknown) => err);
      expect(e).toBeInstanceOf(AgentError);
      expect((e as AgentError).data.documentProblem).toBe('damaged-signed');
      expect((e as AgentError).message).toMatch(/làm hỏng các chữ ký/);
    }
  });

  it('truncatedFile_stillRefused_neverRepaired', async () => {
    const good = await makePdf({ pages: 3 });
    const e = await describePdf(good.subarray(0, good.length - 300)).then(() => null, (err: unknown) => err);
    expect((e as AgentError).reason).toBe('DOCUMENT_INVALID');
  });
});

describe('bytes before %PDF-', () => {
  it.each([
    ['offsets from the header', false],
    ['offsets from the file start (xref rebuilt)', true],
  ] as const)('junk prefix, %s: output starts at the header and validates', async (_label, absolute) => {
    const sound = await makePdf({ pages: 2 });
    const junk = Buffer.from('MIME-Version: 1.0\r\nContent-Type: application/pdf\r\n\r\n', 'latin1');
    let input: Uint8Array = new Uint8Array(Buffer.concat([junk, Buffer.from(sound)]));
    if (absolute) input = bytes(latin1(input).replace(/(\d{10}) 00000 n/g, (_, n: string) => `${String(Number(n) + junk.length).padStart(10, '0')} 00000 n`));
    const { description: d } = await describePdf(input);
    expect(d.repaired).toMatch(new RegExp(`${junk.length} bytes before %PDF- removed`));
    if (absolute) expect(d.repaired).toMatch(/rebuilt/);
    const out = await signPdf(input, base, fixtureSigner('citizen'));
    expect(latin1(out.subarray(0, 5))).toBe('%PDF-');
    if (!absolute) expect(Buffer.from(out.subarray(0, sound.length)).equals(Buffer.from(sound))).toBe(true);
    await expectValidPdf(out, 1);
  });
});
