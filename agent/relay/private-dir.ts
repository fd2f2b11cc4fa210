// The folder that holds the relay socket: created 0700, and refused when it is not ours (a symlink, another
// user's folder, or one others can enter), so no second local user can reach or replace the socket (docs/security.md T25).
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readFile } from 'node:fs/promises';
import { ensurePrivateDir, writeFileAtomic } from '../tls/atomic-file.js';

/** Creates `dir` (0700) if needed and checks it is a real folder of this user that nobody else may enter. */
export async function securePrivateDir(dir: string): Promise<void> {
  if (process.platform === 'win32') {
    await mkdir(dir, { recursive: true });
    return;
  }
  const uid = process.getuid?.() ?? -1;
  const check = async (mode: boolean): Promise<void> => {
    const st = await lstat(dir);
    if (!st.isDirectory() || st.isSymbolicLink()) throw new Error(`${dir} is not a folder`);
    if (uid >= 0 && st.uid !== uid) throw new Error(`${dir} belongs to another user`);
    if (mode && (st.mode & 0o077) !== 0) throw new Error(`${dir} is open to other users`);
  };
  // A folder someone else made first (the /tmp fallback) is refused as it is: not chmod-ed, not used.
  await check(false).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT') throw e;
  });
  await ensurePrivateDir(dir);
  await check(true);
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
