// The visible signature's appearance stream: Vietnamese text lines and/or an image (VNPT SigType 0/1/2 layouts).
import { embedFont } from './font.js';
import { embedImage } from './image.js';
import { name, PdfDict, type PdfRef } from './pdf-objects.js';
import { flateStream, type IncrementalWriter } from './writer.js';

export interface AppearanceParams {
  /** Size on the visible page (points). */
  width: number;
  height: number;
  /** Form /Matrix that turns the content upright on rotated pages. */
  matrix: number[];
  signer: string;
  signingTime: Date;
  reason?: string | undefined;
  location?: string | undefined;
  /** Custom text (lines separated by \n) instead of the default lines; "" means image only. */
  text?: string | undefined;
  image?: Uint8Array | undefined;
  fontSize?: number | undefined;
}

const PAD = 2;
const LEADING = 1.2;
const MAX_AUTO_SIZE = 12;
const MIN_AUTO_SIZE = 3;

/** `dd/MM/yyyy HH:mm` in Asia/Ho_Chi_Minh (UTC+7, no daylight saving). */
export function vnDateTime(d: Date): string {
  const v = new Date(d.getTime() + 7 * 3600_000);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(v.getUTCDate())}/${p(v.getUTCMonth() + 1)}/${v.getUTCFullYear()} ${p(v.getUTCHours())}:${p(v.getUTCMinutes())}`;
}

/** The lines shown: custom text, or `Ký bởi` / `Ngày ký` (+ reason, location). */
export function appearanceLines(p: AppearanceParams): string[] {
  if (p.text !== undefined) return p.text === '' ? [] : p.text.split(/\r?\n/);
  const lines = [`Ký bởi: ${p.signer}`, `Ngày ký: ${vnDateTime(p.signingTime)}`];
  if (p.reason) lines.push(`Lý do: ${p.reason}`);
  if (p.location) lines.push(`Nơi ký: ${p.location}`);
  return lines;
}

const fmt = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(3).replace(/0+$/, '').replace(/\.$/, ''));

/** Writes the appearance XObject (and its font/image) into the update; returns its reference for /AP /N. */
export async function buildAppearance(w: IncrementalWriter, p: AppearanceParams): Promise<PdfRef> {
  const lines = appearanceLines(p);
  const resources = new PdfDict();
  const ops: string[] = [];
  let textX = PAD;
  const textW = p.width - 2 * PAD;
  let textAreaW = textW;

  if (p.image) {
    const img = embedImage(w, p.image);
    resources.set('XObject', new PdfDict([['Im1', img.ref]]));
    // Image only: the whole box; image + text: the left 40%.
    const boxW = lines.length ? p.width * 0.4 - 2 * PAD : p.width - 2 * PAD;
    const boxH = p.height - 2 * PAD;
    const s = Math.min(boxW / img.width, boxH / img.height);
    const iw = img.width * s, ih = img.height * s;
    const ix = PAD + (boxW - iw) / 2, iy = PAD + (boxH - ih) / 2;
    ops.push(`q ${fmt(iw)} 0 0 ${fmt(ih)} ${fmt(ix)} ${fmt(iy)} cm /Im1 Do Q`);
    if (lines.length) { textX = p.width * 0.4 + PAD; textAreaW = p.width * 0.6 - 2 * PAD; }
  }

  if (lines.length) {
    const font = embedFont(w, lines);
    resources.set('Font', new PdfDict([['F1', font.ref]]));
    const widest = Math.max(...lines.map((l) => font.use.width(l)), 0.001);
    const auto = Math.min(MAX_AUTO_SIZE, textAreaW / widest, (p.height - 2 * PAD) / (lines.length * LEADING));
    const size = p.fontSize && p.fontSize > 0 ? p.fontSize : Math.max(MIN_AUTO_SIZE, auto);
    const lead = size * LEADING;
    const blockH = lead * lines.length;
    // Vertically centred block; first baseline one ascent below its top.
    let y = (p.height + blockH) / 2 - font.use.ascent * size - (lead - size) / 2;
    ops.push(`BT /F1 ${fmt(size)} Tf 0 0 0 rg`);
    for (const line of lines) {
      ops.push(`1 0 0 1 ${fmt(textX)} ${fmt(y)} Tm <${font.use.encode(line)}> Tj`);
      y -= lead;
    }
    ops.push('ET');
  }

  const content = Buffer.from(`q 0 0 ${fmt(p.width)} ${fmt(p.height)} re W n\n${ops.join('\n')}\nQ\n`, 'latin1');
  const ref = w.allocate();
  w.put(ref, flateStream(new PdfDict([
    ['Type', name('XObject')], ['Subtype', name('Form')], ['BBox', [0, 0, p.width, p.height]],
    ['Matrix', p.matrix], ['Resources', resources],
  ]), content));
  return ref;
}
