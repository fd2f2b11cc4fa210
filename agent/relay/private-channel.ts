// What every per-user local channel of the agent does the same way (the relay's, and `kyso-agent ui`'s control
// channel): a socket in a private folder (0700, ours) or a Windows pipe whose name is random per start and recorded
// in the user's data dir (channel-platform.ts), refused when another agent of this user already answers there, a
// fresh per-start key file (0600), the socket itself 0600 (docs/security.md T25).
import { dirname } from 'node:path';
import { connect, type Server, type Socket } from 'node:net';
import type { Logger } from '../core/ports.js';
import type { ChannelLocation } from './channel-path.js';
import { channelPlatform, type ChannelPlatform } from './channel-platform.js';
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

/** A channel this agent may take: where to listen this time (Windows: a fresh random pipe name) and its new key. */
export interface ClaimedChannel {
  path: string;
  key: string;
}

/** Prepares the folders and writes a fresh key; null (logged as `takenEvent`) when another agent owns the channel. */
export async function claimChannel(location: ChannelLocation, logger: Logger, takenEvent: string, platform: ChannelPlatform = channelPlatform()): Promise<ClaimedChannel | null> {
  if (location.dir) await securePrivateDir(location.dir);
  await securePrivateDir(dirname(location.keyFile));
  const current = await platform.connectPath(location).catch(() => null);
  if (current !== null && (await answering(current))) {
    logger.warn(takenEvent, { path: current });
    return null;
  }
  const path = platform.listenPath(location);
  // A socket file a stopped agent left behind (Unix); under a fresh pipe name there is nothing to remove.
  await platform.withdraw(location, path);
  return { path, key: await writeRelayKey(location.keyFile) };
}

/** Listens on the claimed path, then publishes it (socket 0600 inside the 0700 folder; the pipe's name recorded). */
export async function listenPrivate(server: Server, location: ChannelLocation, path: string, platform: ChannelPlatform = channelPlatform()): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  await platform.publish(location, path);
}

/** Drops every connection, stops listening and removes what was published (socket file / pipe record). */
export async function closeChannel(server: Server, sockets: Set<Socket>, location: ChannelLocation, path: string, platform: ChannelPlatform = channelPlatform()): Promise<void> {
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => server.close(() => r()));
  await platform.withdraw(location, path);
}
