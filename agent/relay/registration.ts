// Where each browser looks for the native-messaging host manifest of the current user, what the manifest says,
// and the HKCU registry commands on Windows. Pure builders (unit-tested for every OS); the CLI runs them.
import { join, win32 } from 'node:path';
import { HOST_NAME } from './extension-ids.js';

export const BROWSERS = ['chrome', 'chromium', 'edge', 'brave', 'firefox'] as const;
export type BrowserName = (typeof BROWSERS)[number];

export interface Command {
  cmd: string;
  args: string[];
}

/** Per-user configuration roots (Linux, macOS) and HKCU keys (Windows) of each browser. */
const LINUX: Record<BrowserName, string[]> = {
  chrome: ['.config', 'google-chrome'],
  chromium: ['.config', 'chromium'],
  edge: ['.config', 'microsoft-edge'],
  brave: ['.config', 'BraveSoftware', 'Brave-Browser'],
  firefox: ['.mozilla'],
};
const MAC: Record<BrowserName, string[]> = {
  chrome: ['Library', 'Application Support', 'Google', 'Chrome'],
  chromium: ['Library', 'Application Support', 'Chromium'],
  edge: ['Library', 'Application Support', 'Microsoft Edge'],
  brave: ['Library', 'Application Support', 'BraveSoftware', 'Brave-Browser'],
  firefox: ['Library', 'Application Support', 'Mozilla'],
};
const WIN_KEYS: Record<BrowserName, string> = {
  chrome: 'HKCU\\Software\\Google\\Chrome\\NativeMessagingHosts',
  chromium: 'HKCU\\Software\\Chromium\\NativeMessagingHosts',
  edge: 'HKCU\\Software\\Microsoft\\Edge\\NativeMessagingHosts',
  brave: 'HKCU\\Software\\BraveSoftware\\Brave-Browser\\NativeMessagingHosts',
  firefox: 'HKCU\\Software\\Mozilla\\NativeMessagingHosts',
};

/** The browser's per-user folder whose existence means "installed for this user" (Linux/macOS). */
export function browserRoot(browser: BrowserName, platform: NodeJS.Platform, home: string): string {
  return join(home, ...(platform === 'darwin' ? MAC : LINUX)[browser]);
}

/**
 * The manifest file for `browser`. `userDataDir` (Chromium family only: portable browsers, tests) puts it in
 * `<dir>/NativeMessagingHosts/`. On Windows the file lives in the agent's data dir and the registry points at it.
 */
export function manifestPath(browser: BrowserName, platform: NodeJS.Platform, home: string, dataDir: string, userDataDir?: string): string {
  const file = `${HOST_NAME}.json`;
  if (userDataDir) return join(userDataDir, 'NativeMessagingHosts', file);
  if (platform === 'win32') return win32.join(dataDir, 'native-host', `${HOST_NAME}.${browser}.json`);
  const dir = browser === 'firefox' ? (platform === 'darwin' ? 'NativeMessagingHosts' : 'native-messaging-hosts') : 'NativeMessagingHosts';
  return join(browserRoot(browser, platform, home), dir, file);
}

/** The host manifest: Chromium lists extension origins, Firefox add-on ids. */
export function hostManifest(browser: BrowserName, launcher: string, ids: { chromium: string[]; firefox: string[] }): Record<string, unknown> {
  const common = { name: HOST_NAME, description: 'kyso-agent native messaging host', path: launcher, type: 'stdio' };
  return browser === 'firefox'
    ? { ...common, allowed_extensions: ids.firefox }
    : { ...common, allowed_origins: ids.chromium.map((id) => `chrome-extension://${id}/`) };
}

/**
 * The launcher the manifest points at: browsers run a program without arguments, so this adds `native-host`.
 * `command` is how this install runs the CLI: `[node, bin/kyso-agent.mjs]`, `[executable]` or `[app.exe, '--cli']`.
 */
export function launcher(platform: NodeJS.Platform, dataDir: string, command: readonly string[]): { path: string; text: string; mode: number } {
  if (platform === 'win32') {
    return { path: win32.join(dataDir, 'native-host', 'kyso-agent-native-host.cmd'), text: `@echo off\r\n${command.map((c) => `"${c}"`).join(' ')} native-host %*\r\n`, mode: 0o644 };
  }
  const q = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  return { path: join(dataDir, 'native-host', 'kyso-agent-native-host'), text: `#!/bin/sh\nexec ${command.map(q).join(' ')} native-host "$@"\n`, mode: 0o700 };
}

/** HKCU registry commands (reg.exe) that register, remove and look up the host for one browser. */
export const windowsRegistry = {
  key: (browser: BrowserName): string => `${WIN_KEYS[browser]}\\${HOST_NAME}`,
  add: (browser: BrowserName, manifest: string): Command => ({ cmd: 'reg', args: ['add', windowsRegistry.key(browser), '/ve', '/t', 'REG_SZ', '/d', manifest, '/f'] }),
  remove: (browser: BrowserName): Command => ({ cmd: 'reg', args: ['delete', windowsRegistry.key(browser), '/f'] }),
  query: (browser: BrowserName): Command => ({ cmd: 'reg', args: ['query', windowsRegistry.key(browser), '/ve'] }),
};
