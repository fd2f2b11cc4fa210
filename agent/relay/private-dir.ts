// The folder that holds the relay socket: created 0700, and refused when it is not ours (a symlink, another
// user's folder, or one others can enter), so no second local user can reach or replace the socket (docs/security.md T25).
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../tls/atomic-file.js';

/**
 * Creates `dir` (0700) if needed and checks it is a real folder of this user that nobody else may enter. Nothing on
 * the way follows a symlink another user may plant at the path (the /tmp fallback; macOS has no
 * protected_symlinks): a plain mkdir, which fails on anything already there, then lstat; refused unless it is a
 * folder, not a link, of this user.
 */
export async function securePrivateDir(dir: string): Promise<void> {
  if (process.platform === 'win32') {
    await mkdir(dir, { recursive: true });
    return;
  }
  const uid = process.getuid?.() ?? -1;
  // The parent is the user's data dir (or /tmp, which exists); only the last part can be another user's.
  await mkdir(dirname(dir), { recursive: true, mode: 0o700 });
  await mkdir(dir, { mode: 0o700 }).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'EEXIST') throw e;
  });
  const st = await lstat(dir);
  if (st.isSymbolicLink() || !st.isDirectory()) throw new Error(`${dir} is not a folder`);
  if (uid >= 0 && st.uid !== uid) throw new Error(`${dir} belongs to another user`);
  if ((st.mode & 0o077) === 0) return;
  // Our own folder, open to others (a umask, a hand-made folder): tightened through a handle that does not follow a
  // link and is checked to be the same folder, never through the path (a folder someone else made is refused above).
  const fh = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  try {
    const again = await fh.stat();
    if (again.ino !== st.ino || again.dev !== st.dev) throw new Error(`${dir} changed while it was checked`);
    await fh.chmod(0o700);
  } finally {
    await fh.close();
  }
}

/** Writes a fresh per-start secret (0600) and returns it. */
export async function writeRelayKey(file: string): Promise<string> {
  const key = randomBytes(32).toString('hex');
  await writeFileAtomic(file, key, 0o600);
  return key;
}

export async function readRelayKey(file: string): Promise<string | null> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    return null;
  }
}
