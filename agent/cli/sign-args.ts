// `kyso-agent sign` argument parsing: flags → a validated plan with the per-format options of docs/protocol.md.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { HASH_ALGORITHMS, type HashAlgorithm } from '../core/types.js';

export type FileFormat = 'pdf' | 'xml' | 'cms' | 'office';
export const FILE_FORMATS: readonly FileFormat[] = ['pdf', 'xml', 'cms', 'office'];

/** PDF flags, already validated (the signing time is added per file). */
export interface PdfFlags {
  level?: 'B-B' | 'B-T' | 'B-LT' | 'B-LTA';
  visible: boolean;
  page?: number | 'last';
  rect?: [number, number, number, number];
  text?: string;
  image?: Uint8Array;
  fontSize?: number;
  reason?: string;
  location?: string;
  contactInfo?: string;
  fieldName?: string;
  subFilter?: 'ETSI.CAdES.detached' | 'adbe.pkcs7.detached';
}

export interface XmlFlags {
  profile: 'enveloped' | 'einvoice' | 'tax';
  referenceId?: string;
  signatureParent?: string;
  signatureId?: string;
  c14n?: 'c14n' | 'c14n-with-comments' | 'exc-c14n';
  /** undefined: the profile's default; false: none; true: now. */
  signingTime?: boolean;
}

export interface CmsFlags {
  /** Default true (detached), as sign.cms; --attached embeds the content. */
  detached: boolean;
  signingTime: boolean;
}

export interface SignRun {
  format: FileFormat;
  files: string[];
  /** Lower-case hex, 64 digits. */
  thumbprint: string;
  outDir: string;
  pinStdin: boolean;
  hashAlgorithm: HashAlgorithm;
  tsa?: string;
  dataDir?: string;
  policy?: string;
  pdf: PdfFlags;
  xml: XmlFlags;
  cms: CmsFlags;
  /** office: the signer's comment (SignatureComments). */
  office: { comment?: string };
}

/** A usage error: printed with the usage text, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const SIGN_USAGE = [
  'kyso-agent sign pdf|xml|cms|office FILE... --cert <SHA-256 thumbprint> --out DIR [--pin-stdin]',
  '    chung / common: [--hash SHA-256|SHA-384|SHA-512|SHA-1] [--tsa URL] [--data-dir DIR] [--policy FILE]',
  '    pdf: [--level B-B|B-T|B-LT|B-LTA] [--page N|last] [--rect x,y,w,h] [--invisible] [--text T] [--image PNG|JPEG] [--font-size N]',
  '         [--reason T] [--location T] [--contact T] [--field-name N] [--sub-filter ETSI.CAdES.detached|adbe.pkcs7.detached]',
  '    xml: [--profile enveloped|einvoice|tax] [--reference-id ID] [--signature-parent PATH] [--signature-id ID]',
  '         [--c14n c14n|c14n-with-comments|exc-c14n] [--signing-time | --no-signing-time]',
  '    cms: [--detached | --attached] [--no-signing-time]',
  '    office (.docx/.xlsx/.pptx): [--comment T]',
].join('\n');

const OPTIONS = {
  cert: { type: 'string' },
  out: { type: 'string' },
  'pin-stdin': { type: 'boolean' },
  hash: { type: 'string' },
  tsa: { type: 'string' },
  'data-dir': { type: 'string' },
  policy: { type: 'string' },
  level: { type: 'string' },
  page: { type: 'string' },
  rect: { type: 'string' },
  invisible: { type: 'boolean' },
  text: { type: 'string' },
  image: { type: 'string' },
  'font-size': { type: 'string' },
  reason: { type: 'string' },
  location: { type: 'string' },
  contact: { type: 'string' },
  'field-name': { type: 'string' },
  'sub-filter': { type: 'string' },
  profile: { type: 'string' },
  'reference-id': { type: 'string' },
  'signature-parent': { type: 'string' },
  'signature-id': { type: 'string' },
  c14n: { type: 'string' },
  'signing-time': { type: 'boolean' },
  'no-signing-time': { type: 'boolean' },
  detached: { type: 'boolean' },
  attached: { type: 'boolean' },
  comment: { type: 'string' },
} as const;

/** Flags that only make sense for one format: given with another one they are a usage error, not silently ignored. */
const FORMAT_FLAGS: Record<FileFormat, readonly string[]> = {
  pdf: ['level', 'page', 'rect', 'invisible', 'text', 'image', 'font-size', 'reason', 'location', 'contact', 'field-name', 'sub-filter'],
  xml: ['profile', 'reference-id', 'signature-parent', 'signature-id', 'c14n', 'signing-time'],
  cms: ['detached', 'attached'],
  office: ['comment'],
};

