// PdfSigner (both the current shape and PdfSigner_oldVersion the script sends to old plugins) → sign.pdf params.
// The one mapping of every PdfSigner option; docs/vnpt-compat.md lists each option's status.
import { SIGNING_TIME_FIELD } from '../../core/index.js';
import { parseJson } from '../../core/protocol/json.js';
import { UnsupportedOption, flag, hashName, num, pick, str } from './options.js';

/** What the visible text may say about the signer, from the certificate the user chose. */
export interface SignerFacts {
  commonName: string;
  organization?: string;
  /** RFC 4514 subject (OU and e-mail are read from it). */
  dn?: string;
}

/** Comments drawn with one signature, at most (each is an annotation of its own; sign.pdf takes 50 text boxes). */
const MAX_COMMENTS = 48;
/** Entries of PagesArray, at most (as sign.pdf's `pages`). */
const MAX_PAGES = 1000;

/** One attribute of an RFC 4514 subject (`OU`, `E`), escapes undone; the first value. */
export function dnAttribute(dn: string | undefined, type: string): string | undefined {
  if (!dn) return undefined;
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < dn.length; i++) {
    const c = dn[i]!;
    if (c === '\\' && i + 1 < dn.length) {
      const hex = /^[0-9a-fA-F]{2}/.exec(dn.slice(i + 1, i + 3));
      cur += hex ? String.fromCharCode(parseInt(hex[0], 16)) : dn[i + 1]!;
      i += hex ? 2 : 1;
    } else if (c === ',' || c === '+') {
      parts.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  parts.push(cur);
  const prefix = `${type.toLowerCase()}=`;
  const hit = parts.find((p) => p.toLowerCase().startsWith(prefix));
  return hit ? hit.slice(prefix.length) : undefined;
}

/** `"r,g,b"` (0–255, as the script's consumers write it) or `#RRGGBB` → `#RRGGBB`; anything else undefined. */
export function vnptColor(v: unknown): string | undefined {
  const s = str(v)?.trim();
  if (!s) return undefined;
  if (/^#[0-9a-f]{6}$/i.test(s)) return s.toUpperCase();
  const m = /^(\d{1,3})\s*[,;\s]\s*(\d{1,3})\s*[,;\s]\s*(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const rgb = m.slice(1, 4).map(Number);
  if (rgb.some((n) => n > 255)) return undefined;
  return `#${rgb.map((n) => n.toString(16).padStart(2, '0')).join('').toUpperCase()}`;
}

/**
 * A box the way the script's options give one: `"llx,lly,urx,ury"`, `[llx, lly, urx, ury]` or
 * `{llx, lly, urx, ury}` (PDF points) → sign.pdf's `[x, y, width, height]`; undefined when it is not a box.
 */
export function vnptRect(v: unknown): [number, number, number, number] | undefined {
  let c: Array<number | undefined>;
  if (typeof v === 'string') c = v.split(/[,;\s]+/).filter((x) => x !== '').map(num);
  else if (Array.isArray(v)) c = v.map(num);
  else if (typeof v === 'object' && v !== null) c = ['llx', 'lly', 'urx', 'ury'].map((k) => num(pick(v as Record<string, unknown>, k)));
  else return undefined;
  const [llx, lly, urx, ury] = c;
  if (c.length !== 4 || llx === undefined || lly === undefined || urx === undefined || ury === undefined) return undefined;
  if (llx < 0 || lly < 0 || urx <= llx || ury <= lly) return undefined;
  return [llx, lly, urx - llx, ury - lly];
}

/** PagesArray arrives as [2,3], "2,3" or "2": every listed page, in order, without repeats. */
function pagesArray(o: Record<string, unknown>): number[] {
  const v = pick(o, 'PagesArray');
  const raw = Array.isArray(v) ? v : typeof v === 'string' ? v.split(/[,;\s]+/) : v !== undefined ? [v] : [];
  const pages = [...new Set(raw.map(num).filter((n): n is number => n !== undefined && Number.isInteger(n) && n >= 1))];
  if (pages.length > MAX_PAGES) throw new UnsupportedOption(`PagesArray: quá ${MAX_PAGES} trang / more than ${MAX_PAGES} pages`);
  return pages;
}

/** The lines of the signature's text, in the plugin's order, honouring its visibility flags. */
function textLines(o: Record<string, unknown>, who: SignerFacts): string[] {
  const description = str(pick(o, 'Description'));
  const label = str(pick(o, 'labelDescription'))?.trim();
  const describe = description ? `${label ? `${label} ` : ''}${description}` : undefined;
  if (flag(pick(o, 'OnlyDescription')) === true) return describe ? [describe] : [];
  const lines: string[] = [];
  const ou = dnAttribute(who.dn, 'OU');
  const combine = flag(pick(o, 'sigCombineCNAndOU')) === true && ou !== undefined;
  if (flag(pick(o, 'SigSignerVisible')) !== false) {
    const name = `${str(pick(o, 'Signer')) ?? who.commonName}${combine ? ` - ${ou}` : ''}`;
    lines.push(`Ký bởi: ${flag(pick(o, 'sigUpperCase')) === true ? name.toLocaleUpperCase('vi') : name}`);
  }
  // sigOULabel: the organisational unit on a line of its own, after this label (true: "Phòng ban:").
  const ouLabel = pick(o, 'sigOULabel');
  if (ou && !combine && ouLabel !== undefined && flag(ouLabel) !== false) lines.push(`${flag(ouLabel) === true ? 'Phòng ban:' : String(ouLabel).trim()} ${ou}`);
  if (flag(pick(o, 'SigCompanyVisible')) === true && who.organization) lines.push(`Đơn vị: ${who.organization}`);
  const email = dnAttribute(who.dn, 'E') ?? dnAttribute(who.dn, 'emailAddress');
  if (flag(pick(o, 'SigEmailVisible')) === true && email) lines.push(`Email: ${email}`);
  const position = str(pick(o, 'SignerPosition'));
  if (position && flag(pick(o, 'SigPositionVisible')) !== false) lines.push(`Chức vụ: ${position}`);
  if (describe) lines.push(describe);
  // The time the key signs, filled in then (never the page's SigningTime: docs/vnpt-compat.md).
  if (flag(pick(o, 'SigSigningTimeVisible')) !== false) lines.push(`Ngày ký: ${SIGNING_TIME_FIELD}`);
  return lines;
}

interface Drawn {
  lines: string[];
  boxes: Array<Record<string, unknown>>;
}

/**
 * DocumentNumber / DocumentDate: with a box (`…Rec`) the value alone is written there (into the document's blank,
 * on `…Page`, default the signature's page); without one it is a line of the signature's text.
 */
function stampValue(o: Record<string, unknown>, key: 'DocumentNumber' | 'DocumentDate', page: number, style: Record<string, unknown>, out: Drawn): void {
  const value = str(pick(o, key))?.trim();
  if (!value) return;
  const rect = vnptRect(pick(o, `${key}Rec`));
  if (pick(o, `${key}Rec`) !== undefined && !rect) throw new UnsupportedOption(`${key}Rec: cần "llx,lly,urx,ury" / expected "llx,lly,urx,ury"`);
  const italic = flag(pick(o, key === 'DocumentNumber' ? 'docNumberItalic' : 'docDateItalic')) === true;
  if (rect) {
    const p = num(pick(o, `${key}Page`));
    out.boxes.push({ page: p !== undefined && Number.isInteger(p) && p >= 1 ? p : page, rect, text: value, ...style, ...(italic ? { italic } : {}) });
  } else {
    out.lines.push(`${key === 'DocumentNumber' ? 'Số' : 'Ngày văn bản'}: ${value}`);
  }
}

/** listComment: an array (or JSON text of one) of `{Description, page, llx, lly, urx, ury, commentFontSize}`. */
function comments(o: Record<string, unknown>, page: number, style: Record<string, unknown>): Array<Record<string, unknown>> {
  let list = pick(o, 'listComment');
  if (typeof list === 'string') {
    // Bounded parse (docs/security.md, T22): the text comes from the page.
    const parsed = parseJson(list);
    if (!parsed.ok) throw new UnsupportedOption('listComment: không đọc được / unreadable');
    list = parsed.value;
  }
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new UnsupportedOption('listComment: cần một mảng / expected an array');
  if (list.length > MAX_COMMENTS) throw new UnsupportedOption(`listComment: quá ${MAX_COMMENTS} mục / more than ${MAX_COMMENTS} items`);
  const italic = flag(pick(o, 'commentItalic')) === true;
  const size = num(pick(o, 'commentFontSize'));
  return list.flatMap((c: unknown, i) => {
    const item = typeof c === 'object' && c !== null ? (c as Record<string, unknown>) : {};
    const text = str(pick(item, 'Description', 'text', 'comment'))?.trim();
    if (!text) return [];
    const rect = vnptRect(item);
    if (!rect) throw new UnsupportedOption(`listComment[${i}]: thiếu vị trí llx,lly,urx,ury / no llx,lly,urx,ury box`);
    const p = num(pick(item, 'page'));
    const fontSize = num(pick(item, 'commentFontSize', 'fontSize')) ?? size;
    return [{
      page: p !== undefined && Number.isInteger(p) && p >= 1 ? p : page, rect, text: text.slice(0, 1000), ...style,
      ...(fontSize !== undefined ? { fontSize: Math.min(72, Math.max(4, fontSize)) } : {}),
      ...(italic || flag(pick(item, 'commentItalic')) === true ? { italic: true } : {}),
    }];
  });
}

/**
 * PdfSigner → sign.pdf params. Rectangle `llx,lly,urx,ury` in PDF points; no rectangle or `SigVisible: false` → an
 * invisible signature (document number, date and comments are still written in their own boxes). `SigType` 0 text,
 * 1 text and image, 2 image only. Description is also the PDF /Reason.
 */
export function pdfParams(o: Record<string, unknown>, who: SignerFacts): Record<string, unknown> {
  if (flag(pick(o, 'IsEncyptFile')) === true) {
    throw new UnsupportedOption('Mã hoá tệp PDF khi ký chưa được hỗ trợ / Encrypting the PDF while signing is not supported');
  }
  const params: Record<string, unknown> = {};
  const hash = hashName(pick(o, 'DigestAlgorithm', 'HashAlgorithm'));
  if (hash) params.hashAlgorithm = hash;
  const reason = str(pick(o, 'Description', 'Reason'));
  const location = str(pick(o, 'Location'));
  if (reason) params.reason = reason;
  if (location) params.location = location;
  const tsa = str(pick(o, 'TsaUrl'));
  if (tsa) {
    params.timestamp = { url: tsa };
    params.level = 'B-T';
  }

  const listed = pagesArray(o);
  const asked = num(pick(o, 'page', 'Page'));
  const page = listed[0] ?? (asked !== undefined && asked >= 1 ? Math.floor(asked) : 1);
  const color = vnptColor(pick(o, 'SigColorRGB'));
  const bold = flag(pick(o, 'sigBold')) === true;
  const style: Record<string, unknown> = { ...(color ? { textColor: color } : {}), ...(bold ? { bold } : {}) };
  const size = num(pick(o, 'SigTextSize'));
  const fontSize = size !== undefined ? Math.min(72, Math.max(4, size)) : undefined;
  const drawn: Drawn = { lines: textLines(o, who), boxes: [] };
  stampValue(o, 'DocumentNumber', page, { ...style, ...(fontSize !== undefined ? { fontSize } : {}) }, drawn);
  stampValue(o, 'DocumentDate', page, { ...style, ...(fontSize !== undefined ? { fontSize } : {}) }, drawn);
  const boxes = [...drawn.boxes, ...comments(o, page, style)];

  const rect = vnptRect([pick(o, 'llx'), pick(o, 'lly'), pick(o, 'urx'), pick(o, 'ury')]);
  if (flag(pick(o, 'SigVisible')) === false || !rect) {
    params.appearance = { visible: false, ...(boxes.length ? { textBoxes: boxes } : {}) };
    return params;
  }
  const appearance: Record<string, unknown> = { visible: true, page, rect, ...style };
  if (flag(pick(o, 'sigAllPages')) === true) appearance.pages = 'all';
  else if (listed.length > 1) appearance.pages = listed;
  if (fontSize !== undefined) appearance.fontSize = fontSize;
  if (flag(pick(o, 'textAlignBottom')) === true) appearance.verticalAlign = 'bottom';
  const sigType = num(pick(o, 'SigType')) ?? 0;
  // PdfSigner_oldVersion spells the field "ImageBase6"; the downgrade copies ImageBase64 beside it.
  const image = str(pick(o, 'ImageBase64', 'ImageBase6'));
  if ((sigType === 1 || sigType === 2) && image) {
    appearance.image = image;
    appearance.layout = sigType === 2 ? 'image' : flag(pick(o, 'SetImageBackground')) === true ? 'image-background' : 'image-left';
  }
  // Image only draws no text; with no image, SigType 2 falls back to the text.
  appearance.text = appearance.layout === 'image' ? '' : drawn.lines.join('\n');
  if (boxes.length) appearance.textBoxes = boxes;
  params.appearance = appearance;
  return params;
}
