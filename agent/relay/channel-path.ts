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
  /** The per-start secret the host must present in its hello (0600, in the data dir). */
  keyFile: string;
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
    return { path: `\\\\.\\pipe\\kyso-agent-${name}-${short(`${user.name.toLowerCase()}\n${dataDir.toLowerCase()}`)}`, dir: null, keyFile };
  }
  const dir = join(dataDir, 'run');
  const path = join(dir, `${name}.sock`);
  if (Buffer.byteLength(path) <= MAX_SOCKET_PATH) return { path, dir, keyFile };
  // Deep data dirs (tests, odd homes): a private folder per user and data dir under /tmp, checked like run/.
  const alt = join(tmp, `kyso-agent-${user.uid}-${short(dataDir)}`);
  return { path: join(alt, `${name}.sock`), dir: alt, keyFile };
}
