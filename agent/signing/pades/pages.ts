// Page tree navigation (with inherited attributes) and the AcroForm field walk (names, signature fields).
import { invalid, type PdfFile } from './document.js';
import type { PdfDict} from './pdf-objects.js';
import { decodeTextString, PdfName, PdfRef, PdfString, type PdfObject } from './pdf-objects.js';

export interface PageInfo {
  ref: PdfRef;
  dict: PdfDict;
  /** Effective boxes and rotation (inherited from ancestors when absent on the page). */
  mediaBox: [number, number, number, number];
  cropBox: [number, number, number, number];
  rotate: 0 | 90 | 180 | 270;
}

const MAX_TREE_DEPTH = 64;
/** More form fields than this is no real form (the walk is linear in them, but the list is kept). */
const MAX_FIELDS = 100_000;
/** Characters in a fully qualified field name. */
const MAX_FIELD_NAME = 4096;

function isPagesNode(d: PdfDict): boolean {
  const t = d.get('Type');
  return (t instanceof PdfName && t.name === 'Pages') || (!(t instanceof PdfName && t.name === 'Page') && d.has('Kids'));
}

/** Number of pages: the root /Count when sane, else a walk. */
export function pageCount(file: PdfFile): number {
  const pages = file.dict(file.catalog.get('Pages'));
  if (!pages) throw invalid('thiếu cây trang / no page tree');
  const c = file.resolve(pages.get('Count'));
  if (typeof c === 'number' && Number.isInteger(c) && c >= 0) return c;
  throw invalid('/Count của cây trang sai / bad page tree /Count');
}

function box(file: PdfFile, o: PdfObject | undefined): [number, number, number, number] | undefined {
  const v = file.resolve(o);
  if (!Array.isArray(v) || v.length !== 4) return undefined;
  const n = v.map((x) => file.resolve(x));
  if (!n.every((x) => typeof x === 'number')) return undefined;
  const [a, b, c, d] = n as number[];
  return [Math.min(a!, c!), Math.min(b!, d!), Math.max(a!, c!), Math.max(b!, d!)];
}

/** The page at a 0-based index, descending the tree with the kids' /Count. */
export function getPage(file: PdfFile, index: number): PageInfo {
  let node: PdfObject | undefined = file.catalog.get('Pages');
  let remaining = index;
  const inherited: { MediaBox?: PdfObject; CropBox?: PdfObject; Rotate?: PdfObject } = {};
  // Each /Kids array is scanned at most once: a shared or looping array would make the descent depth × its size.
  const scanned = new Set<PdfObject[]>();
  for (let depth = 0; depth < MAX_TREE_DEPTH; depth++) {
    const d = file.dict(node);
    if (!d) throw invalid('cây trang hỏng / broken page tree');
    for (const k of ['MediaBox', 'CropBox', 'Rotate'] as const) if (d.has(k)) inherited[k] = d.get(k);
    const kids = file.resolve(d.get('Kids'));
    if (!Array.isArray(kids)) throw invalid('cây trang hỏng / page tree node without /Kids');
    if (scanned.has(kids)) throw invalid('cây trang lặp / page tree loops');
    scanned.add(kids);
    let next: PdfObject | undefined;
    for (const kid of kids) {
      const kd = file.dict(kid);
      if (!kd) continue;
      if (isPagesNode(kd)) {
        const c = file.resolve(kd.get('Count'));
        const count = typeof c === 'number' ? c : 0;
        if (remaining < count) { next = kid; break; }
        remaining -= count;
      } else {
        if (remaining === 0) {
          if (!(kid instanceof PdfRef)) throw invalid('trang không phải đối tượng gián tiếp / page is not an indirect object');
          for (const k of ['MediaBox', 'CropBox', 'Rotate'] as const) if (kd.has(k)) inherited[k] = kd.get(k);
          const media = box(file, inherited.MediaBox) ?? [0, 0, 612, 792];
          const crop = box(file, inherited.CropBox) ?? media;
          // CropBox is clipped to MediaBox.
          const cropBox: [number, number, number, number] = [
            Math.max(crop[0], media[0]), Math.max(crop[1], media[1]), Math.min(crop[2], media[2]), Math.min(crop[3], media[3]),
          ];
          const r = file.resolve(inherited.Rotate);
          const rot = ((((typeof r === 'number' ? Math.round(r / 90) * 90 : 0) % 360) + 360) % 360) as 0 | 90 | 180 | 270;
          return { ref: kid, dict: kd, mediaBox: media, cropBox, rotate: rot };
        }
        remaining--;
      }
    }
    if (next === undefined) throw invalid(`không tìm thấy trang ${index + 1} / page ${index + 1} not found`);
    node = next;
  }
  throw invalid('cây trang quá sâu / page tree too deep');
}

