// Where the agent's per-user relay channel lives: a Unix socket in the private data dir (or a private folder under
// /tmp when that path is too long for a socket), a named pipe on Windows. Pure builders, unit-tested.
import { createHash } from 'node:crypto';
import { join } from 'node:path';

/** Longest socket path every Unix accepts (sun_path is 104 bytes on macOS, 108 on Linux, with the NUL). */
export const MAX_SOCKET_PATH = 100;

export interface ChannelLocation {
  /** Socket path (Unix) or pipe name (Windows) to listen on and connect to. */
  path: string;
  /** The 0700 folder holding the socket (Unix); null on Windows. */
  dir: string | null;
  /** The per-start secret both ends prove they know (0600, in the data dir). */
  keyFile: string;
  /**
   * Windows: the file (in the user's data dir) where the running agent records its pipe's full name, whose tail is
   * random per start (`path` is then only the per-user prefix). null on Unix.
   */
  pipeRecord: string | null;
}

const short = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 16);

/**
 * The channel of the agent using `dataDir`. On Windows the pipe name carries a hash of the data dir and the user
 * name, so two users (and two data dirs) never meet on one pipe; on Unix the socket sits in `<dataDir>/run`.
 */
export function channelLocation(
  dataDir: string,
  platform: NodeJS.Platform = process.platform,
  user: { uid: number; name: string } = { uid: -1, name: '' },
  tmp = '/tmp',
  name: 'relay' | 'control' = 'relay',
): ChannelLocation {
  const keyFile = join(dataDir, 'run', `${name}.key`);
  if (platform === 'win32') {
    const prefix = `\\\\.\\pipe\\kyso-agent-${name}-${short(`${user.name.toLowerCase()}\n${dataDir.toLowerCase()}`)}`;
    return { path: prefix, dir: null, keyFile, pipeRecord: join(dataDir, 'run', `${name}.pipe`) };
  }
  const dir = join(dataDir, 'run');
  const path = join(dir, `${name}.sock`);
  if (Buffer.byteLength(path) <= MAX_SOCKET_PATH) return { path, dir, keyFile, pipeRecord: null };
  // Deep data dirs (tests, odd homes): a private folder per user and data dir under /tmp, checked like run/ — by
  // the agent before it listens and by the host before it connects (another user may have made it first).
  const alt = join(tmp, `kyso-agent-${user.uid}-${short(dataDir)}`);
  return { path: join(alt, `${name}.sock`), dir: alt, keyFile, pipeRecord: null };
}

/**
 * Windows: the full pipe name of one agent start, `<per-user prefix>-<32 random hex>`. A program of another user
 * cannot guess it, so it cannot create the pipe first and wait for the host (a pipe's first creator owns it).
 */
export function windowsPipeName(prefix: string, random: Uint8Array): string {
  return `${prefix}-${Buffer.from(random).toString('hex')}`;
}

/** Reads a pipe record: accepted only when it names a pipe of this user's prefix with a random tail. */
export function parsePipeRecord(text: string, prefix: string): string | null {
  const name = text.trim();
  if (!name.startsWith(`${prefix}-`)) return null;
  return /^[0-9a-f]{32}$/.test(name.slice(prefix.length + 1)) ? name : null;
}