const XML_NAME = /^[\p{L}_][\p{L}\p{N}_.:-]*$/u;
const CONTROL = /\p{Cc}/u;

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  const hit = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
  if (!hit) throw new UsageError(`--${flag}: phải là một trong / must be one of ${allowed.join(', ')}`);
  return hit;
}

function displayText(flag: string, value: string, max = 500): string {
  if (value.length > max || CONTROL.test(value)) throw new UsageError(`--${flag}: tối đa ${max} ký tự, không ký tự điều khiển / at most ${max} characters, no control characters`);
  return value;
}

function xmlName(flag: string, value: string): string {
  if (!XML_NAME.test(value) || value.length > 200) throw new UsageError(`--${flag}: không phải tên XML / not an XML name`);
  return value;
}

/** `x,y,w,h` in PDF points from the page's lower-left. */
export function parseRect(value: string): [number, number, number, number] {
  const parts = value.split(',').map((s) => s.trim());
  const nums = parts.map(Number);
  if (parts.length !== 4 || parts.some((p) => p === '') || !nums.every((n) => Number.isFinite(n) && n >= 0 && n <= 14_400) || nums[2]! <= 0 || nums[3]! <= 0) {
    throw new UsageError('--rect: cần x,y,rộng,cao (điểm PDF, rộng và cao > 0) / needs x,y,width,height (PDF points, width and height > 0)');
  }
  return nums as [number, number, number, number];
}

function parsePage(value: string): number | 'last' {
  if (value.toLowerCase() === 'last') return 'last';
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1 || n > 100_000) throw new UsageError('--page: số trang từ 1 hoặc "last" / a page number from 1 or "last"');
  return n;
}

function parseTsa(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError('--tsa: URL không hợp lệ / not a valid URL');
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) {
    throw new UsageError('--tsa: cần URL http(s) không kèm mật khẩu / must be an http(s) URL without credentials');
  }
  return value;
}

