// A bounded ZIP reader and writer for OPC packages (docs/security.md, hostile Office packages): the central
// directory is read once, every limit (entry count, declared sizes, ratios, names) is checked before anything is
// inflated, inflation is capped at the declared size, and unchanged entries are copied byte for byte on write.
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';

/** Why a package was refused; the caller maps it to DOCUMENT_INVALID with a Vietnamese message. */
export class ZipError extends Error {}

export interface ZipLimits {
  maxEntries: number;
  /** Sum of the declared uncompressed sizes. */
  maxTotalUncompressed: number;
  maxEntryUncompressed: number;
  /** Uncompressed/compressed ratio allowed for entries larger than ratioFloor bytes. */
  maxRatio: number;
  ratioFloor: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 4000,
  maxTotalUncompressed: 256 * 1024 * 1024,
  maxEntryUncompressed: 128 * 1024 * 1024,
  maxRatio: 200,
  ratioFloor: 1024 * 1024,
};

export interface ZipEntry {
  name: string;
  method: 0 | 8;
  crc: number;
  compressedSize: number;
  size: number;
  /** The compressed bytes as stored (a view into the input). */
  raw: Uint8Array;
  /** DOS time and date as stored, kept on copy. */
  time: number;
  date: number;
}

const EOCD = 0x06054b50;
const CEN = 0x02014b50;
const LOC = 0x04034b50;

function u16(b: Uint8Array, at: number): number {
  if (at + 2 > b.length) throw new ZipError('truncated structure');
  return b[at]! | (b[at + 1]! << 8);
}
function u32(b: Uint8Array, at: number): number {
  if (at + 4 > b.length) throw new ZipError('truncated structure');
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** OPC part names: relative, forward slashes, no empty/dot segments, no control characters (T21 path traversal). */
export function checkEntryName(name: string): void {
  if (name.length === 0 || name.length > 1024) throw new ZipError('empty or overlong entry name');
  if (/[\p{Cc}\\:]/u.test(name)) throw new ZipError(`forbidden character in entry name "${name.slice(0, 80)}"`);
  if (name.startsWith('/')) throw new ZipError(`absolute entry name "${name.slice(0, 80)}"`);
  const segments = name.endsWith('/') ? name.slice(0, -1).split('/') : name.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) throw new ZipError(`path traversal or empty segment in entry name "${name.slice(0, 80)}"`);
}

function findEocd(b: Uint8Array): number {
  const stop = Math.max(0, b.length - 22 - 0xffff);
  for (let i = b.length - 22; i >= stop; i--) {
    if (b[i] === 0x50 && b[i + 1] === 0x4b && u32(b, i) === EOCD && i + 22 + u16(b, i + 20) === b.length) return i;
  }
  throw new ZipError('no end of central directory (not a ZIP file)');
}

