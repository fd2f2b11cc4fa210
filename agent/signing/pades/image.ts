// PNG (8-bit gray/RGB/palette, with alpha → SMask) and JPEG (DCTDecode as is) image XObjects for the appearance.
import { inflateSync } from 'node:zlib';
import { AgentError } from '../../core/errors.js';
import { unfilterRow } from './filters.js';
import { name, PdfDict, type PdfRef } from './pdf-objects.js';
import { flateStream, type IncrementalWriter } from './writer.js';

const MAX_PIXELS = 40_000_000;

export interface EmbeddedImage {
  ref: PdfRef;
  width: number;
  height: number;
}

function badImage(detail: string): AgentError {
  return new AgentError('INVALID_PARAMS', `Ảnh chữ ký không đọc được / unreadable signature image: ${detail}`, { detail: `appearance.image: ${detail}` });
}

/** Embeds a PNG or JPEG as an image XObject (plus an SMask for PNG alpha). */
export function embedImage(w: IncrementalWriter, bytes: Uint8Array): EmbeddedImage {
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return embedJpeg(w, bytes);
  if (Buffer.from(bytes.subarray(0, 8)).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return embedPng(w, bytes);
  throw badImage('not PNG or JPEG');
}

function embedJpeg(w: IncrementalWriter, b: Uint8Array): EmbeddedImage {
  let p = 2;
  while (p + 9 < b.length) {
    if (b[p] !== 0xff) throw badImage('bad JPEG marker');
    const m = b[p + 1]!;
    if (m === 0xff) { p++; continue; }
    const len = (b[p + 2]! << 8) | b[p + 3]!;
    const isSof = m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
    if (isSof) {
      const bpc = b[p + 4]!;
      const height = (b[p + 5]! << 8) | b[p + 6]!;
      const width = (b[p + 7]! << 8) | b[p + 8]!;
      const comps = b[p + 9]!;
      if (!width || !height || width * height > MAX_PIXELS) throw badImage('bad JPEG size');
      const cs = comps === 1 ? 'DeviceGray' : comps === 4 ? 'DeviceCMYK' : 'DeviceRGB';
      const dict = new PdfDict([
        ['Type', name('XObject')], ['Subtype', name('Image')], ['Width', width], ['Height', height],
        ['ColorSpace', name(cs)], ['BitsPerComponent', bpc], ['Filter', name('DCTDecode')],
      ]);
      // Adobe CMYK JPEGs are stored inverted.
      if (comps === 4) dict.set('Decode', [1, 0, 1, 0, 1, 0, 1, 0]);
      const ref = w.allocate();
      w.put(ref, { dict, data: b });
      return { ref, width, height };
    }
    p += 2 + len;
  }
  throw badImage('JPEG without frame header');
}

function embedPng(w: IncrementalWriter, b: Uint8Array): EmbeddedImage {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.length);
  let p = 8;
  let width = 0, height = 0, depth = 0, colorType = 0, interlace = 0;
  let palette: Uint8Array | undefined, trns: Uint8Array | undefined;
  const idat: Buffer[] = [];
  while (p + 8 <= buf.length) {
    const len = buf.readUInt32BE(p);
    const type = buf.toString('latin1', p + 4, p + 8);
    const data = buf.subarray(p + 8, p + 8 + len);
    if (data.length !== len) throw badImage('truncated PNG');
    if (type === 'IHDR') {
      width = data.readUInt32BE(0); height = data.readUInt32BE(4);
      depth = data[8]!; colorType = data[9]!; interlace = data[12]!;
    } else if (type === 'PLTE') palette = data;
    else if (type === 'tRNS') trns = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    p += 12 + len;
  }
  if (!width || !height || width * height > MAX_PIXELS) throw badImage('bad PNG size');
  if (depth !== 8) throw badImage(`PNG bit depth ${depth} not supported (use 8)`);
  if (interlace !== 0) throw badImage('interlaced PNG not supported');
  const channels = ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as Record<number, number>)[colorType];
  if (!channels) throw badImage(`PNG color type ${colorType} not supported`);
  if (colorType === 3 && !palette) throw badImage('palette PNG without PLTE');
  let raw: Buffer;
  try {
    raw = inflateSync(Buffer.concat(idat), { maxOutputLength: (width * channels + 1) * height + 16 });
  } catch {
    throw badImage('bad PNG data');
  }
  const rowLen = width * channels;
  if (raw.length < (rowLen + 1) * height) throw badImage('truncated PNG data');
  const pix = new Uint8Array(rowLen * height);
  let prev = new Uint8Array(rowLen);
  for (let y = 0; y < height; y++) {
    const row = pix.subarray(y * rowLen, (y + 1) * rowLen);
    unfilterRow(raw[y * (rowLen + 1)]!, raw.subarray(y * (rowLen + 1) + 1, (y + 1) * (rowLen + 1)), prev, row, channels);
    prev = row;
  }
  const n = width * height;
  const colorN = colorType === 0 || colorType === 4 ? 1 : 3;
  const color = new Uint8Array(n * colorN);
  let alpha: Uint8Array | undefined;
  if (colorType === 4 || colorType === 6 || (colorType === 3 && trns)) alpha = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (colorType === 3) {
      const idx = pix[i]!;
      color[i * 3] = palette![idx * 3] ?? 0; color[i * 3 + 1] = palette![idx * 3 + 1] ?? 0; color[i * 3 + 2] = palette![idx * 3 + 2] ?? 0;
      if (alpha) alpha[i] = trns![idx] ?? 255;
    } else {
      for (let c = 0; c < colorN; c++) color[i * colorN + c] = pix[i * channels + c]!;
      if (alpha) alpha[i] = pix[i * channels + colorN]!;
    }
  }
  const dict = (cs: string): PdfDict => new PdfDict([
    ['Type', name('XObject')], ['Subtype', name('Image')], ['Width', width], ['Height', height],
    ['ColorSpace', name(cs)], ['BitsPerComponent', 8],
  ]);
  const img = dict(colorN === 1 ? 'DeviceGray' : 'DeviceRGB');
  if (alpha) {
    const smask = w.allocate();
    w.put(smask, flateStream(dict('DeviceGray'), alpha));
    img.set('SMask', smask);
  }
  const ref = w.allocate();
  w.put(ref, flateStream(img, color));
  return { ref, width, height };
}
