// How each OS names, publishes and checks the relay channel (docs/extension.md "The local channel"): behind one
// interface so the agent and the host share it, and the Windows half is unit-tested on Linux with fake files.
import { randomBytes } from 'node:crypto';
import { chmod, lstat, readFile, unlink } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { parsePipeRecord, windowsPipeName, type ChannelLocation } from './channel-path.js';
import { writeFileAtomic } from '../tls/atomic-file.js';

/** The host refuses to connect: what listens there may not be the user's agent. */
export class ChannelUntrusted extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'ChannelUntrusted';
  }
}

export interface ChannelPlatform {
  /** Where the agent listens this time (Windows: a fresh random pipe name). */
  listenPath(loc: ChannelLocation): string;
  /** After listening: make the channel private / findable (socket 0600; the pipe's name recorded for the host). */
  publish(loc: ChannelLocation, path: string): Promise<void>;
  /** Where the host connects, after checking it may: null when no agent is recorded; ChannelUntrusted when unsafe. */
  connectPath(loc: ChannelLocation): Promise<string | null>;
  /** On close: remove what publish left. */
  withdraw(loc: ChannelLocation, path: string): Promise<void>;
}

/** What the Unix check reads of a path (lstat: a symlink is itself, never followed). */
export interface StatLike {
  isDirectory(): boolean;
  isSocket(): boolean;
  isSymbolicLink(): boolean;
  uid: number;
  mode: number;
}

/**
 * Unix, before the host connects: the socket's folder must be a real folder of this user with no group or other
 * bits (0700), and the socket a socket of this user. Inside such a folder nobody else can create or swap the socket,
 * so a check-then-connect race cannot be won by another user. The /tmp fallback folder matters most: another user
 * can create `/tmp/kyso-agent-<uid>-…` first.
 */
export async function checkUnixChannel(loc: ChannelLocation, uid: number, stat: (p: string) => Promise<StatLike> = lstat): Promise<void> {
  if (!loc.dir) return;
  const d = await stat(loc.dir);
  if (d.isSymbolicLink() || !d.isDirectory()) throw new ChannelUntrusted(`${loc.dir} is not a folder`);
  if (uid >= 0 && d.uid !== uid) throw new ChannelUntrusted(`${loc.dir} belongs to another user (uid ${d.uid})`);
  if ((d.mode & 0o077) !== 0) throw new ChannelUntrusted(`${loc.dir} is open to other users (mode ${(d.mode & 0o777).toString(8)})`);
  const s = await stat(loc.path);
  if (!s.isSocket()) throw new ChannelUntrusted(`${loc.path} is not a socket`);
  if (uid >= 0 && s.uid !== uid) throw new ChannelUntrusted(`${loc.path} belongs to another user (uid ${s.uid})`);
}

const isMissing = (e: unknown): boolean => (e as NodeJS.ErrnoException)?.code === 'ENOENT';

export function unixChannel(uid: number = process.getuid?.() ?? -1, stat?: (p: string) => Promise<StatLike>): ChannelPlatform {
  return {
    listenPath: (loc) => loc.path,
    publish: async (loc, path) => {
      // The folder is already 0700; the socket itself is 0600 too, so a mistake in one never opens the other.
      if (loc.dir) await chmod(path, 0o600);
    },
    connectPath: async (loc) => {
      try {
        await checkUnixChannel(loc, uid, stat);
      } catch (e) {
        if (isMissing(e)) return null;
        throw e;
      }
      return loc.path;
    },
    withdraw: async (loc, path) => {
      if (loc.dir) await unlink(path).catch(() => undefined);
    },
  };
}

export interface PipeRecordFiles {
  read(file: string): Promise<string>;
  write(file: string, text: string): Promise<void>;
  remove(file: string): Promise<void>;
}

const realFiles: PipeRecordFiles = {
  read: (f) => readFile(f, 'utf8'),
  write: (f, t) => writeFileAtomic(f, t, 0o600),
  remove: (f) => unlink(f),
};

/**
 * Windows: Node cannot set a pipe's DACL nor ask who serves a pipe, so the name is made unguessable instead
 * (random per start) and kept in the user's own data dir, where other users cannot read it. With the key proof
 * on top, a pipe squatter neither gets the host's traffic nor passes for the agent.
 */
export function windowsChannel(files: PipeRecordFiles = realFiles, random: () => Uint8Array = () => randomBytes(16)): ChannelPlatform {
  return {
    listenPath: (loc) => windowsPipeName(loc.path, random()),
    publish: async (loc, path) => files.write(loc.pipeRecord!, `${path}\n`),
    connectPath: async (loc) => {
      let text: string;
      try {
        text = await files.read(loc.pipeRecord!);
      } catch {
        return null;
      }
      const name = parsePipeRecord(text, loc.path);
      if (name === null) throw new ChannelUntrusted(`${loc.pipeRecord} does not name a pipe of this user`);
      return name;
    },
    withdraw: async (loc, path) => {
      // Only our own record: a newer agent may already have replaced it.
      const text = await files.read(loc.pipeRecord!).catch(() => '');
      if (text.trim() === path) await files.remove(loc.pipeRecord!).catch(() => undefined);
    },
  };
}

export function channelPlatform(platform: NodeJS.Platform = process.platform): ChannelPlatform {
  return platform === 'win32' ? windowsChannel() : unixChannel();
}

/** Connects the host to the agent's channel once the platform's checks pass; rejects when nothing listens. */
export async function openChannel(loc: ChannelLocation, platform: ChannelPlatform = channelPlatform()): Promise<Socket> {
  const path = await platform.connectPath(loc);
  if (path === null) throw Object.assign(new Error('no agent channel'), { code: 'ENOENT' });
  return new Promise<Socket>((resolve, reject) => {
    const s = connect(path);
    s.once('connect', () => {
      s.off('error', reject);
      resolve(s);
    });
    s.once('error', reject);
  });
}