/** Reads the central directory; nothing is inflated here. Entries keep the central directory's order. */
export function readZip(b: Uint8Array, limits: ZipLimits = DEFAULT_ZIP_LIMITS): ZipEntry[] {
  const eocd = findEocd(b);
  if (u16(b, eocd + 4) !== 0 || u16(b, eocd + 6) !== 0) throw new ZipError('multi-volume archives are not supported');
  const count = u16(b, eocd + 10);
  const cdSize = u32(b, eocd + 12);
  const cdOffset = u32(b, eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff) throw new ZipError('ZIP64 archives are not supported');
  if (count > limits.maxEntries) throw new ZipError(`too many entries (${count} > ${limits.maxEntries})`);
  if (cdOffset + cdSize > eocd) throw new ZipError('central directory outside the file');
  const entries: ZipEntry[] = [];
  const seen = new Set<string>();
  let total = 0;
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > eocd || u32(b, p) !== CEN) throw new ZipError('corrupt central directory');
    const flags = u16(b, p + 8);
    const method = u16(b, p + 10);
    const time = u16(b, p + 12);
    const date = u16(b, p + 14);
    const crc = u32(b, p + 16);
    const compressedSize = u32(b, p + 20);
    const size = u32(b, p + 24);
    const nameLen = u16(b, p + 28);
    const extraLen = u16(b, p + 30);
    const commentLen = u16(b, p + 32);
    const localOffset = u32(b, p + 42);
    if (p + 46 + nameLen > eocd) throw new ZipError('corrupt central directory');
    let name: string;
    try {
      name = UTF8.decode(b.subarray(p + 46, p + 46 + nameLen));
    } catch {
      throw new ZipError('entry name is not UTF-8');
    }
    p += 46 + nameLen + extraLen + commentLen;
    if (flags & 0x41) throw new ZipError('encrypted ZIP entries (password-protected package)');
    if (method !== 0 && method !== 8) throw new ZipError(`unsupported compression method ${method}`);
    if (compressedSize === 0xffffffff || size === 0xffffffff || localOffset === 0xffffffff) throw new ZipError('ZIP64 entries are not supported');
    checkEntryName(name);
    const key = name.toLowerCase();
    if (seen.has(key)) throw new ZipError(`duplicate entry "${name.slice(0, 80)}"`);
    seen.add(key);
    if (size > limits.maxEntryUncompressed) throw new ZipError(`entry "${name.slice(0, 80)}" is too large when decompressed`);
    total += size;
    if (total > limits.maxTotalUncompressed) throw new ZipError('the package is too large when decompressed');
    if (size > limits.ratioFloor && size > compressedSize * limits.maxRatio) throw new ZipError(`entry "${name.slice(0, 80)}" has a suspicious compression ratio (zip bomb?)`);
    if (method === 0 && size !== compressedSize) throw new ZipError('stored entry with mismatched sizes');
    if (localOffset + 30 > cdOffset || u32(b, localOffset) !== LOC) throw new ZipError('corrupt local header');
    const dataStart = localOffset + 30 + u16(b, localOffset + 26) + u16(b, localOffset + 28);
    if (dataStart + compressedSize > cdOffset) throw new ZipError('entry data outside the file');
    entries.push({ name, method: method as 0 | 8, crc, compressedSize, size, raw: b.subarray(dataStart, dataStart + compressedSize), time, date });
  }
  // Overlapping entries (the same bytes reused by many names) are the classic non-recursive zip bomb.
  const spans = entries.filter((e) => e.compressedSize > 0).map((e) => [e.raw.byteOffset, e.raw.byteOffset + e.compressedSize] as const).sort((x, y) => x[0] - y[0]);
  for (let i = 1; i < spans.length; i++) if (spans[i]![0] < spans[i - 1]![1]) throw new ZipError('overlapping entries (zip bomb?)');
  return entries;
}

/** The entry's bytes, inflated no further than its declared size and checked against its CRC. */
export function entryData(e: ZipEntry): Uint8Array {
  let out: Uint8Array;
  if (e.method === 0) out = e.raw;
  else {
    try {
      out = inflateRawSync(e.raw, { maxOutputLength: Math.max(1, e.size) });
    } catch {
      throw new ZipError(`entry "${e.name.slice(0, 80)}" cannot be decompressed or is larger than declared`);
    }
  }
  if (out.length !== e.size) throw new ZipError(`entry "${e.name.slice(0, 80)}" size does not match its header`);
  if (crc32(out) >>> 0 !== e.crc) throw new ZipError(`entry "${e.name.slice(0, 80)}" fails its CRC check`);
  return out;
}

/** A new entry from bytes (deflated), stamped with `when` in DOS time (local fields as UTC). */
export function newEntry(name: string, data: Uint8Array, when: Date): ZipEntry {
  checkEntryName(name);
  const raw = deflateRawSync(data);
  const time = (when.getUTCHours() << 11) | (when.getUTCMinutes() << 5) | Math.floor(when.getUTCSeconds() / 2);
  const date = (Math.max(0, when.getUTCFullYear() - 1980) << 9) | ((when.getUTCMonth() + 1) << 5) | when.getUTCDate();
  return { name, method: 8, crc: crc32(data) >>> 0, compressedSize: raw.length, size: data.length, raw, time, date };
}

/** Writes entries in order: fresh local headers (no data descriptors), the stored/compressed bytes as given. */
export function writeZip(entries: ZipEntry[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOC, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(e.method, 8);
    local.writeUInt16LE(e.time, 10);
    local.writeUInt16LE(e.date, 12);
    local.writeUInt32LE(e.crc, 14);
    local.writeUInt32LE(e.compressedSize, 18);
    local.writeUInt32LE(e.size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const cen = Buffer.alloc(46);
    cen.writeUInt32LE(CEN, 0);
    cen.writeUInt16LE(20, 4);
    cen.writeUInt16LE(20, 6);
    local.copy(cen, 8, 6, 30);
    cen.writeUInt32LE(offset, 42);
    central.push(cen, name);
    chunks.push(local, name, e.raw);
    offset += 30 + name.length + e.compressedSize;
  }
  const cdSize = central.reduce((n, c) => n + c.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(EOCD, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cdSize, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...chunks, ...central, end]));
}
