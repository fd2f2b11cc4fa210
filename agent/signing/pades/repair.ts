// Damaged cross-reference data: the object table rebuilt by scanning the file for `N G obj`, as qpdf, poppler and
// pdf.js do, and the repaired file written out whole (a new, consistent xref). See docs/pdf-inputs.md.
import type { PdfFile } from './document.js';
import { Lexer } from './lexer.js';
import { PdfDict, PdfName, PdfRef, PdfStream, serialize, type PdfObject } from './pdf-objects.js';
import { objectBytes } from './writer.js';

/** Objects in a scanned file beyond this are not a document we can repair sensibly. */
const MAX_SCANNED = 2_000_000;
/**
 * `N G obj` heads that fail to parse before the scan gives up: each failure may search forward for `endstream`, so
 * a hostile file full of unterminated streams would otherwise cost (heads × file size).
 */
const MAX_SCAN_FAILURES = 2_000;

export interface Scanned {
  /** Object number → offset and generation of its LAST definition in the file (later updates win). */
  objects: Map<number, { offset: number; gen: number }>;
  /** Numbers of object streams and xref streams seen while scanning. */
  objStms: number[];
  /** The trailer assembled from the last trailers / xref streams (Root, Info, ID, Encrypt). */
  trailer: PdfDict;
}

const OBJ_HEAD = /(\d{1,10})[ \t\r\n\f\0]+(\d{1,5})[ \t\r\n\f\0]+obj(?![A-Za-z0-9])/y;
const TRAILER_KEYS = ['Root', 'Info', 'ID', 'Encrypt'] as const;

/**
 * Walks the whole file once. Each `N G obj` that parses is recorded and the scan continues after it, so bytes inside
 * its streams are never mistaken for objects.
 */
export function scanObjects(buf: Uint8Array): Scanned {
  const text = Buffer.from(buf.buffer, buf.byteOffset, buf.length).toString('latin1');
  const objects = new Map<number, { offset: number; gen: number }>();
  const objStms: number[] = [];
  const trailers: PdfDict[] = [];
  let catalog: PdfRef | undefined;
  let pos = 0;
  let failures = 0;
  while (pos < text.length && failures < MAX_SCAN_FAILURES) {
    const nextObj = text.indexOf('obj', pos);
    const nextTrailer = text.indexOf('trailer', pos);
    if (nextObj < 0 && nextTrailer < 0) break;
    if (nextTrailer >= 0 && (nextObj < 0 || nextTrailer < nextObj)) {
      const l = new Lexer(buf, nextTrailer + 'trailer'.length);
      try {
        const t = l.parseObject();
        if (t instanceof PdfDict) trailers.push(t);
        pos = l.pos;
      } catch {
        // A failed parse counts, and the scan goes on where the lexer stopped: bytes it read (an unclosed string to
        // the end of the file) are never read again, so hostile input stays linear (docs/security.md, T23).
        failures++;
        pos = Math.max(l.pos, nextTrailer + 7);
      }
      continue;
    }
    // Back up to the start of "N G " before this "obj".
    let start = nextObj - 1;
    while (start > 0 && /[\d \t\r\n\f\0]/.test(text[start - 1]!) && nextObj - start < 24) start--;
    while (start < nextObj && !/\d/.test(text[start]!)) start++;
    OBJ_HEAD.lastIndex = start;
    const m = OBJ_HEAD.exec(text);
    if (!m || m.index + m[0].length !== nextObj + 3) { pos = nextObj + 3; continue; }
    const l = new Lexer(buf, start);
    try {
      const got = l.parseIndirect();
      objects.set(got.num, { offset: start, gen: got.gen });
      if (objects.size > MAX_SCANNED) break;
      const dict = got.value instanceof PdfStream ? got.value.dict : got.value instanceof PdfDict ? got.value : undefined;
      const type = dict?.get('Type');
      const t = type instanceof PdfName ? type.name : '';
      if (t === 'ObjStm') objStms.push(got.num);
      if (t === 'XRef' && dict) trailers.push(dict);
      if (t === 'Catalog') catalog = new PdfRef(got.num, got.gen);
      pos = Math.max(l.pos, nextObj + 3);
    } catch {
      failures++;
      pos = Math.max(l.pos, nextObj + 3);
    }
  }
  const trailer = new PdfDict();
  for (const k of TRAILER_KEYS) {
    for (let i = trailers.length - 1; i >= 0; i--) {
      const v = trailers[i]!.get(k);
      if (v !== undefined && (k !== 'Root' || v instanceof PdfRef)) { trailer.set(k, v); break; }
    }
  }
  if (!trailer.has('Root') && catalog) trailer.set('Root', catalog);
  return { objects, objStms, trailer };
}

/**
 * The repaired document as one full file: every live object (object streams unpacked), a classic xref table and
 * a trailer keeping /Root, /Info, /ID and /Encrypt. Strings and streams are re-encrypted with the same key.
 */
export function rewriteFull(file: PdfFile): Uint8Array {
  const chunks: Buffer[] = [Buffer.from(`%PDF-${file.version}\n%\xe2\xe3\xcf\xd3\n`, 'latin1')];
  let offset = chunks[0]!.length;
  const offsets = new Map<number, { offset: number; gen: number }>();
  const encryptRef = file.trailer.get('Encrypt');
  for (const num of file.objectNumbers()) {
    let value: PdfObject;
    try {
      value = file.getObject(num);
    } catch {
      continue; // A damaged object nothing can read: left out, as the repairing readers do.
    }
    if (value === null) continue;
    const dict = value instanceof PdfStream ? value.dict : undefined;
    const type = dict?.get('Type');
    if (type instanceof PdfName && (type.name === 'XRef' || type.name === 'ObjStm')) continue;
    const gen = file.generationOf(num);
    const plain = encryptRef instanceof PdfRef && encryptRef.num === num;
    const keepPlain = plain || (type instanceof PdfName && type.name === 'Metadata' && file.crypt?.encryptMetadata === false);
    const body = value instanceof PdfStream ? { dict: value.dict.clone(), data: value.data } : value;
    offsets.set(num, { offset, gen });
    for (const b of objectBytes(num, gen, body, keepPlain ? undefined : file.crypt)) { chunks.push(b); offset += b.length; }
  }
  const size = Math.max(0, ...offsets.keys()) + 1;
  let xref = `xref\n0 ${size}\n0000000000 65535 f \n`;
  for (let n = 1; n < size; n++) {
    const o = offsets.get(n);
    xref += o ? `${String(o.offset).padStart(10, '0')} ${String(o.gen).padStart(5, '0')} n \n` : '0000000000 00000 f \n';
  }
  const trailer = new PdfDict([['Size', size]]);
  for (const k of TRAILER_KEYS) {
    const v = file.trailer.get(k);
    if (v !== undefined) trailer.set(k, v);
  }
  chunks.push(Buffer.from(`${xref}trailer\n${serialize(trailer)}\nstartxref\n${offset}\n%%EOF\n`, 'latin1'));
  return new Uint8Array(Buffer.concat(chunks));
}
