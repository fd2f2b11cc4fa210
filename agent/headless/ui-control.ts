// The agent's local control channel: `kyso-agent ui diagnostics|settings|about` asks the RUNNING agent to open one of
// its pages. A per-user socket (0600 in a 0700 folder; a named pipe on Windows) beside the relay channel, plus a
// per-start key read from the data dir (docs/security.md "Pages opened from the command line"). One request per
// connection, newline-delimited JSON, a few hundred bytes at most.
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../core/ports.js';
import { channelLocation, type ChannelLocation } from '../relay/channel-path.js';
import { ChannelUntrusted, channelPlatform, type ChannelPlatform } from '../relay/channel-platform.js';
import { claimChannel, closeChannel, listenPrivate } from '../relay/private-channel.js';
import { proofMatches } from '../relay/channel-auth.js';
import { readRelayKey } from '../relay/private-dir.js';

export type PanelPage = 'settings' | 'diagnostics' | 'about';
export const PANEL_PAGES: readonly PanelPage[] = ['diagnostics', 'settings', 'about'];

/**
 * How the agent shows a page for a caller: a launcher file the caller opens in its own session (browser host), or a
 * window the agent showed itself (Electron tray app).
 */
export type PanelShown = { kind: 'launcher'; launcher: string; cancel(): void } | { kind: 'shown' };
export type PanelOpener = (page: PanelPage) => Promise<PanelShown>;

/** Requests and answers are tiny; a longer line is not from `kyso-agent ui`. */
const MAX_LINE = 4096;
/** A caller that says nothing for this long is dropped. */
const IDLE_MS = 10_000;

export interface UiControl {
  location: ChannelLocation;
  /** The socket path, or (Windows) the pipe's full name, random per start as the relay's. */
  path: string;
  close(): Promise<void>;
}

/** The control channel of the agent using `dataDir`. */
export function controlLocation(dataDir: string): ChannelLocation {
  return channelLocation(dataDir, process.platform, { uid: process.getuid?.() ?? -1, name: process.env.USERNAME ?? process.env.USER ?? '' }, '/tmp', 'control');
}

/** Reads newline-delimited JSON objects from a socket, bounded. */
function lines(socket: Socket, onLine: (m: Record<string, unknown> | null) => void): void {
  let buf = '';
  let overflowed = false;
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    if (overflowed) return;
    buf += chunk;
    if (buf.length > MAX_LINE) {
      // Said once; whatever else arrives is dropped unread.
      overflowed = true;
      buf = '';
      onLine(null);
      return;
    }
    for (let nl = buf.indexOf('\n'); nl !== -1; nl = buf.indexOf('\n')) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      let m: unknown = null;
      try {
        m = JSON.parse(line);
      } catch {
        m = null;
      }
      onLine(typeof m === 'object' && m !== null && !Array.isArray(m) ? (m as Record<string, unknown>) : null);
    }
  });
}

const send = (socket: Socket, m: object): void => {
  if (!socket.destroyed) socket.write(`${JSON.stringify(m)}\n`);
};

