// Test PDFs generated on the fly: pdf-lib documents, qpdf transforms (object streams, encryption), hand-made updates.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { crc32, deflateSync } from 'node:zlib';
import { degrees, PDFDocument, StandardFonts } from 'pdf-lib';

const execFileP = promisify(execFile);

export interface PdfSpec {
  pages?: number;
  rotate?: 0 | 90 | 180 | 270;
  /** CropBox [x, y, w, h] on every page. */
  cropBox?: [number, number, number, number];
  /** Text fields to put in an AcroForm. */
  textFields?: string[];
  /** Header version written into the file (same length as pdf-lib's "1.7"). */
  version?: '1.4' | '1.7' | '2.0';
  /** false (default): classic xref table. true: pdf-lib's xref stream + object streams. */
  objectStreams?: boolean;
}

/** A pdf-lib document with a line of text per page. */
export async function makePdf(spec: PdfSpec = {}): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < (spec.pages ?? 1); i++) {
    const page = doc.addPage([595, 842]);
    page.drawText(`Page ${i + 1} - kyso test document`, { x: 50, y: 780, size: 14, font });
    if (spec.rotate) page.setRotation(degrees(spec.rotate));
    if (spec.cropBox) page.setCropBox(...spec.cropBox);
  }
  if (spec.textFields?.length) {
    const form = doc.getForm();
    spec.textFields.forEach((n, i) => {
      const f = form.createTextField(n);
      f.setText(`value ${i}`);
      f.addToPage(doc.getPage(0), { x: 50, y: 700 - i * 40, width: 200, height: 24 });
    });
  }
  const bytes = await doc.save({ useObjectStreams: spec.objectStreams ?? false });
  if (spec.version && spec.version !== '1.7') {
    const head = Buffer.from(bytes.subarray(0, 16)).toString('latin1');
    const at = head.indexOf('%PDF-1.7');
    if (at >= 0) Buffer.from(bytes.buffer, bytes.byteOffset).write(`%PDF-${spec.version}`, at, 'latin1');
  }
  return bytes;
}

/** Runs qpdf over the bytes with the given arguments (input and output files placed by this helper). */
export async function qpdf(input: Uint8Array, args: string[]): Promise<Uint8Array> {
  const dir = await mkdtemp(join(tmpdir(), 'kyso-qpdf-'));
  try {
    const inp = join(dir, 'in.pdf');
    const out = join(dir, 'out.pdf');
    await writeFile(inp, input);
    await execFileP('qpdf', [...args, inp, out]).catch((e: { code?: number }) => {
      // Exit code 3 = warnings: the output exists and is usable.
      if (e.code !== 3) throw e;
    });
    return new Uint8Array(await readFile(out));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Xref stream + object streams, as qpdf writes them. */
export const withObjectStreams = (pdf: Uint8Array): Promise<Uint8Array> => qpdf(pdf, ['--object-streams=generate']);

/** AES-256 encrypted with user password "u". */
export const encrypted = (pdf: Uint8Array): Promise<Uint8Array> => qpdf(pdf, ['--encrypt', 'u', 'o', '256', '--']);

/**
 * Appends a hand-written incremental update (a new /Info with a Producer) with a classic xref table, as other
 * tools do, so the input already carries an update.
 */
export function withIncrementalUpdate(pdf: Uint8Array): Uint8Array {
  const text = Buffer.from(pdf).toString('latin1');
  const startxref = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(text)![1]);
  const size = Math.max(...[...text.matchAll(/\/Size (\d+)/g)].map((m) => Number(m[1])));
  const root = /\/Root (\d+ \d+ R)/.exec(text)![1];
  const obj = `${size} 0 obj\n<< /Producer (kyso fixture update) /Title (Ho so) >>\nendobj\n`;
  const objOffset = pdf.length + 1;
  const xrefOffset = objOffset + obj.length;
  const update = `\n${obj}xref\n${size} 1\n${String(objOffset).padStart(10, '0')} 00000 n \ntrailer\n<< /Size ${size + 1} /Root ${root} /Info ${size} 0 R /Prev ${startxref} >>\nstartxref\n${xrefOffset}\n%%EOF\n`;
  return new Uint8Array(Buffer.concat([Buffer.from(pdf), Buffer.from(update, 'latin1')]));
}

/**
 * A hybrid-reference update: a classic xref table whose trailer has /XRefStm pointing to an xref stream that
 * places a new /Info inside an object stream (what PDF 1.5-aware writers do for old readers).
 */
export function withHybridUpdate(pdf: Uint8Array): Uint8Array {
  const text = Buffer.from(pdf).toString('latin1');
  const startxref = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(text)![1]);
  const s = Math.max(...[...text.matchAll(/\/Size (\d+)/g)].map((m) => Number(m[1])));
  const root = /\/Root (\d+ \d+ R)/.exec(text)![1];
  const info = '<< /Producer (kyso hybrid fixture) >>';
  const header = `${s} 0 `;
  const objStm = `${s + 1} 0 obj\n<< /Type /ObjStm /N 1 /First ${header.length} /Length ${header.length + info.length} >>\nstream\n${header}${info}\nendstream\nendobj\n`;
  const objStmOffset = pdf.length + 1;
  const xrefStmOffset = objStmOffset + objStm.length;
  const row = (t: number, a: number, b: number): Buffer => Buffer.from([t, (a >>> 24) & 255, (a >>> 16) & 255, (a >>> 8) & 255, a & 255, (b >> 8) & 255, b & 255]);
  const rows = Buffer.concat([row(2, s + 1, 0), row(1, objStmOffset, 0), row(1, xrefStmOffset, 0)]);
  const xrefStmHead = Buffer.from(`${s + 2} 0 obj\n<< /Type /XRef /Size ${s + 3} /W [1 4 2] /Index [${s} 3] /Root ${root} /Length ${rows.length} >>\nstream\n`, 'latin1');
  const xrefStm = Buffer.concat([xrefStmHead, rows, Buffer.from('\nendstream\nendobj\n', 'latin1')]);
  const tableOffset = xrefStmOffset + xrefStm.length;
  const table = `xref\n${s + 1} 2\n${String(objStmOffset).padStart(10, '0')} 00000 n \n${String(xrefStmOffset).padStart(10, '0')} 00000 n \n` +
    `trailer\n<< /Size ${s + 3} /Root ${root} /Info ${s} 0 R /Prev ${startxref} /XRefStm ${xrefStmOffset} >>\nstartxref\n${tableOffset}\n%%EOF\n`;
  return new Uint8Array(Buffer.concat([Buffer.from(pdf), Buffer.from(`\n${objStm}`, 'latin1'), xrefStm, Buffer.from(table, 'latin1')]));
}

/** A solid-colour RGBA PNG (colour type 6, 8 bit), encoded here with node:zlib. */
export function makePng(width: number, height: number, rgba: [number, number, number, number]): Uint8Array {
  const chunk = (type: string, data: Buffer): Buffer => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td) >>> 0);
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0); ihdr.writeUInt32BE(height, 4); ihdr[8] = 8; ihdr[9] = 6;
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = y % 2 ? 2 : 1; // exercise Up and Sub filters
    for (let x = 0; x < width; x++) {
      const o = y * (width * 4 + 1) + 1 + x * 4;
      // Sub (1): first pixel raw, others delta 0; Up (2): delta 0 vs the row above.
      const first = y % 2 === 0 && x === 0;
      for (let c = 0; c < 4; c++) raw[o + c] = first ? rgba[c]! : 0;
    }
  }
  return new Uint8Array(Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0)),
  ]));
}
