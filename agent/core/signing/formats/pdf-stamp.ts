// The stamp a sign.pdf call will draw, described for the confirmation (docs/security.md T24): page, box, text, image,
// reason, location, the share of the page it covers and whether it leaves the visible page.
import { encodeBase64 } from '../../protocol/encoding.js';
import type { PdfItemParams } from '../../protocol/schemas.js';
import { SIGNING_TIME_FIELD, type DocumentDescription } from '../../ports.js';
import type { PdfStampInfo } from '../../types.js';

/** The box sign.pdf uses when the site gives none (agent/signing/pades). */
export const DEFAULT_STAMP_RECT: [number, number, number, number] = [36, 36, 220, 60];
/** A stamp image larger than this is described, not previewed (the dialog's state stays small). */
const MAX_PREVIEW_BYTES = 512 * 1024;

function imagePreview(image: Uint8Array): string | true {
  if (image.length > MAX_PREVIEW_BYTES) return true;
  const png = image[0] === 0x89 && image[1] === 0x50 && image[2] === 0x4e && image[3] === 0x47;
  const jpeg = image[0] === 0xff && image[1] === 0xd8;
  if (!png && !jpeg) return true;
  return `data:image/${png ? 'png' : 'jpeg'};base64,${encodeBase64(image)}`;
}

/** Intersection of the stamp with the page, as a share of the page, and whether any of the stamp is outside. */
export function stampGeometry(rect: [number, number, number, number], page: [number, number]): { coverage: number; offPage: boolean } {
  const [x, y, w, h] = rect;
  const [pw, ph] = page;
  const ix = Math.max(0, Math.min(x + w, pw) - Math.max(x, 0));
  const iy = Math.max(0, Math.min(y + h, ph) - Math.max(y, 0));
  const inside = ix * iy;
  return { coverage: pw > 0 && ph > 0 ? inside / (pw * ph) : 0, offPage: inside < w * h - 1e-6 };
}

/** The signing time is not known before the user confirms: the dialog names it. */
const SIGNING_TIME_SHOWN = '[ngày giờ ký / signing time]';
const shownText = (text: string): string => text.replaceAll(SIGNING_TIME_FIELD, SIGNING_TIME_SHOWN);

/**
 * The default lines the stamp draws when the site gives no `text` but names parts of them (signer, organisation,
 * position, description, document number/date): the same lines as agent/signing/pades appearanceLines, so the
 * dialog shows every word drawn (docs/security.md T24). undefined: nothing site-given, the dialog's own sentence.
 */
function defaultLines(p: PdfItemParams): string | undefined {
  const a = p.appearance;
  if (!a || a.text !== undefined) return undefined;
  if (![a.signerName, a.organization, a.position, a.description, a.documentNumber, a.documentDate].some((v) => v !== undefined && v !== '')) return undefined;
  const lines = [`Ký bởi: ${a.signerName ?? '[tên trong chứng thư số / name in the certificate]'}`];
  if (a.organization) lines.push(`Đơn vị: ${a.organization}`);
  if (a.position) lines.push(`Chức vụ: ${a.position}`);
  lines.push(`Ngày ký: ${SIGNING_TIME_SHOWN}`);
  if (p.reason) lines.push(`Lý do: ${p.reason}`);
  if (p.location) lines.push(`Nơi ký: ${p.location}`);
  if (a.description) lines.push(...a.description.split(/\r?\n/));
  if (a.documentNumber) lines.push(`Số: ${a.documentNumber}`);
  if (a.documentDate) lines.push(`Ngày văn bản: ${a.documentDate}`);
  return lines.join('\n');
}

/** What describePdf must measure for the stamp: the page it is drawn on, or every page of `appearance.pages`. */
export function stampDescribeOptions(p: PdfItemParams): { stampPage?: number | 'last'; stampPages?: number[] | 'all' } {
  const a = p.appearance;
  if (a?.visible === false) return {};
  return a?.pages !== undefined ? { stampPages: a.pages === 'all' ? 'all' : [...a.pages] } : { stampPage: a?.page ?? 1 };
}

export function describeStamp(p: PdfItemParams, d: DocumentDescription): PdfStampInfo {
  const a = p.appearance;
  const info: PdfStampInfo = { visible: a?.visible !== false };
  if (p.reason !== undefined) info.reason = p.reason;
  if (p.location !== undefined) info.location = p.location;
  if (a?.textBoxes?.length) info.textBoxes = a.textBoxes.map((b) => ({ page: b.page, rect: [...b.rect] as [number, number, number, number], text: shownText(b.text) }));
  if (!info.visible) return info;
  const rect: [number, number, number, number] = a?.rect ? [...a.rect] as [number, number, number, number] : DEFAULT_STAMP_RECT;
  info.rect = rect;
  if (a?.pages !== undefined) info.pages = a.pages === 'all' ? 'all' : [...new Set(a.pages)].sort((x, y) => x - y);
  if (a?.text !== undefined) info.text = shownText(a.text);
  const drawn = defaultLines(p);
  if (drawn !== undefined) info.text = drawn;
  if (a?.image !== undefined) info.image = imagePreview(a.image);
  if (d.stampPage) {
    info.page = d.stampPage.page;
    info.pageSize = [d.stampPage.width, d.stampPage.height];
    Object.assign(info, stampGeometry(rect, info.pageSize));
  }
  // Repeated on other pages: the warnings hold for the page where the stamp covers most or leaves the page.
  for (const size of d.stampPageSizes ?? []) {
    const g = stampGeometry(rect, size);
    if (info.coverage === undefined || g.coverage > info.coverage) info.coverage = g.coverage;
    if (g.offPage) info.offPage = true;
    else info.offPage ??= false;
  }
  return info;
}
