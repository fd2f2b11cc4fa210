import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { channelLocation, type ChannelLocation } from '../relay/channel-path.js';
import { windowsChannel } from '../relay/channel-platform.js';
import { controlLocation, isOwnLauncher, requestPanel, startUiControl, type PanelOpener, type UiControl } from './ui-control.js';

const logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
let dir: string;
let control: UiControl | null = null;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kyso-ctl-'));
});
afterEach(async () => {
  await control?.close();
  control = null;
  await rm(dir, { recursive: true, force: true });
});

/** A launcher URL as agent/prompt writes them: <dataDir>/ui-launch/launch-<22 chars>.html. */
const launcherUrl = (page: string) => pathToFileURL(join(dir, 'ui-launch', `launch-${page.padEnd(22, 'A')}.html`)).href;

function launcherOpener() {
  const cancel = vi.fn();
  const open = vi.fn<PanelOpener>(async (page) => ({ kind: 'launcher', launcher: launcherUrl(page), cancel }));
  return { open, cancel };
}

it('no agent on the data dir: not running (no key file, or a key file left by a stopped agent)', async () => {
  expect(await requestPanel(dir, 'diagnostics')).toEqual({ kind: 'not-running' });
  const { open } = launcherOpener();
  control = await startUiControl({ dataDir: dir, logger, open });
  await control!.close();
  control = null;
  expect(await requestPanel(dir, 'diagnostics')).toEqual({ kind: 'not-running' });
});

it('hands the launcher to the caller; the page stays when the caller opened it, and ends when it could not', async () => {
  const { open, cancel } = launcherOpener();
  control = await startUiControl({ dataDir: dir, logger, open });
  expect((await stat(control!.location.path)).mode & 0o777).toBe(0o600);
  expect((await stat(control!.location.keyFile)).mode & 0o777).toBe(0o600);
  const ok = await requestPanel(dir, 'diagnostics');
  expect(ok.kind).toBe('launcher');
  if (ok.kind !== 'launcher') return;
  expect(ok.launcher).toBe(launcherUrl('diagnostics'));
  await ok.done(true);
  expect(open).toHaveBeenCalledWith('diagnostics');
  expect(cancel).not.toHaveBeenCalled();

  const failed = await requestPanel(dir, 'settings');
  if (failed.kind !== 'launcher') throw new Error('launcher expected');
  await failed.done(false);
  await vi.waitFor(() => expect(cancel).toHaveBeenCalledTimes(1));
});

it('a caller that goes away without saying whether it opened the launcher ends the page', async () => {
  const { open, cancel } = launcherOpener();
  control = await startUiControl({ dataDir: dir, logger, open });
  const r = await requestPanel(dir, 'about');
  if (r.kind !== 'launcher') throw new Error('launcher expected');
  // The socket is dropped by destroying every connection from the agent side's point of view: close the client.
  await control!.close();
  control = null;
  await vi.waitFor(() => expect(cancel).toHaveBeenCalledTimes(1));
});

it('refuses a wrong key and an unknown page without opening anything', async () => {
  const { open } = launcherOpener();
  control = await startUiControl({ dataDir: dir, logger, open });
  const loc = controlLocation(dir);
  const key = (await readFile(loc.keyFile, 'utf8')).trim();
  const reply = await new Promise<string>((resolve) => {
    const s = createConnection(loc.path);
    let text = '';
    s.on('data', (c) => (text += c.toString()));
    s.on('close', () => resolve(text));
    s.write(`${JSON.stringify({ t: 'panel', page: '../../etc', key })}\n`);
  });
  expect(JSON.parse(reply)).toEqual({ t: 'error', reason: 'BAD_PAGE' });
  await writeFile(loc.keyFile, 'f'.repeat(64));
  expect(await requestPanel(dir, 'diagnostics')).toEqual({ kind: 'error', reason: 'BAD_KEY' });
  expect(open).not.toHaveBeenCalled();
});

it('an Electron window shown by the agent itself: the caller hears "shown"', async () => {
  control = await startUiControl({ dataDir: dir, logger, open: async () => ({ kind: 'shown' }) });
  expect(await requestPanel(dir, 'settings')).toEqual({ kind: 'shown' });
});

it('a second agent on the same data dir leaves the channel to the first', async () => {
  const { open } = launcherOpener();
  control = await startUiControl({ dataDir: dir, logger, open });
  expect(await startUiControl({ dataDir: dir, logger, open })).toBeNull();
});

it('an opener failure is UI_UNAVAILABLE to the caller', async () => {
  control = await startUiControl({ dataDir: dir, logger, open: async () => { throw new Error('no display'); } });
  expect(await requestPanel(dir, 'diagnostics')).toEqual({ kind: 'error', reason: 'UI_UNAVAILABLE' });
});

