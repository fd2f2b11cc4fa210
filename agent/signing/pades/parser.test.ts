// Unit tests of the PDF lexer, the xref chain reader (table, stream, /Prev, object streams) and the writer.
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { AgentError } from '../../core/errors.js';
import { PdfFile } from './document.js';
import { Lexer } from './lexer.js';
import type { PdfName, PdfString} from './pdf-objects.js';
import { decodeTextString, PdfDict, PdfRef, serialize, textString } from './pdf-objects.js';
import { getPage, pageCount } from './pages.js';
import { IncrementalWriter } from './writer.js';

const lex = (s: string): Lexer => new Lexer(Buffer.from(s, 'latin1'));

/** Builds a classic-xref PDF from object bodies (object i+1 = bodies[i]). */
function classicPdf(bodies: string[], trailerExtra = ''): Buffer {
  let s = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offs: number[] = [];
  bodies.forEach((b, i) => { offs.push(s.length); s += `${i + 1} 0 obj\n${b}\nendobj\n`; });
  const x = s.length;
  s += `xref\n0 ${bodies.length + 1}\n0000000000 65535 f \n${offs.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  s += `trailer\n<< /Size ${bodies.length + 1} /Root 1 0 R ${trailerExtra}>>\nstartxref\n${x}\n%%EOF\n`;
  return Buffer.from(s, 'latin1');
}

const PAGES = ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 /MediaBox [0 0 600 800] >>',
  '<< /Type /Page /Parent 2 0 R /Rotate 90 >>', '<< /Type /Page /Parent 2 0 R /CropBox [10 20 300 400] >>'];

describe('lexer', () => {
  it('parseObject_allTypes_parsesValues', () => {
    const v = lex('<< /A 1 /B -2.5 /C (a\\(b\\)\\n\\101) /D <48 69 7> /E [true false null 3 0 R] /F#20G /x >>').parseObject() as PdfDict;
    expect(v.get('A')).toBe(1);
    expect(v.get('B')).toBe(-2.5);
    expect(Buffer.from((v.get('C') as PdfString).bytes).toString('latin1')).toBe('a(b)\nA');
    expect(Buffer.from((v.get('D') as PdfString).bytes).toString('latin1')).toBe('Hip');
    const e = v.get('E') as unknown[];
    expect(e.slice(0, 3)).toEqual([true, false, null]);
    expect(e[3]).toBeInstanceOf(PdfRef);
    expect((v.get('F G') as PdfName).name).toBe('x');
  });

  it('parseObject_commentsAndNestedParens_skipsAndBalances', () => {
    expect(Buffer.from((lex('% c\n (x (y) z)').parseObject() as PdfString).bytes).toString()).toBe('x (y) z');
  });

  it('parseObject_hostileNesting_throws', () => {
    expect(() => lex('['.repeat(500)).parseObject()).toThrow(/nesting/);
    expect(() => lex('(unterminated').parseObject()).toThrow(/unterminated/);
  });

  it('textString_vietnamese_roundTripsAsUtf16', () => {
    const s = textString('Hà Nội');
    expect(s.bytes[0]).toBe(0xfe);
    expect(decodeTextString(s.bytes)).toBe('Hà Nội');
    expect(serialize(new PdfDict([['N', 1.5], ['S', textString('ab')]]))).toBe('<</N 1.5 /S <6162>>>');
  });
});

describe('xref chain', () => {
  it('open_classicTable_findsPagesWithInheritance', () => {
    const f = PdfFile.open(classicPdf(PAGES));
    expect(f.lastXrefIsStream).toBe(false);
    expect(pageCount(f)).toBe(2);
    expect(getPage(f, 0)).toMatchObject({ rotate: 90, mediaBox: [0, 0, 600, 800], cropBox: [0, 0, 600, 800] });
    expect(getPage(f, 1).cropBox).toEqual([10, 20, 300, 400]);
  });

  it('open_xrefStreamWithObjectStream_resolvesCompressedObjects', () => {
    // Objects 2..4 live in object stream 5; 1 and 5 are plain; 6 is the xref stream.
    const inner = [PAGES[1], PAGES[2], PAGES[3]];
    let head = '', body = '';
    inner.forEach((b, i) => { head += `${i + 2} ${body.length} `; body += `${b}\n`; });
    const stm = deflateSync(Buffer.from(head + body));
    let s = '%PDF-1.5\n';
    const o1 = s.length; s += `1 0 obj\n${PAGES[0]}\nendobj\n`;
    const o5 = s.length;
    const parts = [Buffer.from(s + `5 0 obj\n<< /Type /ObjStm /N 3 /First ${head.length} /Filter /FlateDecode /Length ${stm.length} >>\nstream\n`, 'latin1'), stm, Buffer.from('\nendstream\nendobj\n')];
    const o6 = Buffer.concat(parts).length;
    const row = (t: number, a: number, b: number): number[] => [t, (a >> 8) & 255, a & 255, b];
    const rows = Buffer.from([...row(0, 0, 255), ...row(1, o1, 0), ...row(2, 5, 0), ...row(2, 5, 1), ...row(2, 5, 2), ...row(1, o5, 0), ...row(1, o6, 0)]);
    parts.push(Buffer.from(`6 0 obj\n<< /Type /XRef /Size 7 /W [1 2 1] /Root 1 0 R /Length ${rows.length} >>\nstream\n`), rows, Buffer.from(`\nendstream\nendobj\nstartxref\n${o6}\n%%EOF\n`));
    const f = PdfFile.open(Buffer.concat(parts));
    expect(f.lastXrefIsStream).toBe(true);
    expect(pageCount(f)).toBe(2);
    expect(getPage(f, 1).cropBox).toEqual([10, 20, 300, 400]);
  });

  it('open_prevChain_newestEntryWins', () => {
    const pdf = classicPdf(PAGES);
    const first = Number(/startxref\n(\d+)/.exec(pdf.toString('latin1'))![1]);
    const objOff = pdf.length;
    const upd = `3 0 obj\n<< /Type /Page /Parent 2 0 R /Rotate 180 >>\nendobj\n`;
    const x = objOff + upd.length;
    const tail = `${upd}xref\n3 1\n${String(objOff).padStart(10, '0')} 00000 n \ntrailer\n<< /Size 5 /Root 1 0 R /Prev ${first} >>\nstartxref\n${x}\n%%EOF\n`;
    const f = PdfFile.open(Buffer.concat([pdf, Buffer.from(tail, 'latin1')]));
    expect(getPage(f, 0).rotate).toBe(180);
    expect(f.startxref).toBe(x);
  });

  it('open_loopingPrev_rebuiltByScanning', () => {
    const pdf = classicPdf(PAGES).toString('latin1');
    const x = /startxref\n(\d+)/.exec(pdf)![1];
    const looped = Buffer.from(pdf.replace('/Root 1 0 R', `/Root 1 0 R /Prev ${x}`), 'latin1');
    const f = PdfFile.open(looped);
    expect(f.rebuilt).toBe(true);
    expect(f.repaired).toMatch(/xref chain loops/);
  });

  it('open_damagedAndTruncated_refusedNotRebuilt', () => {
    const pdf = classicPdf(PAGES).toString('latin1');
    const noEof = Buffer.from(pdf.replace(/%%EOF\s*$/, ''), 'latin1');
    const broken = Buffer.from(noEof.toString('latin1').replace(/startxref\n\d+/, 'startxref\n5'), 'latin1');
    expect(() => PdfFile.open(broken)).toThrow(AgentError);
  });

  it('open_encryptOrMissingStartxref_documentInvalidWithDetail', () => {
    const enc = classicPdf(PAGES, '/Encrypt << /Filter /Standard >> ');
    expect(() => PdfFile.open(enc)).toThrow(/unsupported PDF encryption/);
    try { PdfFile.open(enc.subarray(0, 60)); } catch (e) { expect((e as AgentError).data.detail).toMatch(/startxref/); return; }
    throw new Error('no error');
  });
});

describe('writer', () => {
  it('buildSliced_largeInput_sameFileAsBuild_withTurnsBetweenCopies', async () => {
    // A 9 MiB input: copied in three slices, other work running between them (docs/security.md T22).
    const pdf = classicPdf([...PAGES, `<< /Junk (${'j'.repeat(9 * 1024 * 1024)}) >>`]);
    const sync = new IncrementalWriter(PdfFile.open(pdf));
    const sliced = new IncrementalWriter(PdfFile.open(pdf));
    for (const w of [sync, sliced]) w.put(w.allocate(), new PdfDict([['X', 1]]));
    let turned = false;
    setImmediate(() => (turned = true));
    const a = (await sliced.buildSliced()).out;
    expect(turned).toBe(true);
    const b = sync.build().out;
    expect(a.length).toBe(b.length);
    expect(a.subarray(0, pdf.length).equals(pdf)).toBe(true);
    // Only the trailer's fresh ID[1] differs between two builds.
    expect(b.subarray(0, pdf.length).equals(pdf)).toBe(true);
    expect(a.subarray(pdf.length).equals(b.subarray(pdf.length))).toBe(false);
    expect(a.subarray(pdf.length).toString('latin1').replace(/\/ID \[<\w+> <\w+>\]/, '')).toBe(b.subarray(pdf.length).toString('latin1').replace(/\/ID \[<\w+> <\w+>\]/, ''));
    expect(PdfFile.open(a).trailer.get('Size')).toBe(7);
  });

  it('build_classic_appendsTableWithPrevAndKeepsId0', () => {
    const pdf = classicPdf(PAGES, '/ID [<0102> <0102>] ');
    const f = PdfFile.open(pdf);
    const w = new IncrementalWriter(f);
    const r = w.allocate();
    w.put(r, new PdfDict([['X', 1]]));
    const { out } = w.build();
    expect(out.subarray(0, pdf.length).equals(pdf)).toBe(true);
    const g = PdfFile.open(out);
    expect(f.dict(g.getObject(r.num) as PdfDict)?.get('X')).toBe(1);
    expect(g.trailer.get('Prev')).toBe(f.startxref);
    expect(g.trailer.get('Size')).toBe(6);
    expect(Buffer.from(((g.trailer.get('ID') as PdfString[])[0]!).bytes).toString('hex')).toBe('0102');
    expect(pageCount(g)).toBe(2);
  });
});
