// signPdf: one incremental update with signature dictionary, widget, AcroForm, and the CMS written into /Contents.
import { AgentError } from '../../core/errors.js';
import type { DigestSigner, PdfAppearance, PdfSignOptions } from '../../core/ports.js';
import type { HashAlgorithm } from '../../core/types.js';
import { createCades } from '../cms/cades.js';
import { digestSliced } from '../digest-sliced.js';
import { buildAppearance } from './appearance.js';
import { asInvalid, invalid, PdfFile } from './document.js';
import { name, PdfDict, PdfRaw, PdfRef, PdfString, textString } from './pdf-objects.js';
import { getPage, listFields, pageCount, placeRect, signedFields, type PageInfo } from './pages.js';
import { drawTextBoxes } from './text-boxes.js';
import { rewriteFull } from './repair.js';
import { IncrementalWriter } from './writer.js';

export const BYTE_RANGE_PLACEHOLDER = '[0 ********** ********** **********]';
/** ByteRange numbers have at most 10 digits: files beyond this are refused long before (PAYLOAD_TOO_LARGE). */
export const MAX_INPUT = 9_000_000_000;
/** A widget per page for `pages: "all"` beyond this is not a signature box any more. */
export const MAX_WIDGET_PAGES = 2000;

/** PDF date `D:YYYYMMDDHHmmSS+07'00'` in Vietnam time (the signer's local time for our users). */
export function pdfDate(d: Date): string {
  const v = new Date(d.getTime() + 7 * 3600_000);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `D:${p(v.getUTCFullYear(), 4)}${p(v.getUTCMonth() + 1)}${p(v.getUTCDate())}${p(v.getUTCHours())}${p(v.getUTCMinutes())}${p(v.getUTCSeconds())}+07'00'`;
}

/** Placeholder size in bytes of DER: generous, so the CMS always fits. */
function contentsSize(signer: DigestSigner, timestamped: boolean): number {
  const certLen = Buffer.from(signer.certificate.der, 'base64').length;
  const chainLen = signer.chain.reduce((s, c) => s + c.length, 0);
  return 8192 + certLen + chainLen + (timestamped ? 6000 : 0);
}

export function uniqueFieldName(existing: Set<string>, wanted: string | undefined): string {
  if (wanted) {
    if (existing.has(wanted)) throw new AgentError('INVALID_PARAMS', `Trường chữ ký "${wanted}" đã tồn tại / field name already used`, { detail: `fieldName already used: ${wanted}` });
    return wanted;
  }
  for (let i = 1; ; i++) if (!existing.has(`Signature${i}`)) return `Signature${i}`;
}

/** The 1-based pages that get a widget: `pages` (listed or 'all'), else `page` (default 1). */
function widgetPages(a: PdfAppearance, count: number): number[] {
  const bad = (what: string): AgentError => new AgentError('INVALID_PARAMS', `Trang ${what} không tồn tại / no such page`, { detail: `appearance page out of range 1..${count}` });
  if (a.pages === 'all') {
    if (count > MAX_WIDGET_PAGES) throw new AgentError('INVALID_PARAMS', 'Quá nhiều trang / too many pages', { detail: `appearance.pages "all": more than ${MAX_WIDGET_PAGES} pages` });
    return Array.from({ length: count }, (_, i) => i + 1);
  }
  if (a.pages) {
    for (const n of a.pages) if (!Number.isInteger(n) || n < 1 || n > count) throw bad(String(n));
    return [...new Set(a.pages)].sort((x, y) => x - y);
  }
  const wanted = a.page ?? 1;
  const pageNo = wanted === 'last' ? count : wanted;
  if (!Number.isInteger(pageNo) || pageNo < 1 || pageNo > count) throw bad(String(wanted));
  return [pageNo];
}

/** Appends `items` to an array that may be direct (in `owner`) or indirect; records the rewrite in the writer. */
function appendToArray(file: PdfFile, w: IncrementalWriter, owner: PdfDict, key: string, items: PdfRef[]): void {
  const cur = owner.get(key);
  if (cur instanceof PdfRef) {
    const arr = file.resolve(cur);
    w.put(cur, [...(Array.isArray(arr) ? arr : []), ...items]);
  } else {
    owner.set(key, [...(Array.isArray(cur) ? cur : []), ...items]);
  }
}

/**
 * Opens the input for an update. Rebuilt cross-reference data: with earlier signatures refused (a rewrite would
 * break them), else the repaired file written out whole is what gets signed.
 */
export function openForSigning(pdf: Uint8Array): PdfFile {
  const file = PdfFile.open(pdf);
  file.assertSignable();
  if (!file.rebuilt) return file;
  let signed: number;
  try {
    signed = signedFields(file).length;
  } catch (e) {
    throw asInvalid(e);
  }
  if (signed > 0) {
    throw new AgentError('DOCUMENT_INVALID',
      'Tệp PDF bị hỏng bảng tham chiếu và đã có chữ ký: sửa tệp sẽ làm hỏng các chữ ký đó / the PDF\'s cross-reference data is damaged and it already carries signatures: repairing it would break them',
      { detail: `damaged cross-reference data in a signed file (${signed} signature(s)): not repaired`, documentProblem: 'damaged-signed' });
  }
  const whole = PdfFile.open(rewriteFull(file));
  whole.repaired = file.repaired;
  return whole;
}

