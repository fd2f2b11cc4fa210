// What every per-user local channel of the agent does the same way (the relay's, and `kyso-agent ui`'s control
// channel): a socket in a private folder (0700, ours), refused when another agent of this user already answers there,
// a fresh per-start key file (0600), the socket itself 0600 (docs/security.md T25).
import { chmod, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { connect, type Server, type Socket } from 'node:net';
import type { Logger } from '../core/ports.js';
import type { ChannelLocation } from './channel-path.js';
import { securePrivateDir, writeRelayKey } from './private-dir.js';

/** Is an agent already answering on this channel? (Then this one must not take it over.) */
export function answering(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Prepares the folders and writes a fresh key; null (logged as `takenEvent`) when another agent owns the channel. */
export async function claimChannel(location: ChannelLocation, logger: Logger, takenEvent: string): Promise<string | null> {
  if (location.dir) await securePrivateDir(location.dir);
  await securePrivateDir(dirname(location.keyFile));
  if (await answering(location.path)) {
    logger.warn(takenEvent, { path: location.path });
    return null;
  }
  // A socket file a stopped agent left behind.
  if (location.dir) await unlink(location.path).catch(() => undefined);
  return writeRelayKey(location.keyFile);
}

/** Listens on the channel; the folder is already 0700, the socket is made 0600 too, so a mistake in one never opens the other. */
export async function listenPrivate(server: Server, location: ChannelLocation): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(location.path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  if (location.dir) await chmod(location.path, 0o600);
}

/** Drops every connection, stops listening and removes the socket file. */
export async function closeChannel(server: Server, sockets: Set<Socket>, location: ChannelLocation): Promise<void> {
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => server.close(() => r()));
  if (location.dir) await unlink(location.path).catch(() => undefined);
}
