// Standard security handler (ISO 32000-2 §7.6.4) for files protected by an owner password only: the empty user
// password opens them. Derives the file key (RC4 40/128, AES-128, AES-256), decrypts what the parser reads and
// encrypts what the incremental update writes with the same key. See docs/pdf-inputs.md.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { AgentError } from '../../core/errors.js';
import { PdfDict, PdfName, PdfString, type PdfObject } from './pdf-objects.js';

/** The 32-byte padding string of algorithm 2. */
const PAD = Buffer.from('28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a', 'hex');

type Method = 'none' | 'rc4' | 'aes128' | 'aes256';

/** Permission bits the signing needs (either one): 6 = modify annotations / fill forms, 9 = fill form fields. */
export const P_ANNOTATE = 1 << 5;
export const P_FILL_FORMS = 1 << 8;

function rc4(key: Uint8Array, data: Uint8Array): Buffer {
  const s = new Uint8Array(256);
  for (let i = 0; i < 256; i++) s[i] = i;
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + s[i]! + key[i % key.length]!) & 0xff;
    const t = s[i]!; s[i] = s[j]!; s[j] = t;
  }
  const out = Buffer.allocUnsafe(data.length);
  for (let k = 0, i = 0, j = 0; k < data.length; k++) {
    i = (i + 1) & 0xff;
    j = (j + s[i]!) & 0xff;
    const t = s[i]!; s[i] = s[j]!; s[j] = t;
    out[k] = data[k]! ^ s[(s[i]! + s[j]!) & 0xff]!;
  }
  return out;
}

const md5 = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('md5');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** Algorithm 2.B (R6): the iterated SHA-256/384/512 + AES-128 hash. */
function hashR6(password: Buffer, salt: Uint8Array, udata: Uint8Array): Buffer {
  let k = createHash('sha256').update(password).update(salt).update(udata).digest();
  for (let i = 1; ; i++) {
    const k1 = Buffer.concat(Array<Buffer>(64).fill(Buffer.concat([password, k, udata])));
    const c = createCipheriv('aes-128-cbc', k.subarray(0, 16), k.subarray(16, 32)).setAutoPadding(false);
    const e = Buffer.concat([c.update(k1), c.final()]);
    let sum = 0;
    for (let j = 0; j < 16; j++) sum += e[j]!;
    k = createHash(['sha256', 'sha384', 'sha512'][sum % 3]!).update(e).digest();
    if (i >= 64 && e[e.length - 1]! <= i - 32) break;
  }
  return k.subarray(0, 32);
}

function needsPassword(): AgentError {
  return new AgentError('DOCUMENT_INVALID', 'Tệp PDF cần mật khẩu để mở / the PDF needs a password to open', {
    detail: 'user password required: the file is encrypted with a non-empty user (open) password',
    documentProblem: 'password-required',
  });
}

function unsupported(what: string): AgentError {
  return new AgentError('DOCUMENT_INVALID', `Kiểu mã hoá PDF không hỗ trợ / unsupported PDF encryption: ${what}`, {
    detail: `encrypted PDF with unsupported security handler: ${what}`,
  });
}

const bytesOf = (o: PdfObject | undefined): Buffer | undefined => (o instanceof PdfString ? Buffer.from(o.bytes) : undefined);

export class PdfCrypt {
  private constructor(
    private readonly key: Buffer,
    private readonly stm: Method,
    private readonly str: Method,
    readonly revision: number,
    /** The /P value as a signed 32-bit integer. */
    readonly permissions: number,
    readonly encryptMetadata: boolean,
  ) {}

  /** Opens the handler with the empty user password; DOCUMENT_INVALID when another password is needed. */
  static open(enc: PdfDict, id0: Uint8Array | undefined, resolve: (o: PdfObject | undefined) => PdfObject | undefined): PdfCrypt {
    const get = (k: string): PdfObject | undefined => resolve(enc.get(k));
    const filter = get('Filter');
    if (!(filter instanceof PdfName) || filter.name !== 'Standard') throw unsupported(`/Filter ${filter instanceof PdfName ? filter.name : '?'}`);
    const v = get('V'), r = get('R'), p = get('P');
    const o = bytesOf(get('O')), u = bytesOf(get('U'));
    if (typeof v !== 'number' || typeof r !== 'number' || typeof p !== 'number' || !o || !u) throw unsupported('incomplete /Encrypt');
    const P = p | 0;
    const em = get('EncryptMetadata') !== false;
    let stm: Method = 'rc4', str: Method = 'rc4';
    if (v === 4 || v === 5) {
      const cf = resolve(get('CF'));
      const method = (n: PdfObject | undefined): Method => {
        if (!(n instanceof PdfName) || n.name === 'Identity') return 'none';
        const f = cf instanceof PdfDict ? resolve(cf.get(n.name)) : undefined;
        const cfm = f instanceof PdfDict ? resolve(f.get('CFM')) : undefined;
        const m = cfm instanceof PdfName ? cfm.name : 'None';
        if (m === 'V2') return 'rc4';
        if (m === 'AESV2') return 'aes128';
        if (m === 'AESV3') return 'aes256';
        if (m === 'None') return 'none';
        throw unsupported(`/CFM ${m}`);
      };
      stm = method(get('StmF'));
      str = method(get('StrF'));
    } else if (v !== 1 && v !== 2) {
      throw unsupported(`/V ${v}`);
    }
    if (r >= 5) {
      if (u.length < 48) throw unsupported('short /U');
      const ue = bytesOf(get('UE'));
      if (!ue || ue.length < 32) throw unsupported('missing /UE');
      const pw = Buffer.alloc(0);
      const h = (salt: Uint8Array): Buffer => (r === 5 ? createHash('sha256').update(pw).update(salt).digest() : hashR6(pw, salt, Buffer.alloc(0)));
      if (!h(u.subarray(32, 40)).equals(u.subarray(0, 32))) throw needsPassword();
      const d = createDecipheriv('aes-256-cbc', h(u.subarray(40, 48)), Buffer.alloc(16)).setAutoPadding(false);
      const key = Buffer.concat([d.update(ue.subarray(0, 32)), d.final()]);
      return new PdfCrypt(key, stm, str, r, P, em);
    }
    if (r < 2 || r > 4) throw unsupported(`/R ${r}`);
    const lengthBits = v === 1 ? 40 : (() => { const l = get('Length'); return typeof l === 'number' ? l : 40; })();
    const n = r === 2 ? 5 : Math.min(16, Math.max(5, Math.floor(lengthBits / 8)));
    const pBytes = Buffer.alloc(4);
    pBytes.writeInt32LE(P);
    const id = Buffer.from(id0 ?? new Uint8Array(0));
    let key = md5(PAD, o.subarray(0, 32), pBytes, id, r >= 4 && !em ? Buffer.from([0xff, 0xff, 0xff, 0xff]) : Buffer.alloc(0)).subarray(0, n);
    if (r >= 3) for (let i = 0; i < 50; i++) key = md5(key.subarray(0, n)).subarray(0, n);
    // Algorithm 4/5: the key opens the file when it reproduces /U.
    let check: Buffer;
    if (r === 2) {
      check = rc4(key, PAD);
      if (!check.equals(u.subarray(0, 32))) throw needsPassword();
    } else {
      check = rc4(key, md5(PAD, id));
      for (let i = 1; i <= 19; i++) check = rc4(key.map((b) => b ^ i), check);
      if (!check.equals(u.subarray(0, 16))) throw needsPassword();
    }
    return new PdfCrypt(key, stm, str, r, P, em);
  }

