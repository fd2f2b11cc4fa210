// Hostile PDFs built in memory (T5/T15): every one must end in DOCUMENT_INVALID, never hang or balloon. The work
// done is counted (objects parsed, lookups) rather than timed: speed lives in the benchmarks, a hang in the test
// timeout.
import { deflateSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { AgentError } from '../../core/errors.js';
import { PdfFile } from './document.js';
import { Lexer } from './lexer.js';
import { DecodeBudget, decodeStream, MIN_DECODE_BUDGET } from './filters.js';
import { describePdf } from './index.js';
import { name, PdfDict, PdfStream } from './pdf-objects.js';
import { getPage, listFields } from './pages.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

/** Runs `f`, expects DOCUMENT_INVALID whose detail matches. */
async function expectInvalid(f: () => unknown, detail: RegExp): Promise<void> {
  let err: unknown;
  try { await f(); } catch (e) { err = e; }
  expect(err, 'expected DOCUMENT_INVALID').toBeInstanceOf(AgentError);
  expect((err as AgentError).reason).toBe('DOCUMENT_INVALID');
  expect((err as AgentError).data.detail).toMatch(detail);
}

/** One plain (type 1) object: its body bytes. */
type Plain = Buffer | string;
/** Objects compressed into object streams: stream number → [object number, body][]. */
type Packed = Map<number, Array<[number, string]>>;

interface Build {
  plain: Map<number, Plain>;
  packed?: Packed;
  /** Object stream number → raw bytes appended after the objects (padding that inflates). */
  padding?: Map<number, Buffer>;
  /** Extra xref entries written as type 2 (object → [stream, index]) without packing anything. */
  extraType2?: Map<number, [number, number]>;
  xrefExtra?: string;
}

/** A PDF 1.5 with one xref stream (W [1 4 2]) covering plain objects and object streams. */
function xrefStreamPdf(o: Build): Buffer {
  const parts: Buffer[] = [b('%PDF-1.5\n')];
  let len = parts[0]!.length;
  const push = (x: Buffer): void => { parts.push(x); len += x.length; };
  const rows = new Map<number, [number, number, number]>();
  for (const [num, body] of o.plain) {
    rows.set(num, [1, len, 0]);
    push(Buffer.concat([b(`${num} 0 obj\n`), typeof body === 'string' ? b(body) : body, b('\nendobj\n')]));
  }
  for (const [stm, objs] of o.packed ?? new Map<number, Array<[number, string]>>()) {
    let head = '', body = '';
    objs.forEach(([n, s], i) => { head += `${n} ${body.length} `; body += `${s}\n`; rows.set(n, [2, stm, i]); });
    const data = deflateSync(Buffer.concat([b(head + body), o.padding?.get(stm) ?? Buffer.alloc(0)]), { level: 1 });
    rows.set(stm, [1, len, 0]);
    push(Buffer.concat([b(`${stm} 0 obj\n<< /Type /ObjStm /N ${objs.length} /First ${head.length} /Filter /FlateDecode /Length ${data.length} >>\nstream\n`), data, b('\nendstream\nendobj\n')]));
  }
  for (const [n, [s, i]] of o.extraType2 ?? new Map<number, [number, number]>()) rows.set(n, [2, s, i]);
  const xnum = Math.max(...rows.keys()) + 1;
  rows.set(xnum, [1, len, 0]);
  const size = xnum + 1;
  const table = Buffer.alloc(size * 7);
  for (let n = 0; n < size; n++) {
    const [t, f2, f3] = rows.get(n) ?? [0, 0, n === 0 ? 65535 : 0];
    table.writeUInt8(t, n * 7); table.writeUInt32BE(f2, n * 7 + 1); table.writeUInt16BE(f3, n * 7 + 5);
  }
  const xoff = len;
  push(Buffer.concat([b(`${xnum} 0 obj\n<< /Type /XRef /Size ${size} /W [1 4 2] /Root 1 0 R ${o.xrefExtra ?? ''} /Length ${table.length} >>\nstream\n`), table,
    b(`\nendstream\nendobj\nstartxref\n${xoff}\n%%EOF\n`)]));
  return Buffer.concat(parts);
}

/** A minimal file whose only xref is a stream with the given dictionary entries and data. */
function rawXref(dict: string, data: Buffer = Buffer.alloc(0)): Buffer {
  return Buffer.concat([b(`%PDF-1.5\n1 0 obj<</Type/XRef${dict}/Length ${data.length}>>stream\n`), data, b('\nendstream endobj\nstartxref\n9\n%%EOF')]);
}

const CATALOG = (extra = ''): string => `<< /Type /Catalog /Pages 2 0 R ${extra}>>`;
const PAGES = '<< /Type /Pages /Kids [3 0 R] /Count 1 >>';
const PAGE = '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] >>';
const base = (): Map<number, Plain> => new Map<number, Plain>([[1, CATALOG()], [2, PAGES], [3, PAGE]]);

describe('H1: xref stream rows driven by /Index', () => {
  it('open_W000WithIndexTenMillion_invalidFastFromTinyFile', async () => {
    const pdf = rawXref('/W[0 0 0]/Index[0 10000000]/Size 10000000');
    expect(pdf.length).toBeLessThan(200);
    await expectInvalid(() => PdfFile.open(pdf), /\/W/);
  });

  it('open_indexRowsBeyondData_invalidBeforeLooping', async () => {
    // W [0 1 0]: one byte per row, 4 bytes of data, ten million rows announced.
    await expectInvalid(() => PdfFile.open(rawXref('/W[0 1 0]/Index[0 10000000]/Size 10000000', Buffer.from([1, 2, 3, 4]))), /truncated/);
    // 200 ranges of 50,000 rows each (2.3 KB of /Index), the old slow case.
    const many = Array.from({ length: 200 }, () => '0 50000').join(' ');
    await expectInvalid(() => PdfFile.open(rawXref(`/W[0 1 0]/Index[${many}]/Size 50000`, Buffer.from([1]))), /truncated/);
  });

  it('open_badIndexOrSize_invalid', async () => {
    await expectInvalid(() => PdfFile.open(rawXref('/W[1 1 0]/Index[0 -5]/Size 4', Buffer.alloc(8))), /\/Index/);
    await expectInvalid(() => PdfFile.open(rawXref('/W[1 1 0]/Index[0 1.5]/Size 4', Buffer.alloc(8))), /\/Index/);
    await expectInvalid(() => PdfFile.open(rawXref('/W[1 1 0]/Index[0 2 7]/Size 4', Buffer.alloc(8))), /\/Index/);
    await expectInvalid(() => PdfFile.open(rawXref('/W[1 1 0]/Index[9999999 5]/Size 4', Buffer.alloc(10))), /object number/);
    await expectInvalid(() => PdfFile.open(rawXref('/W[1 1 0]/Size 1000000000', Buffer.alloc(8))), /Size/);
    await expectInvalid(() => PdfFile.open(rawXref('/W[1 1 0]/Size 99999999999', Buffer.alloc(8))), /Size/);
  });
});

describe('H2: one decode budget per file', () => {
  it('describePdf_objectStreamBombsViaAcroFormFields_invalidOnceBudgetSpent', async () => {
    // Three object streams, each inflating to 7 MiB (well under the old 256 MiB per-stream cap), together over
    // the 16 MiB budget a ~25 KB file gets. Before the fix every one was inflated and kept.
    const packed: Packed = new Map(), padding = new Map<number, Buffer>();
    const pad = Buffer.alloc(7 << 20, 0x20);
    for (let k = 0; k < 3; k++) { packed.set(20 + k, [[10 + k, `<< /T (f${k}) /FT /Tx >>`]]); padding.set(20 + k, pad); }
    const plain = base();
    plain.set(1, CATALOG('/AcroForm << /Fields [10 0 R 11 0 R 12 0 R] >> '));
    const pdf = xrefStreamPdf({ plain, packed, padding });
    expect(pdf.length * 8).toBeLessThan(MIN_DECODE_BUDGET);
    await expectInvalid(() => describePdf(pdf), /decode budget exceeded/);
    // Two of them fit: the same construction is readable when within budget.
    plain.set(1, CATALOG('/AcroForm << /Fields [10 0 R 11 0 R] >> '));
    expect((await describePdf(xrefStreamPdf({ plain, packed, padding }))).description.pageCount).toBe(1);
  });

  it('decodeStream_50MiBInflateOnSmallBudget_stopsAtBudgetWithoutInflatingAll', () => {
    const bomb = deflateSync(Buffer.alloc(50 << 20), { level: 1 });
    const stream = new PdfStream(new PdfDict([['Filter', name('FlateDecode')]]), bomb);
    const budget = new DecodeBudget(bomb.length);
    expect(budget.remaining).toBe(MIN_DECODE_BUDGET);
    expect(() => decodeStream(stream, (o) => o, budget)).toThrow(/decode budget exceeded/);
    // Nothing was charged for the refused stream, and a small one still decodes.
    expect(budget.remaining).toBe(MIN_DECODE_BUDGET);
    expect(Buffer.from(decodeStream(new PdfStream(stream.dict, deflateSync(b('ok'))), (o) => o, budget)).toString()).toBe('ok');
    expect(budget.remaining).toBe(MIN_DECODE_BUDGET - 2);
    // Budget is min(256 MiB, max(16 MiB, 8 × input)).
    expect(new DecodeBudget(4 << 20).remaining).toBe(32 << 20);
    expect(new DecodeBudget(1 << 30).remaining).toBe(256 << 20);
  });

  it('decodeStream_tooManyFilters_refused', () => {
    const stream = new PdfStream(new PdfDict([['Filter', Array.from({ length: 50 }, () => name('FlateDecode'))]]), deflateSync(b('x')));
    expect(() => decodeStream(stream, (o) => o, new DecodeBudget(100))).toThrow(/too many filters/);
  });

  it('open_predictorWithHugeColumns_invalidWithoutAllocatingRows', async () => {
    const data = deflateSync(Buffer.from([2, 1, 0, 0]));
    const pdf = rawXref(`/W[1 1 0]/Size 2/Filter/FlateDecode/DecodeParms<</Predictor 12/Columns 1000000000>>`, data);
    await expectInvalid(() => PdfFile.open(pdf), /Columns/);
    await expectInvalid(() => PdfFile.open(rawXref(`/W[1 1 0]/Size 2/Filter/FlateDecode/DecodeParms<</Predictor 12/Columns 2/Colors 1000000000>>`, data)), /Colors/);
  });
});

describe('T23: flat containers', () => {
  it('open_30MiBFlatArray_invalidAtTheItemCapFastAndSmall', async () => {
    // Today: 15 million numbers built one by one (8 s, gigabytes). Bounded: refused after 100k items.
    const junk = `/Junk [${'0 '.repeat(15 * 1024 * 1024)}]`;
    const pdf = xrefStreamPdf({ plain: new Map<number, Plain>([[1, CATALOG(junk)], [2, PAGES], [3, PAGE]]) });
    const rss0 = process.memoryUsage().rss;
    const t0 = performance.now();
    await expectInvalid(() => describePdf(pdf), /array with more than 100000 items/);
    console.log(`30 MiB flat PDF array: refused in ${(performance.now() - t0).toFixed(0)} ms, RSS +${((process.memoryUsage().rss - rss0) / 2 ** 20).toFixed(0)} MiB`);
    const dict = `/D << ${Array.from({ length: 100_001 }, (_, i) => `/k${i} 1`).join(' ')} >>`;
    await expectInvalid(() => describePdf(xrefStreamPdf({ plain: new Map<number, Plain>([[1, CATALOG(dict)], [2, PAGES], [3, PAGE]]) })), /dictionary with more than 100000 entries/);
  });
});

describe('other numbers from the file', () => {
  it('open_objectStreamHugeN_invalid', async () => {
    const plain = base();
    plain.set(1, CATALOG('/AcroForm << /Fields [10 0 R] >> '));
    const body = deflateSync(b('10 0 << /T (a) >>'));
    plain.set(20, Buffer.concat([b(`<< /Type /ObjStm /N 100000000 /First 5 /Filter /FlateDecode /Length ${body.length} >>\nstream\n`), body, b('\nendstream')]));
    const pdf = xrefStreamPdf({ plain, extraType2: new Map([[10, [20, 0]]]) });
    await expectInvalid(() => describePdf(pdf), /\/N/);
  });

  it('open_objectStreamInsideObjectStream_invalid', async () => {
    const plain = base();
    plain.set(1, CATALOG('/AcroForm << /Fields [10 0 R] >> '));
    // 10 is said to live in stream 30, which is itself said to live in stream 20.
    const pdf = xrefStreamPdf({ plain, packed: new Map([[20, [[40, '1']]]]), extraType2: new Map([[10, [30, 0]], [30, [20, 0]]]) });
    await expectInvalid(() => describePdf(pdf), /object stream 30/);
  });

  it('listFields_manyStreamsWithLengthOfOneBrokenObject_brokenObjectParsedOnce', async () => {
    // 1,000 fields are streams whose /Length is object 5: a 600 KB object that fails to parse at its end. Before
    // failures were remembered, each field re-parsed it (minutes); now it is parsed once.
    const n = 1000;
    const plain = base();
    plain.set(1, CATALOG(`/AcroForm << /Fields [${Array.from({ length: n }, (_, i) => `${100 + i} 0 R`).join(' ')}] >> `));
    plain.set(5, `[${'1 '.repeat(300_000)} )`);
    for (let i = 0; i < n; i++) plain.set(100 + i, `<< /T (f${i}) /Length 5 0 R >>\nstream\nxx\nendstream`);
    const file = PdfFile.open(xrefStreamPdf({ plain }));
    const parses = vi.spyOn(Lexer.prototype, 'parseIndirect');
    try {
      expect(listFields(file)).toHaveLength(n);
      // Each field once and the broken object once (re-parsed per field it would be 2n).
      expect(parses.mock.calls.length).toBeLessThanOrEqual(n + 10);
    } finally {
      parses.mockRestore();
    }
  });

  it('listFields_fieldsSharingKidsArrays_linearNotExponential', async () => {
    // Array k holds two direct field dicts whose /Kids are both array k+1: 2^40 paths to the last array.
    const plain = base();
    const depth = 40;
    plain.set(1, CATALOG('/AcroForm << /Fields 100 0 R >> '));
    for (let k = 0; k < depth; k++) plain.set(100 + k, `[<< /T (a${k}) /Kids ${101 + k} 0 R >> << /T (b${k}) /Kids ${101 + k} 0 R >>]`);
    plain.set(100 + depth, '[<< /T (leaf) /FT /Sig >>]');
    const file = PdfFile.open(xrefStreamPdf({ plain }));
    const lookups = vi.spyOn(PdfFile.prototype, 'getObject');
    try {
      const fields = listFields(file);
      expect(fields.filter((f) => f.type === 'Sig')).toHaveLength(1);
      // Linear in the arrays (each visited a bounded number of times), not one walk per path (2^40).
      expect(lookups.mock.calls.length).toBeLessThan(50 * depth);
    } finally {
      lookups.mockRestore();
    }
  });

  it('getPage_kidsArrayReused_invalidPageTreeLoops', async () => {
    const plain = base();
    plain.set(2, '<< /Type /Pages /Kids 9 0 R /Count 1000000 >>');
    plain.set(9, '[2 0 R 3 0 R]');
    const file = PdfFile.open(xrefStreamPdf({ plain }));
    await expectInvalid(() => getPage(file, 5), /loops/);
  });

  it('listFields_hugeQualifiedName_invalid', async () => {
    const plain = base();
    plain.set(1, CATALOG('/AcroForm << /Fields [10 0 R] >> '));
    plain.set(10, `<< /T (${'x'.repeat(3000)}) /Kids [11 0 R] >>`);
    plain.set(11, `<< /T (${'y'.repeat(3000)}) >>`);
    const file = PdfFile.open(xrefStreamPdf({ plain }));
    await expectInvalid(() => listFields(file), /name too long/);
  });
});
