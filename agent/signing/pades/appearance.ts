// The visible signature's appearance stream: Vietnamese text lines and/or an image (VNPT SigType 0/1/2 layouts).
import { formatLocalTime } from '../../core/local-time.js';
import { SIGNING_TIME_FIELD } from '../../core/ports.js';
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
  /** '#RRGGBB'. */
  textColor?: string | undefined;
  /** White fill and thin border under/around the box (both default true). */
  background?: boolean | undefined;
  border?: boolean | undefined;
  layout?: 'text' | 'image' | 'image-left' | 'image-top' | 'image-background' | undefined;
  bold?: boolean | undefined;
  italic?: boolean | undefined;
  verticalAlign?: 'top' | 'middle' | 'bottom' | undefined;
  organization?: string | undefined;
  position?: string | undefined;
  description?: string | undefined;
  documentNumber?: string | undefined;
  documentDate?: string | undefined;
}

const PAD = 2;
const LEADING = 1.2;
const MAX_AUTO_SIZE = 12;
const MIN_AUTO_SIZE = 3;
/** Line width of the stroke that thickens bold glyphs, per point of font size. */
const BOLD_STROKE = 0.03;
/** tan 12°: the shear of slanted (italic) text. */
const ITALIC_SHEAR = 0.2126;

/** `text` with {@link SIGNING_TIME_FIELD} replaced by the signing time, as the default `Ngày ký` line shows it. */
export function fillSigningTime(text: string, signingTime: Date): string {
  return text.replaceAll(SIGNING_TIME_FIELD, formatLocalTime(signingTime));
}

/** The lines shown: custom text, or `Ký bởi` / organisation / position / `Ngày ký` (+ reason, location, stamps). */
export function appearanceLines(p: AppearanceParams): string[] {
  if (p.text !== undefined) return p.text === '' ? [] : fillSigningTime(p.text, p.signingTime).split(/\r?\n/);
  const lines = [`Ký bởi: ${p.signer}`];
  if (p.organization) lines.push(`Đơn vị: ${p.organization}`);
  if (p.position) lines.push(`Chức vụ: ${p.position}`);
  // The agent's local time with its zone, as the dialog and the portal show times (core/local-time.ts).
  lines.push(`Ngày ký: ${formatLocalTime(p.signingTime)}`);
  if (p.reason) lines.push(`Lý do: ${p.reason}`);
  if (p.location) lines.push(`Nơi ký: ${p.location}`);
  if (p.description) lines.push(...p.description.split(/\r?\n/));
  if (p.documentNumber) lines.push(`Số: ${p.documentNumber}`);
  if (p.documentDate) lines.push(`Ngày văn bản: ${p.documentDate}`);
  return lines;
}

/** `r g b` (0..1) of '#RRGGBB'; black when absent or malformed. */
function rgb(hex: string | undefined): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex ?? '');
  if (!m) return '0 0 0';
  return m.slice(1, 4).map((h) => fmt(parseInt(h, 16) / 255)).join(' ');
}

const fmt = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(3).replace(/0+$/, '').replace(/\.$/, ''));

/** Writes the appearance XObject (and its font/image) into the update; returns its reference for /AP /N. */
export async function buildAppearance(w: IncrementalWriter, p: AppearanceParams): Promise<PdfRef> {
  const layout = p.layout ?? (p.image ? 'image-left' : 'text');
  const lines = layout === 'image' ? [] : appearanceLines(p);
  const image = layout === 'text' ? undefined : p.image;
  const resources = new PdfDict();
  const ops: string[] = [];
  // Background and border first: on a busy page the box stays readable.
  if (p.background !== false) ops.push(`1 1 1 rg 0 0 ${fmt(p.width)} ${fmt(p.height)} re f`);
  if (p.border !== false) ops.push(`0.5 w 0.45 0.45 0.45 RG 0.25 0.25 ${fmt(p.width - 0.5)} ${fmt(p.height - 0.5)} re S`);
  let textX = PAD;
  let textAreaW = p.width - 2 * PAD;
  let textAreaH = p.height - 2 * PAD;

  if (image) {
    const img = embedImage(w, image);
    resources.set('XObject', new PdfDict([['Im1', img.ref]]));
    // Image only or under the text: the whole box; image-left: the left 40 %; image-top: the upper 45 %.
    const top = layout === 'image-top' && lines.length > 0;
    const left = layout === 'image-left' && lines.length > 0;
    const boxW = left ? p.width * 0.4 - 2 * PAD : p.width - 2 * PAD;
    const boxH = top ? p.height * 0.45 - 2 * PAD : p.height - 2 * PAD;
    const boxY = top ? p.height * 0.55 + PAD : PAD;
    const s = Math.min(boxW / img.width, boxH / img.height);
    const iw = img.width * s, ih = img.height * s;
    const ix = PAD + (boxW - iw) / 2, iy = boxY + (boxH - ih) / 2;
    ops.push(`q ${fmt(iw)} 0 0 ${fmt(ih)} ${fmt(ix)} ${fmt(iy)} cm /Im1 Do Q`);
    if (left) { textX = p.width * 0.4 + PAD; textAreaW = p.width * 0.6 - 2 * PAD; }
    if (top) textAreaH = p.height * 0.55 - 2 * PAD;
  }

  if (lines.length) {
    const font = embedFont(w, lines);
    resources.set('Font', new PdfDict([['F1', font.ref]]));
    const widest = Math.max(...lines.map((l) => font.use.width(l)), 0.001);
    const auto = Math.min(MAX_AUTO_SIZE, textAreaW / widest, textAreaH / (lines.length * LEADING));
    const size = p.fontSize && p.fontSize > 0 ? p.fontSize : Math.max(MIN_AUTO_SIZE, auto);
    const lead = size * LEADING;
    const blockH = lead * lines.length;
    // The block's top in the text area (centred by default); first baseline one ascent below it.
    const blockTop = p.verticalAlign === 'top' ? PAD + textAreaH : p.verticalAlign === 'bottom' ? PAD + blockH : PAD + textAreaH / 2 + blockH / 2;
    let y = blockTop - font.use.ascent * size - (lead - size) / 2;
    const color = rgb(p.textColor);
    // Bold: the glyphs are filled and stroked in the text colour (render mode 2), as viewers fake a missing weight.
    ops.push(`BT /F1 ${fmt(size)} Tf ${color} rg${p.bold ? ` 2 Tr ${fmt(size * BOLD_STROKE)} w ${color} RG` : ''}`);
    const shear = p.italic ? fmt(ITALIC_SHEAR) : '0';
    for (const line of lines) {
      ops.push(`1 0 ${shear} 1 ${fmt(textX)} ${fmt(y)} Tm <${font.use.encode(line)}> Tj`);
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
