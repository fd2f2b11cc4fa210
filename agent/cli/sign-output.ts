// Output names for `kyso-agent sign` and the atomic, never-overwriting write of each signed file.
import { randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { FileFormat } from './sign-args.js';

/**
 * The preferred output name for an input: `hoso.pdf` → `hoso-signed.pdf`, `hd.xml` → `hd-signed.xml`,
 * `bc.docx` → `bc-signed.docx` (office), `data.docx` → `data.docx.p7m` (attached CMS) or `data.docx.p7s` (detached CMS, next to its content by convention).
 */
export function outputName(format: FileFormat, inputPath: string, detached = false): string {
  const name = basename(inputPath);
  if (format === 'cms') return `${name}${detached ? '.p7s' : '.p7m'}`;
  // Office files keep their own extension (.docx, .xlsx, .pptx): it says what the package is.
  const wanted = format === 'office' ? extname(name) || '.docx' : `.${format}`;
  const has = name.toLowerCase().endsWith(wanted);
  const stem = has ? name.slice(0, -wanted.length) : name;
  // A leading dot would make the output a hidden file.
  return `${stem.replace(/^\.+/, '') || 'document'}-signed${has ? name.slice(-wanted.length) : wanted}`;
}

/** The n-th candidate (n ≥ 2) when the preferred name is taken: `hoso-signed-2.pdf`, `data.docx-2.p7s`. */
export function candidateName(preferred: string, n: number): string {
  if (n < 2) return preferred;
  const ext = extname(preferred);
  const stem = ext ? preferred.slice(0, -ext.length) : preferred;
  return `${stem}-${n}${ext}`;
}

/**
 * `--out DIR` must be the user's own folder: owned by the user running the command and not writable by others
 * (unless sticky, where others still cannot replace our files). Otherwise another user could read, swap or
 * pre-create outputs (docs/security.md). Returns null when fine, else the bilingual reason. POSIX only: Windows
 * folders are protected by ACLs, which mode bits do not describe.
 */
export async function outputDirProblem(dir: string, uid: number | undefined = process.getuid?.(), platform: NodeJS.Platform = process.platform): Promise<string | null> {
  if (platform === 'win32' || uid === undefined) return null;
  const st = await fsp.stat(dir);
  if (!st.isDirectory()) return `--out ${dir}: không phải thư mục / not a folder`;
  if (st.uid !== uid) return `--out ${dir}: thư mục thuộc người dùng khác (uid ${st.uid}); hãy chọn thư mục của bạn / the folder belongs to another user (uid ${st.uid}); choose a folder of your own`;
  if (st.mode & 0o002 && !(st.mode & 0o1000)) return `--out ${dir}: người khác có quyền ghi vào thư mục; hãy bỏ quyền ghi (chmod o-w) hoặc chọn thư mục khác / others can write to the folder; remove their write access (chmod o-w) or choose another folder`;
  return null;
}

/** The file-system calls the writer needs (a subset of node:fs/promises, so tests can inject failures). */
export interface OutputFs {
  writeFile(path: string, data: Uint8Array, options: { flag: 'wx'; mode: number }): Promise<void>;
  link(existing: string, target: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  lstat(path: string): Promise<unknown>;
}

export const nodeOutputFs: OutputFs = {
  writeFile: (p, d, o) => fsp.writeFile(p, d, o),
  link: (a, b) => fsp.link(a, b),
  rename: (a, b) => fsp.rename(a, b),
  unlink: (p) => fsp.unlink(p),
  lstat: (p) => fsp.lstat(p),
};

const MAX_CANDIDATES = 1000;

function code(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

async function exists(fs: OutputFs, path: string): Promise<boolean> {
  try {
    await fs.lstat(path);
    return true;
  } catch (e) {
    if (code(e) === 'ENOENT') return false;
    throw e;
  }
}

/**
 * Writes `data` into `dir` under `preferred` (or the first free `-2`, `-3`… candidate) and returns the path.
 * The bytes go to a temp file in the same directory first; it is then hard-linked to the final name, which fails
 * with EEXIST instead of replacing anything (an existing file — an input, an earlier output, a file another
 * process just created — is never overwritten). Where hard links are unsupported it falls back to rename after
 * an existence check. A reader never sees a half-written output under the final name.
 */
export async function writeNew(dir: string, preferred: string, data: Uint8Array, fs: OutputFs = nodeOutputFs): Promise<string> {
  // Short fixed-form temp name: a long output name plus a suffix could exceed the file-name limit.
  const temp = join(dir, `.kyso-${randomBytes(8).toString('hex')}.tmp`);
  await fs.writeFile(temp, data, { flag: 'wx', mode: 0o644 });
  try {
    for (let n = 1; n <= MAX_CANDIDATES; n++) {
      const target = join(dir, candidateName(preferred, n));
      try {
        await fs.link(temp, target);
        return target;
      } catch (e) {
        if (code(e) === 'EEXIST') continue;
        if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV'].includes(code(e) ?? '')) throw e;
        // No hard links here (FAT, some network shares): check, then rename. A tiny race remains on such filesystems.
        if (await exists(fs, target)) continue;
        await fs.rename(temp, target);
        return target;
      }
    }
    throw new Error(`no free output name for ${preferred}`);
  } finally {
    await fs.unlink(temp).catch(() => undefined);
  }
}