/** Starts the control channel. Resolves null (and logs why) when another agent of this user already owns it. */
export async function startUiControl(o: { dataDir: string; logger: Logger; open: PanelOpener; location?: ChannelLocation; platform?: ChannelPlatform }): Promise<UiControl | null> {
  const location = o.location ?? controlLocation(o.dataDir);
  const platform = o.platform ?? channelPlatform();
  const claimed = await claimChannel(location, o.logger, 'ui.control.taken', platform);
  if (claimed === null) return null;
  const { key, path } = claimed;
  const sockets = new Set<Socket>();

  const serve = (socket: Socket): void => {
    socket.setTimeout(IDLE_MS, () => socket.destroy());
    socket.on('error', () => undefined);
    let shown: PanelShown | null = null;
    let settled = false;
    // The caller never said it opened the launcher: end the page, its file goes with it.
    socket.once('close', () => {
      if (shown?.kind === 'launcher' && !settled) shown.cancel();
    });
    const refuse = (reason: string) => {
      o.logger.warn('ui.control.refused', { reason });
      send(socket, { t: 'error', reason });
      socket.end();
    };
    lines(socket, (m) => {
      if (!m) return refuse('PROTOCOL_ERROR');
      if (m.t === 'panel' && shown === null) {
        if (!proofMatches(key, typeof m.key === 'string' ? m.key : undefined)) return refuse('BAD_KEY');
        const page = m.page;
        if (typeof page !== 'string' || !(PANEL_PAGES as readonly string[]).includes(page)) return refuse('BAD_PAGE');
        shown = { kind: 'shown' }; // a second request on this connection is refused while this one runs
        o.open(page as PanelPage).then(
          (s) => {
            shown = s;
            o.logger.info('ui.control.panel', { page, kind: s.kind });
            if (socket.destroyed) return s.kind === 'launcher' ? s.cancel() : undefined;
            send(socket, s.kind === 'launcher' ? { t: 'launcher', url: s.launcher } : { t: 'shown' });
            if (s.kind === 'shown') socket.end();
          },
          (e: unknown) => {
            o.logger.error('ui.control.failed', { page, error: e instanceof Error ? e.message : String(e) });
            send(socket, { t: 'error', reason: 'UI_UNAVAILABLE' });
            socket.end();
          },
        );
        return;
      }
      if ((m.t === 'opened' || m.t === 'failed') && shown?.kind === 'launcher' && !settled) {
        settled = true;
        if (m.t === 'failed') shown.cancel();
        socket.end();
        return;
      }
      refuse('PROTOCOL_ERROR');
    });
  };

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    serve(socket);
  });
  await listenPrivate(server, location, path, platform);
  o.logger.info('ui.control.ready', {});
  return {
    location,
    path,
    close: () => closeChannel(server, sockets, location, path, platform),
  };
}

/** What `kyso-agent ui` hears back. */
export type PanelReply =
  | { kind: 'not-running' }
  | { kind: 'error'; reason: string }
  | { kind: 'shown' }
  /** Open `launcher`, then call `done` with whether that worked. */
  | { kind: 'launcher'; launcher: string; done(opened: boolean): Promise<void> };

/** A file:// URL of a launcher file in `<dataDir>/ui-launch` (agent/prompt/launcher.ts names them launch-<22>.html). */
export function isOwnLauncher(url: string, dataDir: string): boolean {
  let path: string;
  try {
    path = fileURLToPath(url);
  } catch {
    return false;
  }
  return dirname(path) === resolve(dataDir, 'ui-launch') && /^launch-[A-Za-z0-9_-]{22}\.html$/.test(basename(path));
}

/** Asks the agent using `dataDir` to open `page`. */
export async function requestPanel(dataDir: string, page: PanelPage, location: ChannelLocation = controlLocation(dataDir), platform: ChannelPlatform = channelPlatform()): Promise<PanelReply> {
  const key = await readRelayKey(location.keyFile);
  if (!key) return { kind: 'not-running' };
  // The relay host's checks: the Unix folder and socket are ours; on Windows the recorded name is of our prefix.
  let path: string | null;
  try {
    path = await platform.connectPath(location);
  } catch (e) {
    if (e instanceof ChannelUntrusted) return { kind: 'error', reason: 'CHANNEL_UNTRUSTED' };
    throw e;
  }
  if (path === null) return { kind: 'not-running' };
  const socket = createConnection(path);
  socket.on('error', () => undefined);
  const connected = await new Promise<boolean>((resolve) => {
    socket.once('connect', () => resolve(true));
    socket.once('error', () => resolve(false));
  });
  if (!connected) return { kind: 'not-running' };
  return new Promise<PanelReply>((resolve) => {
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ kind: 'error', reason: 'TIMEOUT' });
    }, 30_000);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve({ kind: 'error', reason: 'CLOSED' });
    });
    lines(socket, (m) => {
      clearTimeout(timer);
      // Only one of this user's own launcher files is opened: even if something else answered on the channel, it
      // could not make this command open a page of its choosing.
      if (m?.t === 'launcher' && typeof m.url === 'string' && isOwnLauncher(m.url, dataDir)) {
        const url = m.url;
        resolve({
          kind: 'launcher',
          launcher: url,
          done: (opened) =>
            new Promise<void>((r) => {
              socket.once('close', () => r());
              send(socket, { t: opened ? 'opened' : 'failed' });
            }),
        });
      } else if (m?.t === 'shown') {
        resolve({ kind: 'shown' });
        socket.end();
      } else {
        resolve({ kind: 'error', reason: typeof m?.reason === 'string' ? m.reason.slice(0, 64) : 'PROTOCOL_ERROR' });
        socket.end();
      }
    });
    send(socket, { t: 'panel', page, key });
  });
}
