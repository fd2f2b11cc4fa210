// PdfSigner (both the current shape and PdfSigner_oldVersion the script sends to old plugins) → sign.pdf params.
import { UnsupportedOption, flag, hashName, num, pick, str } from './options.js';

/** What the visible text may say about the signer, from the certificate the user chose. */
export interface SignerFacts {
  commonName: string;
  organization?: string;
  now: Date;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** The plugin's display format, `HH:mm:ss dd/MM/yyyy`, in the machine's local time (as the plugin shows it). */
export function formatVnptTime(d: Date): string {
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()}`;
}

/** Reads `HH:mm:ss dd/MM/yyyy` or `dd/MM/yyyy HH:mm:ss` (local time; seconds optional, one-digit fields allowed). */
export function parseVnptTime(s: string): Date | undefined {
  const t = s.trim();
  const timeFirst = /^(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?\s+(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(t);
  const dateFirst = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?$/.exec(t);
  let parts: number[];
  if (timeFirst) parts = [timeFirst[6], timeFirst[5], timeFirst[4], timeFirst[1], timeFirst[2], timeFirst[3]].map((x) => Number(x ?? 0));
  else if (dateFirst) parts = [dateFirst[3], dateFirst[2], dateFirst[1], dateFirst[4], dateFirst[5], dateFirst[6]].map((x) => Number(x ?? 0));
  else return undefined;
  const [y, mo, d, h, mi, se] = parts as [number, number, number, number, number, number];
  const date = new Date(y, mo - 1, d, h, mi, se);
  // Rejects 31/02 and 25:00, which Date would silently roll over.
  if (date.getFullYear() !== y || date.getMonth() !== mo - 1 || date.getDate() !== d || date.getHours() !== h || date.getMinutes() !== mi) return undefined;
  return date;
}

/**
 * The time the visible signature shows. The page's SigningTime is shown as the page wrote it when it is within an
 * hour of the agent's clock (portals format their own server time); anything else would let a page back-date
 * what a reader sees, so the agent's clock is shown instead. The signed signing-time attribute is always the agent's.
 */
function shownTime(asked: string | undefined, now: Date): string {
  const parsed = asked ? parseVnptTime(asked) : undefined;
  if (asked && parsed && Math.abs(parsed.getTime() - now.getTime()) <= 60 * 60_000) return asked.trim();
  return formatVnptTime(now);
}

/** PagesArray arrives as [2,3], "2,3" or "2": the signature field sits on the first page named. */
function firstPage(o: Record<string, unknown>): number | undefined {
  const pages = pick(o, 'PagesArray');
  const first = Array.isArray(pages) ? pages[0] : typeof pages === 'string' ? pages.split(/[,;\s]+/)[0] : pages;
  return num(first) ?? num(pick(o, 'page', 'Page'));
}

/** The lines of the visible text, in the plugin's order, honouring its visibility flags. */
function textLines(o: Record<string, unknown>, who: SignerFacts): string[] {
  const description = str(pick(o, 'Description'));
  const label = str(pick(o, 'labelDescription'));
  const describe = description ? `${label ? `${label.trim()} ` : ''}${description}` : undefined;
  if (flag(pick(o, 'OnlyDescription')) === true) return describe ? [describe] : [];
  const lines: string[] = [];
  if (flag(pick(o, 'SigSignerVisible')) !== false) {
    const name = str(pick(o, 'Signer')) ?? who.commonName;
    lines.push(`Ký bởi: ${flag(pick(o, 'sigUpperCase')) === true ? name.toLocaleUpperCase('vi') : name}`);
  }
  if (flag(pick(o, 'SigCompanyVisible')) === true && who.organization) lines.push(`Đơn vị: ${who.organization}`);
  const position = str(pick(o, 'SignerPosition'));
  if (position && flag(pick(o, 'SigPositionVisible')) !== false) lines.push(`Chức vụ: ${position}`);
  if (describe) lines.push(describe);
  if (flag(pick(o, 'SigSigningTimeVisible')) !== false) lines.push(`Ngày ký: ${shownTime(str(pick(o, 'SigningTime')), who.now)}`);
  return lines;
}

/**
 * PdfSigner → sign.pdf params. Rectangle `llx,lly,urx,ury` in PDF points; no rectangle or `SigVisible: false` → an
 * invisible signature. `SigType` 0 text, 1 text and image, 2 image only. Description is also the PDF /Reason.
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
  const llx = num(pick(o, 'llx')), lly = num(pick(o, 'lly')), urx = num(pick(o, 'urx')), ury = num(pick(o, 'ury'));
  const hidden = flag(pick(o, 'SigVisible')) === false;
  if (hidden || llx === undefined || lly === undefined || urx === undefined || ury === undefined || urx <= llx || ury <= lly) {
    params.appearance = { visible: false };
    return params;
  }
  const page = firstPage(o);
  const sigType = num(pick(o, 'SigType')) ?? 0;
  // PdfSigner_oldVersion spells the field "ImageBase6"; the downgrade copies ImageBase64 beside it.
  const image = str(pick(o, 'ImageBase64', 'ImageBase6'));
  const appearance: Record<string, unknown> = {
    visible: true,
    page: page !== undefined && page >= 1 ? Math.floor(page) : 1,
    rect: [llx, lly, urx - llx, ury - lly],
  };
  const size = num(pick(o, 'SigTextSize'));
  if (size !== undefined) appearance.fontSize = Math.min(72, Math.max(4, size));
  const lines = textLines(o, who);
  // "" is image only for sign.pdf; with no image, SigType 2 falls back to the text.
  if (sigType === 2 && image) appearance.text = '';
  else if (lines.length > 0) appearance.text = lines.join('\n');
  if ((sigType === 1 || sigType === 2) && image) appearance.image = image;
  params.appearance = appearance;
  return params;
}