/** Writes the real /ByteRange over the placeholder of the signature dictionary at `sigOffset`; where /Contents is. */
export function fillByteRange(out: Buffer, sigOffset: number, placeholderBytes: number): { contentsStart: number; contentsEnd: number } {
  const brPos = out.indexOf(BYTE_RANGE_PLACEHOLDER, sigOffset, 'latin1');
  const contentsStart = out.indexOf('<' + '0'.repeat(64), sigOffset, 'latin1');
  if (brPos < 0 || contentsStart < 0) throw new Error('placeholder not found');
  const contentsEnd = contentsStart + placeholderBytes * 2 + 2;
  const br = `[0 ${contentsStart} ${contentsEnd} ${out.length - contentsEnd}]`.padEnd(BYTE_RANGE_PLACEHOLDER.length, ' ');
  if (br.length !== BYTE_RANGE_PLACEHOLDER.length) throw new Error('ByteRange does not fit');
  out.write(br, brPos, 'latin1');
  return { contentsStart, contentsEnd };
}

/** The digest over everything but /Contents (what a PDF signature or document timestamp covers). */
export function byteRangeDigest(out: Buffer, contentsStart: number, contentsEnd: number, hashAlgorithm: HashAlgorithm): Promise<Uint8Array> {
  return digestSliced(hashAlgorithm, out.subarray(0, contentsStart), out.subarray(contentsEnd));
}

/**
 * Adds annotations to the page's /Annots: a direct array rewrites the page, an indirect one is rewritten itself.
 * All of one page's annotations in one call: each call starts again from the page as the file has it.
 */
function addToPageAnnots(file: PdfFile, w: IncrementalWriter, page: PageInfo, annotRefs: PdfRef[]): void {
  const pageDict = page.dict.clone();
  appendToArray(file, w, pageDict, 'Annots', annotRefs);
  if (!(page.dict.get('Annots') instanceof PdfRef)) w.put(page.ref, pageDict);
}

/** Adds a signature field to the AcroForm's /Fields with SigFlags 3: indirect AcroForm rewritten, else the catalog. */
function addSignatureField(file: PdfFile, w: IncrementalWriter, fieldRef: PdfRef): void {
  const catalog = file.catalog.clone();
  const acroEntry = catalog.get('AcroForm');
  const acroOld = file.dict(acroEntry);
  const acro = acroOld ? acroOld.clone() : new PdfDict();
  appendToArray(file, w, acro, 'Fields', [fieldRef]);
  acro.set('SigFlags', 3);
  if (acroEntry instanceof PdfRef && acroOld) {
    w.put(acroEntry, acro);
  } else {
    catalog.set('AcroForm', acro);
    w.put(file.rootRef, catalog);
  }
}

/** Hooks a new signature widget into the document: the page's /Annots and the AcroForm's /Fields. */
export function attachSignatureWidget(file: PdfFile, w: IncrementalWriter, page: PageInfo, widgetRef: PdfRef): void {
  addToPageAnnots(file, w, page, [widgetRef]);
  addSignatureField(file, w, widgetRef);
}

/**
 * Signs a PDF with one incremental update. The input bytes are kept unchanged at the start of the output, so
 * earlier signatures stay valid.
 */
export async function signPdf(pdf: Uint8Array, options: PdfSignOptions, signer: DigestSigner): Promise<Uint8Array> {
  if (pdf.length > MAX_INPUT) throw invalid('tệp quá lớn / file too large');
  return signPdfFile(openForSigning(pdf), options, signer);
}