  /** Whether the permissions let anyone add a signature (annotations or form filling allowed). */
  get allowsSigning(): boolean {
    return (this.permissions & P_ANNOTATE) !== 0 || (this.revision >= 3 && (this.permissions & P_FILL_FORMS) !== 0);
  }

  private objectKey(method: Method, num: number, gen: number): Buffer {
    if (method === 'aes256') return this.key;
    const ext = Buffer.from([num & 0xff, (num >> 8) & 0xff, (num >> 16) & 0xff, gen & 0xff, (gen >> 8) & 0xff]);
    const h = md5(this.key, ext, method === 'aes128' ? Buffer.from('sAlT', 'latin1') : Buffer.alloc(0));
    return h.subarray(0, Math.min(this.key.length + 5, 16));
  }

  private run(method: Method, num: number, gen: number, data: Uint8Array, encrypt: boolean): Uint8Array {
    if (method === 'none') return data;
    const key = this.objectKey(method, num, gen);
    if (method === 'rc4') return rc4(key, data);
    const alg = method === 'aes128' ? 'aes-128-cbc' : 'aes-256-cbc';
    if (encrypt) {
      const iv = randomBytes(16);
      const c = createCipheriv(alg, key, iv);
      return Buffer.concat([iv, c.update(data), c.final()]);
    }
    if (data.length < 16) return new Uint8Array(0);
    const d = createDecipheriv(alg, key, data.subarray(0, 16));
    // Bad padding in a damaged string/stream: keep what decrypts rather than failing the whole file.
    d.setAutoPadding(false);
    const body = data.subarray(16, 16 + Math.floor((data.length - 16) / 16) * 16);
    const plain = Buffer.concat([d.update(body), d.final()]);
    const padLen = plain[plain.length - 1] ?? 0;
    return padLen >= 1 && padLen <= 16 ? plain.subarray(0, plain.length - padLen) : plain;
  }

  decryptString(num: number, gen: number, b: Uint8Array): Uint8Array { return this.run(this.str, num, gen, b, false); }
  decryptStream(num: number, gen: number, b: Uint8Array): Uint8Array { return this.run(this.stm, num, gen, b, false); }
  encryptString(num: number, gen: number, b: Uint8Array): Uint8Array { return this.run(this.str, num, gen, b, true); }
  encryptStream(num: number, gen: number, b: Uint8Array): Uint8Array { return this.run(this.stm, num, gen, b, true); }

  /** Names the permissions a refusal reports (bit 6 and bit 9 of /P). */
  describePermissions(): string {
    const yes = (b: number): string => ((this.permissions & b) !== 0 ? 'allowed' : 'not allowed');
    return `annotations/form filling (P bit 6): ${yes(P_ANNOTATE)}, form filling (P bit 9): ${this.revision >= 3 ? yes(P_FILL_FORMS) : 'n/a'}`;
  }
}

/**
 * Maps every string of an object through `f` (decrypt on read, encrypt on write) and returns a copy. The signature dictionary's
 * /Contents is never encrypted (ISO 32000-2 §7.6.2), so dictionaries with /ByteRange keep it as read.
 */
export function mapStrings(o: PdfObject, f: (b: Uint8Array) => Uint8Array, depth = 0): PdfObject {
  if (depth > 100) return o;
  if (o instanceof PdfString) return new PdfString(f(o.bytes));
  if (Array.isArray(o)) return o.map((x) => mapStrings(x, f, depth + 1));
  if (o instanceof PdfDict) {
    const isSig = o.has('ByteRange');
    const d = new PdfDict();
    for (const [k, v] of o.map) d.set(k, isSig && k === 'Contents' ? v : mapStrings(v, f, depth + 1));
    return d;
  }
  return o;
}
