// A LibreOffice-printed PDF with Vietnamese text (its own xref layout, fonts, metadata), plain and owner-protected:
// signed, validated by pdfsig, qpdf and pyHanko, the text still extractable.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { PdfSignOptions } from '../../agent/core/ports.js';
import { signPdf } from '../../agent/signing/pades/index.js';
import { fixtureSigner, tool, workDir } from '../signing/helpers.js';
import { qpdf } from '../signing/pdf-fixtures/make.js';
import { expectValidPdf } from '../signing/validate-pdf.js';

const execFileP = promisify(execFile);
const base: PdfSignOptions = { fileName: 'don-xin.pdf', hashAlgorithm: 'SHA-256', level: 'B-B', signingTime: new Date('2026-03-04T05:06:07Z') };
const LINE = 'Cộng hoà xã hội chủ nghĩa Việt Nam — Độc lập, Tự do, Hạnh phúc';

describe('LibreOffice-printed PDF', () => {
  it('vietnameseText_plainAndOwnerProtected_signedAndValid', async () => {
    const w = await workDir('soffice');
    try {
      const html = await w.write('don-xin.html', `<html><head><meta charset="utf-8"></head><body><h1>ĐƠN XIN XÁC NHẬN</h1><p>${LINE}</p></body></html>`);
      await execFileP('soffice', [`-env:UserInstallation=file://${join(w.dir, 'profile')}`, '--headless', '--convert-to', 'pdf', '--outdir', w.dir, html], { timeout: 150_000 });
      const input = new Uint8Array(await readFile(join(w.dir, 'don-xin.pdf')));
      for (const pdf of [input, await qpdf(input, ['--encrypt', '', 'owner', '256', '--'])]) {
        const out = await signPdf(pdf, { ...base, appearance: { rect: [300, 40, 250, 70], organization: 'UBND phường Hoàn Kiếm' } }, fixtureSigner('citizen'));
        await expectValidPdf(out, 1);
        const t = await tool('pdftotext', ['-enc', 'UTF-8', await w.write('s.pdf', out), '-']);
        const text = Buffer.from(t.out, 'latin1').toString('utf8');
        expect(text).toContain('Độc lập, Tự do, Hạnh phúc');
        expect(text).toContain('Đơn vị: UBND phường Hoàn Kiếm');
      }
    } finally {
      await w.cleanup();
    }
  }, 240_000);
});