export interface FieldInfo {
  /** Fully qualified name (parent.child). */
  name: string;
  ref: PdfRef | undefined;
  dict: PdfDict;
  /** Effective /FT (inheritable). */
  type: string | undefined;
}

/** Every terminal field of the AcroForm (bounded walk). */
export function listFields(file: PdfFile): FieldInfo[] {
  const acro = file.dict(file.catalog.get('AcroForm'));
  if (!acro) return [];
  const fields = file.resolve(acro.get('Fields'));
  if (!Array.isArray(fields)) return [];
  const out: FieldInfo[] = [];
  const seen = new Set<string>();
  // Also by identity: direct field dicts inside a shared indirect /Kids array would otherwise be walked once per
  // path to them, exponential in the depth.
  const seenDicts = new Set<PdfDict>();
  const seenKids = new Set<PdfObject[]>([fields]);
  const walk = (items: PdfObject[], prefix: string, ft: string | undefined, depth: number): void => {
    if (depth > MAX_TREE_DEPTH) return;
    for (const item of items) {
      if (item instanceof PdfRef) {
        if (seen.has(item.key)) continue;
        seen.add(item.key);
      }
      const d = file.dict(item);
      if (!d || seenDicts.has(d)) continue;
      seenDicts.add(d);
      if (seenDicts.size > MAX_FIELDS) throw invalid('quá nhiều trường biểu mẫu / too many form fields');
      const t = file.resolve(d.get('T'));
      const part = t instanceof PdfString ? decodeTextString(t.bytes) : '';
      const name = part ? (prefix ? `${prefix}.${part}` : part) : prefix;
      // Leaves copy their parents' names: long names times many leaves would blow up memory.
      if (name.length > MAX_FIELD_NAME) throw invalid('tên trường quá dài / form field name too long');
      const ftv = file.resolve(d.get('FT'));
      const type = ftv instanceof PdfName ? ftv.name : ft;
      const kids = file.resolve(d.get('Kids'));
      if (Array.isArray(kids)) {
        // A /Kids array shared by several fields is malformed; scanning it once per sharer would be quadratic.
        if (seenKids.has(kids)) continue;
        seenKids.add(kids);
      }
      // Kids that carry /T are fields; kids without /T are only widgets of this field.
      const fieldKids = Array.isArray(kids) ? kids.filter((k) => file.dict(k)?.has('T')) : [];
      if (fieldKids.length > 0) walk(fieldKids, name, type, depth + 1);
      else out.push({ name, ref: item instanceof PdfRef ? item : undefined, dict: d, type });
    }
  };
  walk(fields, '', undefined, 0);
  return out;
}

/** Signature fields that carry a value (a signature dictionary). */
export function signedFields(file: PdfFile): Array<FieldInfo & { sig: PdfDict }> {
  const out: Array<FieldInfo & { sig: PdfDict }> = [];
  for (const f of listFields(file)) {
    if (f.type !== 'Sig') continue;
    const v = file.dict(f.dict.get('V'));
    if (v) out.push({ ...f, sig: v });
  }
  return out;
}

/** Maps the user's rectangle (visible page, from its lower-left) to default user space for /Rotate and /CropBox. */
export function placeRect(page: PageInfo, rect: [number, number, number, number]): { rect: [number, number, number, number]; matrix: number[] } {
  const [u, v, w, h] = rect;
  const [cx0, cy0, cx1, cy1] = page.cropBox;
  const cw = cx1 - cx0, ch = cy1 - cy0;
  let x0: number, y0: number, x1: number, y1: number, matrix: number[];
  switch (page.rotate) {
    case 90: x0 = cw - v - h; x1 = cw - v; y0 = u; y1 = u + w; matrix = [0, 1, -1, 0, 0, 0]; break;
    case 180: x0 = cw - u - w; x1 = cw - u; y0 = ch - v - h; y1 = ch - v; matrix = [-1, 0, 0, -1, 0, 0]; break;
    case 270: x0 = v; x1 = v + h; y0 = ch - u - w; y1 = ch - u; matrix = [0, -1, 1, 0, 0, 0]; break;
    default: x0 = u; x1 = u + w; y0 = v; y1 = v + h; matrix = [1, 0, 0, 1, 0, 0];
  }
  return { rect: [x0 + cx0, y0 + cy0, x1 + cx0, y1 + cy0], matrix };
}
