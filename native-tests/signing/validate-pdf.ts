// Every signed PDF of the document tests goes through three independent validators: poppler's pdfsig, qpdf --check
// (with the empty password for encrypted files) and pyHanko (native-tests/validators/pyhanko/validate_pdf.py).
import { join } from 'node:path';
import { expect } from 'vitest';
import { venvPython } from '../validators/paths.js';
import { tool, workDir } from './helpers.js';

export interface PyHankoSig {
  field: string;
  intact: boolean;
  valid: boolean;
  coverage: string | null;
  modification: string | null;
}

const script = join(import.meta.dirname, '..', 'validators', 'pyhanko', 'validate_pdf.py');

/** pyHanko's view of every signature of the file. */
export async function pyhanko(path: string): Promise<PyHankoSig[]> {
  const r = await tool(venvPython, [script, path]);
  expect(r.code, r.out).toBe(0);
  return JSON.parse(r.out.trim().split('\n').filter((l) => l.startsWith('[')).pop()!) as PyHankoSig[];
}

/**
 * Asserts `count` signatures, every one valid under pdfsig and pyHanko (intact, valid), the newest covering the
 * whole file, and qpdf finding no syntax or stream errors. Returns the pdfsig output.
 */
export async function expectValidPdf(pdf: Uint8Array, count: number, opts: { pyhanko?: boolean } = {}): Promise<string> {
  const w = await workDir('validate');
  try {
    const p = await w.write('s.pdf', pdf);
    const sig = await tool('pdfsig', ['-nocert', p]);
    expect((sig.out.match(/Signature is Valid\./g) ?? []).length, sig.out).toBe(count);
    expect((sig.out.match(/^Signature #\d+:/gm) ?? []).length, sig.out).toBe(count);
    const q = await tool('qpdf', ['--check', '--password=', p]);
    expect(q.code, q.out).toBe(0);
    expect(q.out, q.out).toContain('No syntax or stream encoding errors found');
    if (opts.pyhanko === false) return sig.out;
    const ph = await pyhanko(p);
    expect(ph.length, JSON.stringify(ph)).toBe(count);
    for (const s of ph) expect(s, JSON.stringify(ph)).toMatchObject({ intact: true, valid: true });
    if (count > 0) expect(ph[ph.length - 1]!.coverage).toBe('ENTIRE_FILE');
    return sig.out;
  } finally {
    await w.cleanup();
  }
}