/** {@link signPdf} of a file already opened for signing (by describePdf): the document is read once. */
export async function signPdfFile(file: PdfFile, options: PdfSignOptions, signer: DigestSigner): Promise<Uint8Array> {
  const subFilter = options.subFilter ?? 'ETSI.CAdES.detached';
  const timestamped = options.level === 'B-T';
  if (timestamped && !options.timestamp) {
    throw new AgentError('INVALID_PARAMS', 'B-T cần máy chủ dấu thời gian / B-T needs a timestamp server', { detail: 'level B-T requires timestamp.url' });
  }
  const appearance = options.appearance ?? {};
  const visible = appearance.visible !== false;

  const w = new IncrementalWriter(file);
  let out: Buffer;
  let contentsStart: number;
  let contentsEnd: number;
  const placeholderBytes = contentsSize(signer, timestamped);
  try {
    const count = pageCount(file);
    if (count < 1) throw invalid('tài liệu không có trang / document has no pages');
    const pageNos = widgetPages(appearance, count);
    const fields = listFields(file);
    const fieldName = uniqueFieldName(new Set(fields.map((f) => f.name)), options.fieldName);

    const sigRef = w.allocate();
    const fieldRef = w.allocate();
    const sig = new PdfDict([
      ['Type', name('Sig')], ['Filter', name('Adobe.PPKLite')], ['SubFilter', name(subFilter)],
      ['ByteRange', new PdfRaw(BYTE_RANGE_PLACEHOLDER)],
      ['Contents', new PdfRaw(`<${'0'.repeat(placeholderBytes * 2)}>`)],
      ['M', new PdfString(Buffer.from(pdfDate(options.signingTime), 'latin1'))],
    ]);
    if (options.reason) sig.set('Reason', textString(options.reason));
    if (options.location) sig.set('Location', textString(options.location));
    if (options.contactInfo) sig.set('ContactInfo', textString(options.contactInfo));
    sig.set('Name', textString(signer.certificate.subject.commonName));
    w.put(sigRef, sig);

    // The field is the signature's one widget, on the first page. Further pages (`pages`) show the same appearance
    // as print-only, locked stamp annotations: validators (poppler) treat every widget of a signature field as a field
    // of its own, unsigned, so one field with several widgets would not validate.
    const field = new PdfDict([['Type', name('Annot')], ['Subtype', name('Widget')], ['FT', name('Sig')], ['T', textString(fieldName)], ['V', sigRef]]);
    const annotRefs = pageNos.map((_, i) => (i === 0 ? fieldRef : w.allocate()));
    const aps = new Map<number, PdfRef>();
    // Every new annotation of a page is added to its /Annots at once (widgets, stamps and text boxes).
    const perPage = new Map<number, { page: PageInfo; refs: PdfRef[] }>();
    const onPage = (pageNo: number, page: PageInfo, ref: PdfRef): void => {
      const entry = perPage.get(pageNo) ?? { page, refs: [] };
      entry.refs.push(ref);
      perPage.set(pageNo, entry);
    };
    for (const [i, pageNo] of pageNos.entries()) {
      const page = getPage(file, pageNo - 1);
      const annot = i === 0 ? field : new PdfDict([['Type', name('Annot')], ['Subtype', name('Stamp')], ['Contents', textString(`Chữ ký số / digital signature: ${fieldName}`)]]);
      annot.set('F', 132).set('P', page.ref);
      if (visible) {
        const rect = appearance.rect ?? [36, 36, 220, 60];
        if (!rect.every((n) => Number.isFinite(n)) || rect[2] <= 0 || rect[3] <= 0) {
          throw new AgentError('INVALID_PARAMS', 'Khung chữ ký sai / bad appearance.rect', { detail: 'appearance.rect must be [x, y, width>0, height>0]' });
        }
        const placed = placeRect(page, rect);
        annot.set('Rect', placed.rect);
        // Pages of the same rotation share one appearance stream.
        let stream = aps.get(page.rotate);
        if (!stream) {
          stream = await buildAppearance(w, {
            width: rect[2], height: rect[3], matrix: placed.matrix, signer: appearance.signerName ?? signer.certificate.subject.commonName,
            signingTime: options.signingTime, reason: options.reason, location: options.location,
            text: appearance.text, image: appearance.image, fontSize: appearance.fontSize, textColor: appearance.textColor,
            background: appearance.background, border: appearance.border, layout: appearance.layout,
            bold: appearance.bold, italic: appearance.italic, verticalAlign: appearance.verticalAlign,
            organization: appearance.organization, position: appearance.position, description: appearance.description,
            documentNumber: appearance.documentNumber, documentDate: appearance.documentDate,
          });
          aps.set(page.rotate, stream);
        }
        annot.set('AP', new PdfDict([['N', stream]]));
      } else {
        annot.set('Rect', [0, 0, 0, 0]);
      }
      if (i > 0) w.put(annotRefs[i]!, annot);
      onPage(pageNo, page, annotRefs[i]!);
    }
    for (const box of await drawTextBoxes(file, w, appearance.textBoxes ?? [], count, options.signingTime)) onPage(box.pageNo, box.page, box.ref);
    for (const { page, refs } of perPage.values()) addToPageAnnots(file, w, page, refs);
    w.put(fieldRef, field);
    addSignatureField(file, w, fieldRef);

    const built = (await w.buildSliced()).out;
    out = built;
    const sigOffset = w.offsetOf(sigRef);
    ({ contentsStart, contentsEnd } = fillByteRange(out, sigOffset, placeholderBytes));
  } catch (e) {
    throw asInvalid(e);
  }

  const digest = await byteRangeDigest(out, contentsStart, contentsEnd, options.hashAlgorithm);

  const pades = subFilter === 'ETSI.CAdES.detached';
  const cms = await createCades(
    { hash: digest, hashAlgorithm: options.hashAlgorithm },
    {
      hashAlgorithm: options.hashAlgorithm, detached: true, signingTime: pades ? false : options.signingTime, pades,
      ...(options.timestamp ? { timestamp: options.timestamp } : {}),
    },
    signer,
  );
  if (cms.length > placeholderBytes) {
    throw new AgentError('INTERNAL', 'INTERNAL', {}, `CMS (${cms.length} bytes) larger than the /Contents placeholder (${placeholderBytes})`);
  }
  out.write(Buffer.from(cms).toString('hex'), contentsStart + 1, 'latin1');
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}