it('an oversized request is refused once and nothing is opened', async () => {
  const { open } = launcherOpener();
  control = await startUiControl({ dataDir: dir, logger, open });
  const reply = await new Promise<string>((resolve) => {
    const s = createConnection(controlLocation(dir).path);
    let text = '';
    s.on('data', (c) => (text += c.toString()));
    s.on('close', () => resolve(text));
    s.on('error', () => undefined);
    s.write('x'.repeat(64 * 1024));
  });
  expect(reply.trim().split('\n').map((l) => JSON.parse(l))).toEqual([{ t: 'error', reason: 'PROTOCOL_ERROR' }]);
  expect(open).not.toHaveBeenCalled();
});

it('the command opens only a launcher file of its own data dir, whatever answers on the channel', async () => {
  expect(isOwnLauncher(launcherUrl('diagnostics'), dir)).toBe(true);
  expect(isOwnLauncher('https://evil.example/', dir)).toBe(false);
  expect(isOwnLauncher('file:///tmp/launch-AAAAAAAAAAAAAAAAAAAAAA.html', dir)).toBe(false);
  expect(isOwnLauncher(pathToFileURL(join(dir, 'ui-launch', 'evil.html')).href, dir)).toBe(false);
  const cancel = vi.fn();
  control = await startUiControl({ dataDir: dir, logger, open: async () => ({ kind: 'launcher', launcher: 'file:///etc/passwd', cancel }) });
  expect(await requestPanel(dir, 'diagnostics')).toEqual({ kind: 'error', reason: 'PROTOCOL_ERROR' });
  await vi.waitFor(() => expect(cancel).toHaveBeenCalled());
});

describe('Windows: the control pipe gets the relay’s random per-start name, recorded in the user’s data dir', () => {
  // The Windows half runs here with a Unix socket standing in for the pipe: the location is the win32 one with its
  // `\\.\pipe\` prefix replaced by a path in the test folder; naming, record, checks are the relay's own code.
  const winLocation = (): ChannelLocation => {
    const real = channelLocation(dir, 'win32', { uid: -1, name: 'An' }, '/tmp', 'control');
    return { ...real, path: join(dir, 'pipe-control') };
  };

  it('names: a per-user, per-data-dir prefix of its own, a record beside the key', () => {
    const real = channelLocation(dir, 'win32', { uid: -1, name: 'An' }, '/tmp', 'control');
    expect(real.path).toMatch(/^\\\\\.\\pipe\\kyso-agent-control-[0-9a-f]{16}$/);
    expect(real.pipeRecord).toBe(join(dir, 'run', 'control.pipe'));
    expect(real.path).not.toBe(channelLocation(dir, 'win32', { uid: -1, name: 'An' }).path);
    expect(real.path).not.toBe(channelLocation(dir, 'win32', { uid: -1, name: 'Binh' }, '/tmp', 'control').path);
  });

  it('each start listens on a fresh random name found through the record; a squatter on the fixed name gets nothing', async () => {
    const loc = winLocation();
    // Another user waits on the name a fixed-name control pipe would have.
    const squatted: string[] = [];
    const squatter = createServer((s) => {
      squatted.push('connection');
      s.destroy();
    });
    await new Promise<void>((r) => squatter.listen(loc.path, r));
    try {
      control = await startUiControl({ dataDir: dir, logger, open: async () => ({ kind: 'shown' }), location: loc, platform: windowsChannel() });
      const first = control!.path;
      expect(first).toMatch(new RegExp(`^${loc.path}-[0-9a-f]{32}$`));
      expect((await readFile(loc.pipeRecord!, 'utf8')).trim()).toBe(first);
      expect(await requestPanel(dir, 'settings', loc, windowsChannel())).toEqual({ kind: 'shown' });
      // A second agent on the data dir finds the first through the record and leaves the channel to it.
      expect(await startUiControl({ dataDir: dir, logger, open: async () => ({ kind: 'shown' }), location: loc, platform: windowsChannel() })).toBeNull();
      await control!.close();
      control = null;
      // Closing removes the record: the command then says no agent is running (and connects nowhere).
      await expect(readFile(loc.pipeRecord!, 'utf8')).rejects.toThrow();
      expect(await requestPanel(dir, 'settings', loc, windowsChannel())).toEqual({ kind: 'not-running' });
      control = await startUiControl({ dataDir: dir, logger, open: async () => ({ kind: 'shown' }), location: loc, platform: windowsChannel() });
      expect(control!.path).not.toBe(first);
      expect(await requestPanel(dir, 'about', loc, windowsChannel())).toEqual({ kind: 'shown' });
      expect(squatted).toEqual([]);
    } finally {
      await new Promise<void>((r) => squatter.close(() => r()));
    }
  });

  it('a record naming a pipe outside this user’s prefix is refused: the command connects nowhere', async () => {
    const loc = winLocation();
    control = await startUiControl({ dataDir: dir, logger, open: async () => ({ kind: 'shown' }), location: loc, platform: windowsChannel() });
    await writeFile(loc.pipeRecord!, `${join(dir, 'elsewhere')}-${'a'.repeat(32)}\n`);
    expect(await requestPanel(dir, 'settings', loc, windowsChannel())).toEqual({ kind: 'error', reason: 'CHANNEL_UNTRUSTED' });
  });
});