/** `AB:CD…`, `ab cd…` or plain hex → 64 lower-case hex digits. */
export function normaliseThumbprint(value: string): string {
  const hex = value.replace(/[\s:]/g, '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new UsageError('--cert: cần dấu vân tay SHA-256 (64 chữ số hex) / needs the SHA-256 thumbprint (64 hex digits)');
  return hex;
}

/** Parses the arguments after `sign`. Throws UsageError for anything a user must fix on the command line. */
export function parseSignArgs(argv: string[], readFile: (path: string) => Uint8Array = (p) => readFileSync(p)): SignRun {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const { values: v, positionals } = parsed;
  const [formatArg, ...files] = positionals;
  if (formatArg === undefined) throw new UsageError('Thiếu định dạng pdf|xml|cms|office / missing format pdf|xml|cms|office');
  const format = oneOf('format', formatArg, FILE_FORMATS);
  if (files.length === 0) throw new UsageError('Thiếu tệp cần ký / no file to sign');
  if (v.cert === undefined) throw new UsageError('Thiếu --cert / --cert is required');
  if (v.out === undefined || v.out === '') throw new UsageError('Thiếu --out DIR / --out DIR is required');
  for (const other of FILE_FORMATS) {
    if (other === format) continue;
    for (const f of FORMAT_FLAGS[other]) {
      if ((v as Record<string, unknown>)[f] !== undefined && !FORMAT_FLAGS[format].includes(f)) {
        throw new UsageError(`--${f} chỉ dùng cho ${other} / --${f} is only for ${other}`);
      }
    }
  }
  if (v['signing-time'] && v['no-signing-time']) throw new UsageError('--signing-time và --no-signing-time loại trừ nhau / are mutually exclusive');
  if (v.detached && v.attached) throw new UsageError('--detached và --attached loại trừ nhau / are mutually exclusive');
  if (v['no-signing-time'] && format === 'pdf') throw new UsageError('--no-signing-time: PDF luôn có thời điểm ký / a PDF signature always has a signing time');

  const plan: SignRun = {
    format,
    files,
    thumbprint: normaliseThumbprint(v.cert),
    outDir: v.out,
    pinStdin: v['pin-stdin'] === true,
    hashAlgorithm: v.hash === undefined ? 'SHA-256' : oneOf('hash', v.hash, HASH_ALGORITHMS),
    pdf: { visible: v.invisible !== true },
    xml: { profile: v.profile === undefined ? 'enveloped' : oneOf('profile', v.profile, ['enveloped', 'einvoice', 'tax'] as const) },
    cms: { detached: v.attached !== true, signingTime: v['no-signing-time'] !== true },
    office: {},
  };
  if (v.tsa !== undefined) plan.tsa = parseTsa(v.tsa);
  if (v['data-dir'] !== undefined) plan.dataDir = v['data-dir'];
  if (v.policy !== undefined) plan.policy = v.policy;

  const pdf = plan.pdf;
  if (v.level !== undefined) pdf.level = oneOf('level', v.level, ['B-B', 'B-T', 'B-LT', 'B-LTA'] as const);
  if (v.page !== undefined) pdf.page = parsePage(v.page);
  if (v.rect !== undefined) pdf.rect = parseRect(v.rect);
  if (v.text !== undefined) {
    // `\n` typed on the command line is a line break in the appearance text (as appearance.text allows).
    const text = v.text.replace(/\\n/g, '\n');
    if (text.length > 1000) throw new UsageError('--text: tối đa 1000 ký tự / at most 1000 characters');
    pdf.text = text;
  }
  if (v['font-size'] !== undefined) {
    const n = Number(v['font-size']);
    if (!Number.isFinite(n) || n < 4 || n > 72) throw new UsageError('--font-size: từ 4 đến 72 / between 4 and 72');
    pdf.fontSize = n;
  }
  if (v.reason !== undefined) pdf.reason = displayText('reason', v.reason);
  if (v.location !== undefined) pdf.location = displayText('location', v.location);
  if (v.contact !== undefined) pdf.contactInfo = displayText('contact', v.contact);
  if (v['field-name'] !== undefined) {
    if (!/^[^.\p{Cc}]{1,128}$/u.test(v['field-name'])) throw new UsageError('--field-name: 1–128 ký tự, không dấu chấm / 1–128 characters, no dots');
    pdf.fieldName = v['field-name'];
  }
  if (v['sub-filter'] !== undefined) pdf.subFilter = oneOf('sub-filter', v['sub-filter'], ['ETSI.CAdES.detached', 'adbe.pkcs7.detached'] as const);
  if (v.image !== undefined) {
    try {
      pdf.image = new Uint8Array(readFile(v.image));
    } catch {
      throw new UsageError('--image: không đọc được tệp ảnh / cannot read the image file');
    }
  }
  if (!pdf.visible && (pdf.page !== undefined || pdf.rect !== undefined || pdf.text !== undefined || pdf.image !== undefined)) {
    throw new UsageError('--invisible không đi cùng --page/--rect/--text/--image / --invisible excludes --page/--rect/--text/--image');
  }

  const xml = plan.xml;
  if (v['reference-id'] !== undefined) xml.referenceId = xmlName('reference-id', v['reference-id']);
  if (v['signature-id'] !== undefined) xml.signatureId = xmlName('signature-id', v['signature-id']);
  if (v['signature-parent'] !== undefined) xml.signatureParent = displayText('signature-parent', v['signature-parent']);
  if (v.c14n !== undefined) xml.c14n = oneOf('c14n', v.c14n, ['c14n', 'c14n-with-comments', 'exc-c14n'] as const);
  if (v['signing-time']) xml.signingTime = true;
  if (v['no-signing-time']) xml.signingTime = false;
  if (v.comment !== undefined) plan.office.comment = displayText('comment', v.comment);
  return plan;
}

/** The timestamp level actually used: --tsa implies B-T; B-T without --tsa takes the policy TSA (or fails). */
export function timestampUrl(plan: SignRun, policyTsa: string | undefined): string | undefined {
  if (plan.format === 'xml' || plan.format === 'office') {
    if (plan.tsa !== undefined) throw new UsageError('--tsa: chữ ký XML/Office không hỗ trợ dấu thời gian / XML and Office signatures take no timestamp');
    return undefined;
  }
  if (plan.format === 'cms') return plan.tsa;
  const level = plan.pdf.level ?? (plan.tsa !== undefined ? 'B-T' : 'B-B');
  if (level === 'B-B') {
    if (plan.tsa !== undefined) throw new UsageError('--level B-B không đi cùng --tsa / --level B-B excludes --tsa');
    return undefined;
  }
  const url = plan.tsa ?? policyTsa;
  if (url === undefined) throw new UsageError(`--level ${level} cần --tsa URL (chính sách không có TSA) / --level ${level} needs --tsa URL (no policy TSA)`);
  return url;
}
